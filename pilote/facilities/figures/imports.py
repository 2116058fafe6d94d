"""Read a file of territory figures: the Pilote CTG template, or a data.caf.fr coverage file.

Reading never writes: it returns the figures found, each with the line it comes from, and every
bad row with its line number and a French message. `figures.services.apply_import` writes them,
all or nothing. data.caf.fr files (`txcouv_pe_*`, `nbpla_pe_*`) are recognised by their columns
(docs/data-sources.md lists the columns read and what is assumed about them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from pilote.core.tabular import (
    Problem,
    Row,
    Table,
    TabularError,
    normalize_header,
    parse_number,
    read_table,
    year_of,
)
from pilote.core.text import fold

from ..enums import AreaKind, FigureKind
from ..exceptions import FacilitiesError

YEAR_MIN, YEAR_MAX = 1990, 2100
VALUE_LIMIT = Decimal("1e11")  # TerritoryFigure.value: 14 digits, 3 of them decimals
THOUSANDTH = Decimal("0.001")
FRANCE_CODE, FRANCE_NAME = "FR", "France"
TEMPLATE_FORMAT = "modèle Pilote CTG"

# The template's columns: (header as written, normalized key, required).
TEMPLATE_COLUMNS = [
    ("Échelle", "echelle", True),
    ("Code", "code", True),
    ("Territoire", "territoire", False),
    ("Chiffre", "chiffre", True),
    ("Millésime", "millesime", True),
    ("Valeur", "valeur", True),
    ("Source", "source", False),
]
AREA_WORDS = {
    "commune": AreaKind.COMMUNE,
    "communes": AreaKind.COMMUNE,
    "epci": AreaKind.EPCI,
    "intercommunalite": AreaKind.EPCI,
    "departement": AreaKind.DEPARTEMENT,
    "dep": AreaKind.DEPARTEMENT,
    "france": AreaKind.FRANCE,
    "national": AreaKind.FRANCE,
    "nation": AreaKind.FRANCE,
}
ABSENT_VALUES = {"", "na", "n a", "nd", "n d", "s", "secret", "nc"}


@dataclass(frozen=True)
class FigureRow:
    """A figure read from a file, with the line it comes from."""

    line: int
    area_kind: str
    area_code: str
    area_name: str
    kind: str
    label: str
    year: int
    value: Decimal
    source: str

    @property
    def key(self) -> tuple[str, str, str, str, int]:
        return (self.area_kind, self.area_code, self.kind, self.label, self.year)

    @property
    def kind_label(self) -> str:
        return self.label or FigureKind(self.kind).label


@dataclass
class FigureImport:
    """What a file holds: its figures, its bad rows and what was left out (and why)."""

    filename: str
    format: str
    rows: list[FigureRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)  # whole lines: no column
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _problem(line: int, message: str) -> Problem:
    return Problem(line, "", message)


# --------------------------------------------------------------------------- territories


def normalize_code(area_kind: str, raw: str) -> str:
    """Return a territory code as the COG writes it ("4070" → "04070", "4" → "04")."""
    code = re.sub(r"\s+", "", str(raw or "")).upper()
    if code.endswith(".0") and code[:-2].isdecimal():  # a number saved by a spreadsheet
        code = code[:-2]
    if area_kind == AreaKind.COMMUNE and code.isdecimal() and len(code) == 4:
        return code.zfill(5)
    if area_kind == AreaKind.DEPARTEMENT and code.isdecimal() and len(code) == 1:
        return code.zfill(2)
    if area_kind == AreaKind.FRANCE and code in ("", "FR", "FRANCE", "FE", "FRA"):
        return FRANCE_CODE
    return code


class Areas:
    """Territories of the shipped COG (pilote.territories), looked up in one query per kind."""

    def __init__(self, names: dict[tuple[str, str], str]) -> None:
        self.names = names

    @classmethod
    def load(cls, wanted: Iterable[tuple[str, str]]) -> Areas:
        from pilote.territories.models import EPCI, Commune, Departement

        codes: dict[str, set[str]] = {kind: set() for kind in AreaKind.values}
        for area_kind, code in wanted:
            if area_kind in codes and code:
                codes[area_kind].add(code)
        names: dict[tuple[str, str], str] = {(AreaKind.FRANCE, FRANCE_CODE): FRANCE_NAME}
        sources = [
            (AreaKind.COMMUNE, Commune.objects, "code"),
            (AreaKind.EPCI, EPCI.objects, "siren"),
            (AreaKind.DEPARTEMENT, Departement.objects, "code"),
        ]
        for area_kind, manager, key in sources:
            if codes[area_kind]:
                for code, name in manager.filter(**{f"{key}__in": codes[area_kind]}).values_list(
                    key, "name"
                ):
                    names[(area_kind, code)] = name
        return cls(names)

    def resolve(self, area_kind: str, code: str) -> str:
        """Return the territory's official name, or raise ValueError with a French message."""
        if area_kind == AreaKind.FRANCE:
            if code != FRANCE_CODE:
                raise ValueError(f"code « {code} » inattendu pour la France : laissez vide ou FR.")
            return FRANCE_NAME
        if not code:
            raise ValueError(f"le code {_AREA_CODE_NAME[area_kind]} est vide.")
        name = self.names.get((area_kind, code))
        if name is None:
            raise ValueError(
                f"{_AREA_CODE_NAME[area_kind]} « {code} » inconnu dans le Code officiel "
                "géographique."
            )
        return name


_AREA_CODE_NAME = {
    AreaKind.COMMUNE: "code INSEE de commune",
    AreaKind.EPCI: "SIREN d'EPCI",
    AreaKind.DEPARTEMENT: "code de département",
    AreaKind.FRANCE: "code",
}


# --------------------------------------------------------------------------- values


def parse_year(text: str) -> int:
    """Return the millésime written as "2023", "2023.0" or "2023-01-01"; raise ValueError."""
    year = year_of(text)
    if year is None:
        raise ValueError(f"millésime « {text} » invalide : indiquez une année (par exemple 2023).")
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(f"millésime {year} hors limites (entre {YEAR_MIN} et {YEAR_MAX}).")
    return year


def parse_value(text: str) -> Decimal:
    """Return a figure's value to three decimals; raise ValueError with a French message."""
    value = parse_number(text)
    if abs(value) >= VALUE_LIMIT:
        raise ValueError(f"valeur « {text} » trop grande.")
    return value.quantize(THOUSANDTH)


_KIND_WORDS = {normalize_header(kind.label): kind.value for kind in FigureKind}
_KIND_WORDS |= {normalize_header(kind.value): kind.value for kind in FigureKind}


def kind_from_text(text: str) -> tuple[str, str]:
    """Return (kind, label) for the text of a "chiffre" cell: a known figure or "autre"."""
    key = normalize_header(text)
    kind = _KIND_WORDS.get(key)
    if kind == FigureKind.OTHER:
        raise ValueError(
            "« Autre chiffre » ne suffit pas : écrivez le libellé du chiffre "
            "(par exemple « Indice de jeunesse »)."
        )
    if kind:
        return kind, ""
    label = " ".join(str(text).split())
    if not label:
        raise ValueError("le chiffre est vide.")
    if len(label) > 200:
        raise ValueError("le libellé du chiffre dépasse 200 caractères.")
    return FigureKind.OTHER, label


def known_label_kind(label: str) -> str | None:
    """Return the figure kind whose name or code this free label repeats, if any."""
    kind = _KIND_WORDS.get(normalize_header(label))
    return kind if kind and kind != FigureKind.OTHER else None


# --------------------------------------------------------------------------- reading


def read_figures(
    data: bytes,
    filename: str,
    *,
    convention,
) -> FigureImport:
    """Return the figures of a template or data.caf.fr file; raise FacilitiesError if unreadable.

    data.caf.fr files only keep the rows of the CTG's communes, EPCI and département and the
    national row.
    """
    try:
        table = read_table(data, filename)
    except TabularError as error:
        raise FacilitiesError(str(error)) from None
    keys = set(table.keys)
    if {"echelle", "chiffre"} <= keys or {"echelle", "code", "valeur"} <= keys:
        return _read_template(table, filename)
    caf = _caf_layout(table, filename)
    if caf is not None:
        return _read_caf(table, filename, caf, convention=convention)
    raise FacilitiesError(
        "Les colonnes de ce fichier ne sont pas reconnues. Utilisez le modèle à télécharger "
        "(colonnes Échelle, Code, Chiffre, Millésime, Valeur, Source) ou un fichier de "
        "data.caf.fr (txcouv_pe_… ou nbpla_pe_…) tel qu'il a été téléchargé. Colonnes lues : "
        + ", ".join(f"« {h} »" for h in table.headers if h)
        + "."
    )


def _read_template(table: Table, filename: str) -> FigureImport:
    missing = [h for h, k, r in TEMPLATE_COLUMNS if r and k not in table.keys]
    if missing:
        raise FacilitiesError(
            "Colonne"
            + ("s" if len(missing) > 1 else "")
            + " absente"
            + ("s" if len(missing) > 1 else "")
            + " du fichier : "
            + ", ".join(f"« {h} »" for h in missing)
            + ". Partez du modèle à télécharger."
        )
    result = FigureImport(filename=filename, format=TEMPLATE_FORMAT)
    parsed: list[tuple[Row, str, str]] = []
    for row in table.rows:
        area_kind = AREA_WORDS.get(normalize_header(row.get("echelle")))
        if area_kind is None:
            result.errors.append(
                _problem(
                    row.number,
                    f"échelle « {row.get('echelle')} » inconnue : écrivez commune, EPCI, "
                    "département ou France.",
                )
            )
            continue
        parsed.append((row, area_kind, normalize_code(area_kind, row.get("code"))))
    areas = Areas.load((kind, code) for _, kind, code in parsed)
    seen: dict[tuple, int] = {}
    for row, area_kind, code in parsed:
        problems = []
        name = kind = label = year = value = None
        try:
            name = areas.resolve(area_kind, code)
        except ValueError as error:
            problems.append(str(error))
        try:
            kind, label = kind_from_text(row.get("chiffre"))
        except ValueError as error:
            problems.append(str(error))
        try:
            year = parse_year(row.get("millesime"))
        except ValueError as error:
            problems.append(str(error))
        raw_value = row.get("valeur")
        if not raw_value.strip():
            problems.append("la valeur est vide.")
        else:
            try:
                value = parse_value(raw_value)
            except ValueError as error:
                problems.append(f"valeur invalide : {error}")
        source = " ".join(row.get("source").split())
        if len(source) > 255:
            problems.append("la source dépasse 255 caractères.")
        if problems:
            result.errors.append(_problem(row.number, " ; ".join(_sentence(p) for p in problems)))
            continue
        figure = FigureRow(row.number, area_kind, code, name, kind, label, year, value, source)
        if _duplicate(result, seen, figure):
            continue
        result.rows.append(figure)
    return result


def _sentence(text: str) -> str:
    text = text.rstrip(".")
    return text[:1].upper() + text[1:] if text else text


def _duplicate(result: FigureImport, seen: dict, figure: FigureRow) -> bool:
    first = seen.get(figure.key)
    if first is not None:
        result.errors.append(
            _problem(
                figure.line,
                f"même chiffre (« {figure.kind_label} »), même territoire et même millésime "
                f"que la ligne {first}.",
            )
        )
        return True
    seen[figure.key] = figure.line
    return False


# --------------------------------------------------------------------------- data.caf.fr

CAF_SCALES = {
    "com": AreaKind.COMMUNE,
    "epci": AreaKind.EPCI,
    "dep": AreaKind.DEPARTEMENT,
    "nat": AreaKind.FRANCE,
}
# Column stems of data.caf.fr, before the scale suffix (`txcouv_eaje_epci`…).
CAF_STEMS = {
    "txcouv": FigureKind.PUBLISHED_COVERAGE,
    "txcouv eaje": FigureKind.PUBLISHED_COVERAGE_EAJE,
    "tot offre": FigureKind.PUBLISHED_PLACES_TOTAL,
    "pl eaje": FigureKind.PUBLISHED_PLACES_EAJE,
    "pl am ind": FigureKind.PUBLISHED_PLACES_CHILDMINDERS,
    "pl am": FigureKind.PUBLISHED_PLACES_CHILDMINDERS,
}
# The same columns in an export "with labels" (use_labels=true), headers normalized.
CAF_LABELS = {
    "taux de couv global": FigureKind.PUBLISHED_COVERAGE,
    "taux de couv eaje ensemble": FigureKind.PUBLISHED_COVERAGE_EAJE,
    "places offertes ensemble": FigureKind.PUBLISHED_PLACES_TOTAL,
    "places eaje ensemble": FigureKind.PUBLISHED_PLACES_EAJE,
    "places assistante maternelle": FigureKind.PUBLISHED_PLACES_CHILDMINDERS,
}
CAF_CODE_COLUMNS = {
    "com": ["numcom", "numero commune", "num commune", "code commune"],
    "epci": ["numepci", "numero epci", "num epci", "code epci"],
    "dep": ["numdep", "numero departement", "num departement", "code departement"],
    "nat": [],
}
CAF_NAME_COLUMNS = {
    "com": ["nomcom", "nom commune"],
    "epci": ["nomepci", "nom epci"],
    "dep": ["nomdep", "nom departement"],
    "nat": ["national"],
}
CAF_YEAR_COLUMNS = ["annee", "date reference", "date de reference"]
CAF_SCALE_WORDS = {"com": "communes", "epci": "EPCI", "dep": "départements", "nat": "France"}
PLACEHOLDER = re.compile(r"^(X+|COM|Z+)$")


@dataclass(frozen=True)
class CafLayout:
    dataset: str  # "txcouv_pe_epci"…
    scale: str  # com, epci, dep, nat
    year_key: str
    code_key: str | None
    name_key: str | None
    columns: dict[str, str]  # normalized header → figure kind
    ignored: list[str]


def _caf_layout(table: Table, filename: str) -> CafLayout | None:
    keys = table.keys
    year_key = next((key for key in CAF_YEAR_COLUMNS if key in keys), None)
    if year_key is None:
        return None
    technical = {}
    scales = set()
    for key in keys:
        match = re.match(r"^(txcouv|tot offre|pl)(?: ([a-z ]+?))? (com|epci|dep|reg|nat)$", key)
        if match:
            scales.add(match.group(3))
            stem = " ".join(part for part in match.groups()[:2] if part)
            if stem in CAF_STEMS:
                technical[key] = CAF_STEMS[stem]
    labelled = {key: CAF_LABELS[key] for key in keys if key in CAF_LABELS}
    if not scales and not labelled:
        return None
    if scales:
        if len(scales) > 1 or "reg" in scales:
            raise FacilitiesError(
                "Ce fichier data.caf.fr mélange plusieurs échelles ou porte sur les régions : "
                "importez les fichiers des communes, EPCI, départements ou France, un par un."
            )
        scale = scales.pop()
        columns = technical
    else:
        scale = next(
            (s for s in ("com", "epci", "dep") if any(k in keys for k in CAF_CODE_COLUMNS[s])),
            "nat",
        )
        columns = labelled
    if not columns:
        return None
    code_key = next((key for key in CAF_CODE_COLUMNS[scale] if key in keys), None)
    if scale != "nat" and code_key is None:
        raise FacilitiesError(
            f"Ce fichier data.caf.fr des {CAF_SCALE_WORDS[scale]} n'a pas de colonne de code "
            f"(attendu : {', '.join(CAF_CODE_COLUMNS[scale][:2])})."
        )
    name_key = next((key for key in CAF_NAME_COLUMNS[scale] if key in keys), None)
    family = "txcouv" if any(kind.startswith("txcouv") for kind in columns.values()) else "nbpla"
    dataset = f"{family}_pe_{scale}"
    stem = re.search(r"(txcouv|nbpla)_pe_(com|epci|dep|nat)(_hist)?", PurePath(filename).stem)
    if stem and stem.group(2) == scale:
        dataset = stem.group(0)
    read = set(columns) | {year_key, code_key, name_key}
    ignored = [h for h, k in zip(table.headers, keys, strict=True) if k and k not in read]
    return CafLayout(dataset, scale, year_key, code_key, name_key, columns, ignored)


def _ctg_areas(convention) -> dict[str, dict[str, str]]:
    """Return, per data.caf.fr scale, the codes of the CTG's territories and their names."""
    communes = list(convention.communes.select_related("departement", "epci").order_by("code"))
    epcis = {c.epci_id: c.epci.name for c in communes if c.epci_id}
    if convention.epci_id:
        epcis = {convention.epci_id: convention.epci.name}
    departements = {c.departement_id: c.departement.name for c in communes}
    departements[convention.departement_id] = convention.departement.name
    return {
        "com": {c.code: c.name for c in communes},
        "epci": epcis,
        "dep": departements,
        "nat": {FRANCE_CODE: FRANCE_NAME},
    }


def _read_caf(table: Table, filename: str, layout: CafLayout, *, convention) -> FigureImport:
    area_kind = CAF_SCALES[layout.scale]
    result = FigureImport(filename=filename, format=f"data.caf.fr – {layout.dataset}")
    source = f"data.caf.fr – {layout.dataset} ({PurePath(filename).name})"[:255]
    wanted = _ctg_areas(convention)[layout.scale]
    placeholders = outside = absent = 0
    seen: dict[tuple, int] = {}
    for row in table.rows:
        raw_code = row.get(layout.code_key) if layout.code_key else FRANCE_CODE
        raw_name = row.get(layout.name_key) if layout.name_key else ""
        code = normalize_code(area_kind, raw_code)
        if not code or PLACEHOLDER.match(code) or PLACEHOLDER.match(raw_name.strip().upper()):
            placeholders += 1
            continue
        if code not in wanted:
            outside += 1
            continue
        try:
            year = parse_year(row.get(layout.year_key))
        except ValueError as error:
            result.errors.append(_problem(row.number, _sentence(str(error)) + "."))
            continue
        problems = []
        for key, kind in layout.columns.items():
            text = row.get(key)
            if fold(text).strip() in ABSENT_VALUES:
                absent += 1
                continue
            try:
                value = parse_value(text)
            except ValueError as error:
                header = table.headers[table.keys.index(key)]
                problems.append(f"colonne « {header} » : {error}")
                continue
            figure = FigureRow(
                row.number, area_kind, code, wanted[code], kind, "", year, value, source
            )
            if not _duplicate(result, seen, figure):
                result.rows.append(figure)
        if problems:
            result.errors.append(_problem(row.number, " ; ".join(problems)))
    if placeholders:
        result.notes.append(
            f"{placeholders} ligne{'s' if placeholders > 1 else ''} sans territoire réel "
            "(code « XX », vide…) ignorée" + ("s." if placeholders > 1 else ".")
        )
    if outside:
        result.notes.append(
            f"{outside} ligne{'s' if outside > 1 else ''} d'autres {CAF_SCALE_WORDS[layout.scale]}"
            " que ceux de la CTG ignorée" + ("s." if outside > 1 else ".")
        )
    if absent:
        result.notes.append(
            f"{absent} valeur{'s' if absent > 1 else ''} non publiée{'s' if absent > 1 else ''} "
            "(cases vides) sans chiffre créé."
        )
    if layout.ignored:
        result.notes.append(
            "Colonnes non reprises : " + ", ".join(f"« {h} »" for h in layout.ignored) + "."
        )
    if not result.rows and not result.errors:
        result.errors.append(
            _problem(
                1,
                f"aucune ligne de ce fichier ne concerne les territoires de la CTG "
                f"({CAF_SCALE_WORDS[layout.scale]}).",
            )
        )
    return result
