"""Recognise what one line of a plan is: a numbered element, a bullet, a label, a section.

Every pattern is linear (no nested quantifiers over the same characters), so that a long or
hostile line cannot make the importer hang.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import ABBREVIATIONS, display_level, fold_keep_length, level_name, level_names

MAX_LINE = 5_000  # longer "lines" are prose or garbage: never parsed as plan elements


@dataclass
class Marker:
    """The number (and label) in front of a plan element: "Fiche action 3 :", "1.2", "II –"."""

    scheme: str  # "label", "decimal", "lettered", "roman", "upper", "lower"
    number: str
    title: str
    kind: str | None = None  # level name from the label ("Fiche action"), None if bare
    label_key: str = ""  # the label folded, to compare two labels

    @property
    def depth(self) -> int:
        """Return how many parts the number has: "1.2.3", "1.b", "A-1" are 3, 2 and 2 deep."""
        return len(_NUMBER_PARTS.findall(self.number)) + 1

    @property
    def signature(self) -> tuple:
        if self.scheme == "label":
            return ("label", self.label_key)
        if self.scheme in ("decimal", "lettered"):
            return (self.scheme, self.depth)
        return (self.scheme,)


_NUMBER_PARTS = re.compile(r"[.-](?=\w)")


def parent_number(number: str) -> str:
    """Return the number of the element a compound number sits under: "1.2" for "1.2.3",
    "1" for "1.b", "A" for "A-1"; "" for a simple number."""
    parts = list(_NUMBER_PARTS.finditer(number))
    return number[: parts[-1].start()] if parts else ""


_LABEL = (
    r"(?P<label>"
    r"fiches?(?:[ -]+(?:actions?|projets?))?"
    r"|sous[ -]?actions?"
    r"|axes?(?: +(?:strategiques?|prioritaires?|thematiques?|d'intervention|de +travail))?"
    r"|orientations?(?: +(?:strategiques?|prioritaires?|generales?))?"
    r"|objectifs?(?: +(?:strategiques?|operationnel(?:le)?s?|generale?s?|generaux"
    r"|intermediaires?|specifiques?|prioritaires?))?"
    r"|enjeux?"
    r"|actions?(?: +(?:cles?|prioritaires?))?"
    r"|mesures?|volets?|chantiers?|programmes?|defis?|ambitions?|engagements?|leviers?"
    r"|pistes?|priorites?|thematiques?"
    r")"
)
# A part after the first may be a lower-case letter: "1.a", "2.b.1" number objectives so.
_NUMBER = r"(?P<num>\d{1,3}(?:\.(?:\d{1,3}|[a-z](?![a-z]))){0,4}|[ivx]{1,6}|[a-z])"
_LABELLED = re.compile(
    rf"^{_LABEL}(?: *n *[°o]\.? *| *numero *| +|(?=\d)){_NUMBER}(?![\w.]\w)\.?"
    r"(?P<sep> *[:)\-–—/]| +|$) *"
)
# An element named by its label alone: "Fiche action : Créer un LAEP", "Axe – Jeunesse".
_UNNUMBERED = re.compile(
    r"^(?P<label>fiches?[ -]+(?:actions?|projets?)|axes?(?: +(?:strategiques?|prioritaires?))?"
    r"|orientations?(?: +strategiques?)?|objectifs? +(?:strategiques?|operationnel(?:le)?s?"
    r"|intermediaires?|specifiques?)|actions? +cles?|mesures?|volets?|chantiers?|defis?"
    r"|ambitions?|engagements?|leviers?) *[:–—] *(?=[^\W\d_])"
)
_ABBREVIATED = re.compile(
    r"^(?P<label>FA|OO|OS|OI|OG) *(?:n *°\.? *)?(?P<num>\d{1,3}(?:\.\d{1,3}){0,4})(?![\w])\.?"
    r"(?P<sep> *[:)\-–—/]| +|$) *"
)
_DECIMAL = re.compile(
    r"^(?P<num>\d{1,3}(?:\.(?:\d{1,3}|[a-z](?![^\W\d_]))){0,4})(?![\d])"
    r"(?P<sep>\.? *[)°] *|\. *| *[-–—:/] *| +)"
)
# "A-1", "B.2", "A-1.3": a capital letter (the part, the axe) then numbers.
_LETTERED = re.compile(
    r"^(?P<num>[A-Z](?:[-.]\d{1,3}){1,3})(?![\w])(?P<sep>\.? *[)°] *|\. *| *[-–—:/] *| +)"
)
_ROMAN = re.compile(r"^(?P<num>[IVXL]{1,7})(?P<sep>\. *| *\) *| +[-–—:] *|[-–—:] *)")
_VALID_ROMAN = re.compile(r"^(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_UPPER = re.compile(r"^(?P<num>[A-Z])(?P<sep>[.)] +| +[-–—:] +)")
_LOWER = re.compile(r"^(?P<num>[a-z])(?P<sep>\) +)")
_TITLE_START = re.compile(r"^[\"'«“(\[]?[^\W\d_]", re.UNICODE)

_BULLET = re.compile(
    # \x7f and private-use characters: bullets of Symbol or Wingdings fonts, as PDFs give them.
    r"^(?:[•●▪■□◦○‣⁃∙·*>➢➤✓✔❖◆◇►▶\x7f\ue000-\uf8ff-]|[–—](?= )|[oe¢©](?= +[A-ZÀ-ÖØ-Ý0-9\"“«])"
    r"|«(?= +[A-ZÀ-ÖØ-Ý])(?!.*»))+ *"
)
_TOC = re.compile(r"(?:\.{4,}|…{2,}|(?:\. ){4,}|_{4,}) *\d{1,4} *$")
_SECTION = re.compile(
    r"^(?P<word>article|annexe|chapitre|titre|partie)s? +"
    r"(?P<num>\d{1,3}|[ivx]{1,6}|premier|premiere|unique|[a-e])(?![\w])"
    r" *(?:[-–—:.] *)?(?P<title>.*)$"
)

FIELDS: list[tuple[str, str]] = [
    (
        "title",
        r"(?:intitule|libelle|titre|nom)(?: +(?:de +(?:l'action|la +fiche|l'axe|l'objectif)))?",
    ),
    (
        "objective",
        r"objectifs?(?: +(?:global|globaux|generale?s?|generaux|de +l'action|vises?"
        r"|poursuivis?|principal|principaux))?",
    ),
    ("expected_result", r"(?:resultats?|effets?|impacts?) +(?:attendus?|escomptes?|vises?)"),
    ("target_public", r"publics?(?: +(?:cibles?|vises?|concernes?))?|beneficiaires|cibles?"),
    (
        "territory",
        r"territoires?(?: +(?:concernes?|d'intervention|cibles?))?|perimetre"
        r"|lieux?(?: +de +(?:mise +en +oeuvre|realisation))?",
    ),
    (
        "pilots",
        r"(?:principaux +)?pilotes?(?: *\(s\))?|pilotage|porteurs?(?: +de +(?:projet|l'action))?"
        r"|porte +par|responsables?(?: *\(s\))?|referents?|maitres? +d'ouvrage",
    ),
    (
        "partners",
        r"partenaires?(?: *\(s\))?(?: +(?:associes?|mobilises?|concernes?|impliques?"
        r"|financeurs?|pressentis?))?",
    ),
    (
        "indicators",
        r"indicateurs?(?: +(?:de +suivi|d'evaluation|de +resultats?|d'impact"
        r"|de +realisation))?(?: +et +d'evaluation)?|criteres? +d'evaluation"
        r"|modalites +d'evaluation",
    ),
    (
        "period",
        r"calendrier(?: +previsionnel)?|echeances?|echeancier|periode(?: +de +realisation)?"
        r"|duree|dates?|demarrage|annees? +de +(?:mise +en +oeuvre|realisation)",
    ),
    (
        "description",
        r"description(?: +de +l'action)?|descriptif|contenu|contexte|modalites(?: +de +mise"
        r" +en +oeuvre)?|deroulement|constats?|enjeux|etapes",
    ),
    (
        "budget",
        r"budget(?: +previsionnel)?|couts?|financements?|moyens(?: +(?:mobilises|humains"
        r"|financiers))?|plan +de +financement",
    ),
    ("priority", r"(?:niveau +de +)?priorite"),
    ("origin", r"origine|nature +de +l'action|statut +de +l'action"),
    ("thematics", r"thematiques?(?: *\(s\))?|champs?(?: +d'intervention)?|domaines?"),
]
_FIELD = re.compile(
    r"^(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in FIELDS) + r") *(?::|$) *"
)


def strip_bullet(text: str) -> tuple[bool, str]:
    """Return (whether the line starts with a bullet, the text after it)."""
    match = _BULLET.match(text)
    if match and match.end() < len(text):
        return True, text[match.end() :]
    return False, text


def parse_marker(text: str) -> Marker | None:
    """Return the element number (and label) at the start of a line, or None."""
    if len(text) > MAX_LINE:
        return None
    folded = fold_keep_length(text[:160])
    match = _ABBREVIATED.match(text)
    if match:
        kind = ABBREVIATIONS[match.group("label")]
        return _marker("label", match.group("num"), text[match.end() :], kind)
    match = _LABELLED.match(folded)
    if match:
        number = text[match.start("num") : match.end("num")]
        if number.isalpha():
            number = number.upper()
            if len(number) > 1 and not _VALID_ROMAN.match(number):
                return None
            if len(number) == 1 and match.group("sep").strip() == "" and text[match.end() :]:
                # "Action A titre…" is prose; "Axe A : …" or "Axe A" alone is a label.
                return None
        kind = level_name(text[match.start("label") : match.end("label")])
        if kind is None:
            return None
        return _marker("label", number, text[match.end() :], display_level(kind))
    match = _UNNUMBERED.match(folded)
    if match:
        kind = level_name(text[match.start("label") : match.end("label")])
        if kind is not None:
            inner = parse_marker(text[match.end() :])
            if inner is not None and inner.scheme == "label" and inner.number:
                return inner  # "Orientation : Orientation 2 – Jeunesse", a fiche's field
            return _marker("label", "", text[match.end() :], display_level(kind))
    match = _DECIMAL.match(text)
    if match:
        number = match.group("num")
        separator = match.group("sep").strip()
        if "." not in number and not separator:
            return None  # "3 ETP vacants", "12 places": a figure, not a number
        rest = text[match.end() :]
        if not _TITLE_START.match(rest):
            return None
        return _marker("decimal", number, rest)
    match = _LETTERED.match(text)
    # "A-1 ans, les enfants…" is prose: a title after such a number starts with a capital.
    if match and _TITLE_START.match(text[match.end() :]) and not text[match.end()].islower():
        return _marker("lettered", match.group("num"), text[match.end() :])
    match = _ROMAN.match(text)
    if match and _VALID_ROMAN.match(match.group("num")):
        rest = text[match.end() :]
        if _TITLE_START.match(rest):
            return _marker("roman", match.group("num"), rest)
    match = _UPPER.match(text)
    if match and _TITLE_START.match(text[match.end() :]):
        return _marker("upper", match.group("num"), text[match.end() :])
    match = _LOWER.match(text)
    if match and _TITLE_START.match(text[match.end() :]):
        return _marker("lower", match.group("num"), text[match.end() :])
    return None


def _marker(scheme: str, number: str, title: str, kind: str | None = None) -> Marker:
    title = title.strip(" \t:–—-")
    return Marker(
        scheme=scheme,
        number=number.rstrip("."),
        title=title,
        kind=kind,
        label_key=(kind or "").lower(),
    )


_OFF_PLAN = re.compile(
    r"\b(?:constats?|diagnostic|etat des lieux|annexes|signatures?|signataires|glossaire"
    r"|sommaire|table des matieres|gouvernance|liste des equipements|modalites de suivi)\b"
)
_ON_PLAN = re.compile(
    r"\bplans? d'actions?\b|\bfiches?[ -]actions?\b|\bprogrammes? d'actions?\b"
    r"|\bactions (?:retenues|prevues)\b|\bfeuille de route\b"
)


def pseudo_section(text: str) -> str | None:
    """Return "plan" or "off" for an unnumbered title that starts a part of the document
    ("PLAN D'ACTIONS", "Les principaux constats du diagnostic", "Liste des annexes"), or None.
    """
    if len(text) > 100:
        return None
    folded = fold_keep_length(text)
    if _ON_PLAN.search(folded):
        return "plan"
    if _OFF_PLAN.search(folded):
        return "off"
    return None


_TITLE_PERIOD = re.compile(
    r" *\((?:T[1-4] *)?((?:19|20)\d\d)(?: *[-–—/à] *(?:T[1-4] *)?((?:19|20)\d\d))?\) *$"
)


def title_period(title: str) -> tuple[str, str]:
    """Split "Créer un LAEP (2025-2026)" into the title and the period written after it."""
    if not title.endswith(")"):
        return title, ""
    match = _TITLE_PERIOD.search(title)
    if not match or match.start() < 3:
        return title, ""
    return title[: match.start()], match.group(0).strip(" ()")


def is_toc_entry(text: str) -> bool:
    """Return whether the line is a table of contents entry ("1. Axe ........ 12")."""
    return bool(_TOC.search(text[-200:]))


def section_marker(text: str) -> tuple[str, str] | None:
    """Return (word, title) for a section of the convention ("ANNEXE 3 - PLAN D'ACTIONS")."""
    if len(text) > 300:
        return None
    if not text.lstrip()[:1].isalpha():
        return None
    match = _SECTION.match(fold_keep_length(text.strip()))
    if not match:
        return None
    title = text.strip()[match.start("title") :].strip()
    return match.group("word"), title


def section_number(text: str) -> str:
    """Return the number of a section line ("Partie 2 – Enfance" → "2"), upper-cased."""
    match = _SECTION.match(fold_keep_length(text.strip()[:300]))
    return match.group("num").upper() if match and match.group("num")[:1].isalnum() else ""


def field_label(text: str) -> tuple[str, str] | None:
    """Return (field, value after the colon) for "Résultat attendu : …", or None."""
    if len(text) > MAX_LINE:
        return None
    match = _FIELD.match(fold_keep_length(text))
    if not match:
        return None
    if match.end() < len(text) and ":" not in text[: match.end()]:
        return None
    return match.lastgroup, text[match.end() :].strip()


def level_label(text: str) -> list[str]:
    """Return the level names a line announces ("Actions clés :", "Axes et actions"), or []."""
    stripped = text.strip()
    if len(stripped) > 80 or not stripped:
        return []
    body = stripped.rstrip(" :").strip()
    if ":" in body:
        return []
    names = level_names(body)
    if len(names) == 1 and names[0] in ("Objectif", "Enjeu", "Thématique", "Priorité"):
        return []  # "Objectifs :" introduces the element's objectives, a field
    return names
