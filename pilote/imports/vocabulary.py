"""The words plans are written with: level names, field labels, thematics, text comparison.

Everything here is generic French CTG vocabulary (DOMAIN.md §3), not the wording of one plan.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from difflib import SequenceMatcher

from pilote.core.text import fold as core_fold
from pilote.plans.enums import CNAF_THEMATICS

# Nouns that name a level of an action plan, without accents, with their written form.
LEVEL_NOUNS = {
    "axe": "Axe",
    "orientation": "Orientation",
    "objectif": "Objectif",
    "enjeu": "Enjeu",
    "fiche": "Fiche",
    "action": "Action",
    "sous-action": "Sous-action",
    "mesure": "Mesure",
    "thematique": "Thématique",
    "priorite": "Priorité",
    "volet": "Volet",
    "chantier": "Chantier",
    "programme": "Programme",
    "defi": "Défi",
    "ambition": "Ambition",
    "engagement": "Engagement",
    "levier": "Levier",
    "piste": "Piste",
    "projet": "Projet",
    "domaine": "Domaine",
}
# Words that qualify a level noun ("Axe stratégique", "Action clé"), with their written form.
QUALIFIERS = {
    "strategique": "stratégique",
    "operationnel": "opérationnel",
    "operationnelle": "opérationnelle",
    "cle": "clé",
    "general": "général",
    "generale": "générale",
    "intermediaire": "intermédiaire",
    "specifique": "spécifique",
    "prioritaire": "prioritaire",
    "thematique": "thématique",
    "structurant": "structurant",
    "structurante": "structurante",
    "transversal": "transversal",
    "transversale": "transversale",
    "action": "action",  # "Fiche action", "Fiche-action"
    "projet": "projet",  # "Fiche projet"
    "d'intervention": "d'intervention",
    "de travail": "de travail",
}
ABBREVIATIONS = {
    "FA": "Fiche action",
    "OO": "Objectif opérationnel",
    "OS": "Objectif stratégique",
    "OI": "Objectif intermédiaire",
    "OG": "Objectif général",
    "AS": "Axe stratégique",
}
# Labels of the convention's own structure: sections, never plan elements.
SECTION_WORDS = ("article", "annexe", "chapitre", "titre", "partie", "section")
# A section whose title has one of these holds (part of) the plan.
PLAN_SECTION_WORDS = (
    "plan d",
    "action",
    "axe",
    "orientation",
    "fiche",
    "programme",
    "feuille de route",
    "objectifs partages",
)

STOP_WORDS = {
    "avec",
    "dans",
    "pour",
    "leur",
    "leurs",
    "afin",
    "entre",
    "sont",
    "cette",
    "ainsi",
    "plus",
    "tout",
    "toute",
    "toutes",
    "tous",
    "vers",
    "sous",
    "etre",
    "faire",
    "mettre",
    "place",
}

# Thematic words: Cnaf list plus those real plans add (DOMAIN.md §3).
EXTRA_THEMATIC_WORDS = (
    "insertion",
    "sante",
    "mobilite",
    "environnement",
    "organisation",
    "gouvernance",
    "lien social",
    "vie sociale",
    "cohesion sociale",
    "solidarite",
    "inclusion",
    "numerique",
    "education",
    "culture",
    "sport",
    "loisirs",
    "famille",
    "seniors",
    "acces aux services",
    "dynamique territoriale",
)


def fold_keep_length(text: str) -> str:
    """Return the text in lower case without accents, one character for each character.

    Regular expressions run on this form give positions valid in the original text.
    """
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    table = {}
    for char in set(lowered):
        if not char.isascii() and ord(char) not in _FOLD_TABLE:
            base = unicodedata.normalize("NFKD", char)
            kept = next((c for c in base if not unicodedata.combining(c)), char)
            _FOLD_TABLE[ord(char)] = kept if len(kept) == 1 else char
        table = _FOLD_TABLE
    return lowered.translate(table)


_FOLD_TABLE: dict[int, str] = {ord("’"): "'", ord("‘"): "'", ord("œ"): "o", ord("æ"): "a"}


def fold(text: str) -> str:
    """Return the text folded by pilote.core.text.fold, typographic apostrophes made straight."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return core_fold(text.translate(_APOSTROPHES))


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


_OCR_APOSTROPHE = re.compile(r"(?<![A-Za-z0-9])[1I](?=['’][a-zàâäéèêëîïôöûüœh])")


def normalize_title(text: str) -> str:
    """Return a title reduced for comparison: no case, accents, punctuation or OCR l/1/I."""
    text = _OCR_APOSTROPHE.sub("l", text)
    text = fold(text).replace("ceuvre", "oeuvre")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def similarity(left: str, right: str) -> float:
    """Return how alike two titles are, from 0 to 1, after normalize_title."""
    a, b = normalize_title(left), normalize_title(right)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a[:400], b[:400], autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return matcher.quick_ratio()
    return matcher.ratio()


def stems(text: str) -> set[str]:
    """Return the significant word stems of a text (5 first letters of words of 4+ letters)."""
    words = normalize_title(text).split()
    return {word[:5] for word in words if len(word) >= 4 and word not in STOP_WORDS}


def overlap(label: str, text: str) -> float:
    """Return the share of the label's stems found in the text (0 when the label has none)."""
    label_stems = stems(label)
    if not label_stems:
        return 0.0
    return len(label_stems & stems(text)) / len(label_stems)


def titles_match(left: str, right: str) -> bool:
    """Return whether two titles name the same element (one may be a shorter wording)."""
    if not left or not right:
        return False
    if similarity(left, right) >= 0.8:
        return True
    short, long_ = sorted((normalize_title(left), normalize_title(right)), key=len)
    if len(short) >= 12 and short in long_ and len(short) * 2 >= len(long_):
        return True
    a, b = stems(left), stems(right)
    if len(a) >= 2 and len(b) >= 2:
        common = len(a & b)
        return common / min(len(a), len(b)) >= 0.75 and common / max(len(a), len(b)) >= 0.5
    return False


# --------------------------------------------------------------------------- level names

_WORD = re.compile(r"[a-z][a-z']*")
_NUMBER_WORDS = {"n", "no", "num", "numero"}


def level_name(phrase: str) -> str | None:
    """Return the singular level name of a phrase, or None when it names no plan level.

    "Orientations Stratégiques" → "Orientation stratégique", "N° FA" → "Fiche action",
    "Actions clés :" → "Action clé"; "Principaux pilotes" → None.
    """
    cleaned = " ".join(phrase.replace("°", " ").split()).strip(" :.;,()")
    words = [word for word in _WORD.findall(fold(cleaned)) if word not in _NUMBER_WORDS]
    if not words:
        return None
    raw = [word for word in re.findall(r"[A-Za-z]+", cleaned) if fold(word) not in _NUMBER_WORDS]
    if len(raw) == 1 and raw[0].isupper() and raw[0] in ABBREVIATIONS:
        return ABBREVIATIONS[raw[0].upper()]
    if words[0] == "sous" and len(words) > 1 and _singular(words[1], LEVEL_NOUNS) == "action":
        words = ["sous-action", *words[2:]]
    noun = _singular(words[0], LEVEL_NOUNS)
    if noun is None:
        return None
    parts = [LEVEL_NOUNS[noun]]
    index = 1
    while index < len(words) and len(parts) < 3:
        pair = " ".join(words[index : index + 2])
        if pair in QUALIFIERS:
            parts.append(QUALIFIERS[pair])
            index += 2
            continue
        qualifier = _singular(words[index], QUALIFIERS)
        if qualifier is None:
            break
        parts.append(QUALIFIERS[qualifier])
        index += 1
    if index < len(words):
        return None  # "Actions menées en 2024" is prose, not a level name
    return " ".join(parts)


def _singular(word: str, vocabulary: dict[str, str]) -> str | None:
    if word in vocabulary:
        return word
    for suffix in ("s", "x"):
        if word.endswith(suffix) and word[:-1] in vocabulary:
            return word[:-1]
    if word.endswith("es") and word[:-2] in vocabulary:
        return word[:-2]
    return None


_LIST_SPLIT = re.compile(r"\s*(?:,|;|/|&|\bet\b|\bpuis\b|→|>)\s*", re.IGNORECASE)


def level_names(phrase: str) -> list[str]:
    """Return the level names a phrase lists ("Axes stratégiques et actions clés" → two names).

    Return [] unless every part of the phrase names a level.
    """
    text = phrase.strip(" :.")
    text = re.sub(r"^(?:les|nos|des|la|le|l')\s+", "", text, flags=re.IGNORECASE)
    if not text or len(text) > 80:
        return []
    names = []
    for part in _LIST_SPLIT.split(text):
        part = re.sub(r"^(?:les|des|la|le|l')\s+", "", part.strip(), flags=re.IGNORECASE)
        if not part:
            continue
        name = level_name(part)
        if name is None or len(part.split()) > 4:
            return []
        names.append(name)
    return names


def display_level(name: str) -> str:
    """Return a level name in sentence case, as the plan lists it ("Fiche action")."""
    name = " ".join(name.split())
    if not name:
        return name
    words = name.split(" ")
    shaped = []
    for index, word in enumerate(words):
        if word.isupper() and len(word) <= 4 and index > 0:
            shaped.append(word)  # an acronym: "Objectif CTG"
        else:
            shaped.append(word.lower())
    result = " ".join(shaped)
    return result[:1].upper() + result[1:]


# How high a level usually sits (1: top). Only used to tell a fiche's reference to its axe
# ("Fiche action 3" then "Axe 2 : …") from a child element.
_RANKS = [
    ("sous-action", 6),
    ("action", 5),
    ("mesure", 5),
    ("piste", 5),
    ("fiche", 4),
    ("projet", 4),
    ("objectif operationnel", 4),
    ("objectif intermediaire", 3),
    ("objectif specifique", 3),
    ("orientation", 2),
    ("objectif", 2),
    ("programme", 2),
    ("chantier", 2),
    ("engagement", 2),
    ("levier", 2),
    ("axe", 1),
    ("enjeu", 1),
    ("thematique", 1),
    ("ambition", 1),
    ("defi", 1),
    ("volet", 1),
    ("priorite", 1),
    ("domaine", 1),
]


def level_rank(kind: str | None) -> int | None:
    """Return how high a named level usually sits (1 for "Axe", 4 for "Fiche action")."""
    if not kind:
        return None
    folded = fold(kind)
    for prefix, rank in _RANKS:
        if folded.startswith(prefix):
            return rank
    return None


def compatible_kinds(left: str | None, right: str | None) -> bool:
    """Return whether two level names may name one level ("Orientation" and "Orientation
    stratégique" may; an unnamed level may be anything)."""
    if left is None or right is None or left == right:
        return True
    return _compatible(left, right)


@functools.lru_cache(maxsize=1024)
def _compatible(left: str, right: str) -> bool:
    a, b = fold(left), fold(right)
    return a == b or a.startswith(b + " ") or b.startswith(a + " ")


# --------------------------------------------------------------------------- thematics

_CNAF = [(code, fold(label)) for code, label in CNAF_THEMATICS]


def thematic_codes(text: str) -> list[str]:
    """Return the Cnaf thematic codes a short label names ("PETITE ENFANCE - PARENTALITE")."""
    folded = " ".join(re.sub(r"[^a-z]+", " ", fold(text)).split())
    codes = []
    for code, label in _CNAF:
        label_words = " ".join(re.sub(r"[^a-z]+", " ", label).split())
        if re.search(rf"(?<![a-z]){re.escape(label_words)}(?![a-z])", folded):
            # "Petite enfance" alone is not also "Enfance".
            if code == "enfance" and not re.search(r"(?<!petite )enfance", folded):
                continue
            codes.append(code)
    return codes


def looks_thematic(text: str) -> bool:
    """Return whether a short label is a field of the CTG (petite enfance, logement, santé…)."""
    if len(text) > 60:
        return False
    if thematic_codes(text):
        return True
    folded = fold(text)
    return any(word in folded for word in EXTRA_THEMATIC_WORDS)
