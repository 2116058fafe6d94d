"""Plan spreadsheets: the French template, and a filled one read into a proposed plan.

One row per element of the plan (an axe, a fiche action, an action…). read_spreadsheet returns
the same proposal as a document (pilote.imports.proposal: the exchange JSON shape, each node
with its source row) and a report: every problem with its row, column and French message.
Nothing is written here; pilote.imports.merge writes a proposal into a CTG.

Rules (also written in the template's « Mode d'emploi » sheet and on the upload page):
- columns are found by their header, whatever the case, accents, punctuation or order, with
  synonyms (« Intitulé » for « Titre »…); unknown columns are reported and ignored;
- each row's level is its « Niveau » (« Axe », « Fiche action »…), or the last name of its
  « Chemin des niveaux » (« Axe > Fiche action »); levels read from top to bottom in the order
  they first appear (or the CTG's own order);
- a row's parent is the row named in its « Parent » column (by number), else the closest row
  above it whose level is higher;
- « Début » and « Fin » take a year or a quarter (« 2026 », « T2 2026 »); « Période » a span
  (« 2025-2026 »);
- lists (pilotes, partenaires, thématiques, indicateurs) are separated by « ; » or line
  breaks; the budget is one line per funder: « Financeur année : montant » (« Caf 2026 : 15 000 ;
  Commune : 2 500 »), the year being optional;
- merged cells count for each row they cover (see pilote.core.tabular).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.text import slugify

from pilote.core.formats import french_number
from pilote.core.tabular import (
    ImportReport,
    Table,
    TabularError,
    normalize_header,
    parse_number,
    read_table,
    year_quarter_of,
)
from pilote.plans.enums import CNAF_THEMATICS, Origin, Priority

from .fields import origin_value, parse_period, priority_value
from .limits import extent_problem
from .proposal import PROPOSAL_FORMAT, PROPOSAL_VERSION
from .spreadsheet_columns import COLUMN_BY_FIELD, GIVES, PLAN_COLUMNS, TEXT_FIELDS
from .vocabulary import fold, thematic_codes

MAX_TEXT = 10_000
SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".ods", ".csv", ".tsv")
DOCUMENT_EXTENSIONS = (".docx", ".pdf", ".txt", ".md", ".markdown", ".doc", ".odt")


ROOT_WORDS = {"racine", "(racine)", "aucun", "aucune", "-", "–", "—", "premier niveau"}
PATH_SEPARATORS = re.compile(r"\s*(?:>|›|»|→|/|\\)\s*")
LIST_SEPARATORS = re.compile(r"\s*(?:;|\n)\s*")
THEMATIC_SEPARATORS = re.compile(r"\s*(?:;|,|\n)\s*")
BUDGET_LINE = re.compile(
    r"^(?P<funder>.*?)\s*(?:\(?\s*(?P<year>(?:19|20)\d\d)\s*\)?)?\s*[:=]\s*"
    r"(?P<amount>-?[\d\s\u00a0\u202f.,]+)\s*(?:€|euros?|eur)?\.?$",
    re.IGNORECASE,
)


@dataclass
class SpreadsheetResult(ImportReport):
    """What reading a plan spreadsheet gave: the proposal (None on errors) and the report."""

    rows: int = 0
    proposal: dict[str, Any] | None = None


def is_spreadsheet(data: bytes, filename: str = "") -> bool:
    """Return whether an upload is a table (XLSX, ODS, CSV) rather than a document.

    The content decides, whatever the file's name: archives by what they hold, PDF and old
    Office files by their signature, plain text by its first line (the template's headers);
    only plain text without them goes by its name (.csv, .tsv).
    """
    name = (filename or "").lower()
    if data.startswith(b"PK"):
        names, mimetype = _zip_names(data)
        if names is None:  # a damaged archive: the reader its name points to says so
            return not name.endswith(DOCUMENT_EXTENSIONS)
        return b"opendocument.spreadsheet" in mimetype or any(n.startswith("xl/") for n in names)
    if data.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return False
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # old Office, or encrypted
        return not name.endswith((".doc", ".docx"))
    first = data[:4000].decode("utf-8", "replace").lstrip("\ufeff \r\n").split("\n", 1)[0]
    cells = {normalize_header(cell) for cell in re.split(r"[;,\t]", first)}
    if (
        len(cells) > 1
        and cells & COLUMN_BY_FIELD["title"].keys
        and cells & (COLUMN_BY_FIELD["kind"].keys | COLUMN_BY_FIELD["path"].keys)
    ):
        return True
    return name.endswith((".csv", ".tsv"))


def _zip_names(data: bytes) -> tuple[list[str] | None, bytes]:
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        return None, b""
    return names, mimetype


# --------------------------------------------------------------------------- reading


def read_spreadsheet(
    data: bytes, filename: str = "", *, levels: list[str] | None = None, custom_thematics=()
) -> SpreadsheetResult:
    """Read a plan spreadsheet into a proposal and a report; write nothing.

    levels: the level names of the CTG the file goes into, top first (their order wins over
    the file's); custom_thematics: its own thematics, as (code, label).
    """
    result = SpreadsheetResult(filename=filename)
    try:
        table = read_table(data, filename)
    except TabularError as error:
        result.unreadable(error)
        return result
    result.sheet = table.sheet
    result.rows = len(table.rows)
    for note in table.notes:
        result.warn(None, "", note)
    return _Reader(table, result, levels or [], list(custom_thematics)).read()


@dataclass
class _Row:
    line: int
    kind: str
    node: dict[str, Any]
    number: str
    parent_number: str = ""
    path: list[str] | None = None
    parent: _Row | None = None
    children: list[_Row] = field(default_factory=list)


class _Reader:
    def __init__(self, table: Table, result: SpreadsheetResult, levels, custom_thematics):
        self.table = table
        self.result = result
        self.known_levels = [" ".join(name.split()) for name in levels]
        self.custom = {fold(label): code for code, label in custom_thematics}
        self.custom |= {code: code for code, _label in custom_thematics}
        self.new_thematics: dict[str, dict[str, str]] = {}
        self.fields: dict[str, str] = {}
        self.header_of: dict[str, str] = {}

    # The whole file.

    def read(self) -> SpreadsheetResult:
        result = self.result
        self._map_columns()
        if not result.ok:
            return result
        rows = [self._row(row.number, row.values) for row in self.table.rows]
        rows = [row for row in rows if row is not None]
        if not result.ok:
            return result
        levels = self._levels(rows)
        refused = extent_problem(len(levels), len(rows))
        if refused:
            result.error(None, "", refused)
            return result
        self._check_numbers(rows, levels)
        self._link(rows, levels)
        if not result.ok:
            return result
        result.proposal = self._proposal(rows, levels)
        return result

    def _map_columns(self) -> None:
        result = self.result
        matched = PLAN_COLUMNS.match(self.table, result)
        self.fields, self.header_of = matched.keys, matched.headers
        if "title" not in self.fields:
            result.error(None, "", "colonne obligatoire absente : « Titre » (ou « Intitulé »).")
        if "kind" not in self.fields and "path" not in self.fields:
            result.error(
                None,
                "",
                "colonne obligatoire absente : « Niveau » (ou « Chemin des niveaux ») : elle "
                "dit si la ligne est un axe, une fiche action, une action…",
            )
        if "kind" in self.fields and "path" in self.fields:
            result.warn(
                None,
                self.header_of["path"],
                "les colonnes « Niveau » et « Chemin des niveaux » sont toutes deux présentes : "
                "le chemin est utilisé.",
            )
        if "period" in self.fields and ("start" in self.fields or "end" in self.fields):
            result.warn(
                None,
                self.header_of["period"],
                "« Début » et « Fin » sont présentes : la colonne « Période » ne sert qu'aux "
                "lignes où elles sont vides.",
            )

    # One row.

    def _row(self, line: int, values: dict[str, str]) -> _Row | None:
        def cell(name: str) -> str:
            key = self.fields.get(name)
            text = values.get(key, "") if key else ""
            return text.replace("\r\n", "\n").replace("\r", "\n").strip()

        def error(name: str, message: str) -> None:
            self.result.error(line, self.header_of.get(name, ""), message)

        before = self.result.error_count
        path = None
        if "path" in self.fields and cell("path"):
            path = [" ".join(part.split()) for part in PATH_SEPARATORS.split(cell("path"))]
            path = [part for part in path if part]
            kind = path[-1] if path else ""
        else:
            kind = " ".join(cell("kind").split())
        if not kind:
            error("path" if "path" in self.fields else "kind", "le niveau est obligatoire.")
        elif len(kind) > 100:
            error("path" if path else "kind", "le nom du niveau dépasse 100 caractères.")
        title = " ".join(cell("title").split())
        if not title:
            error("title", "le titre est obligatoire.")
        number = " ".join(cell("number").split())
        if len(number) > 30:
            error("number", "le numéro dépasse 30 caractères.")
        node: dict[str, Any] = {
            "kind": kind,
            "number": number or None,
            "title": title,
        }
        for name in TEXT_FIELDS:
            text = cell(name)
            if len(text) > MAX_TEXT:
                error(name, f"le texte dépasse {french_number(MAX_TEXT)} caractères.")
            node[name] = text
        node["whole_territory"] = True
        node["communes"] = []
        node["pilots"] = self._organisations(cell("pilots"), line, "pilots")
        node["partners"] = self._organisations(cell("partners"), line, "partners")
        node["thematics"] = self._thematics(cell("thematics"))
        node["priority"] = self._choice(
            cell("priority"), priority_value, Priority, "priorité", error, "priority"
        )
        node["origin"] = self._choice(
            cell("origin"), origin_value, Origin, "origine", error, "origin"
        )
        node["period"] = self._period(cell("start"), cell("end"), cell("period"), error)
        node["budget_lines"] = self._budget(cell("budget"), error)
        node["indicators"] = [
            {
                "name": name[:255],
                "unit": "",
                "baseline_value": None,
                "baseline_year": None,
                "source": "",
                "frequency": "",
                "targets": {},
            }
            for name in _split(cell("indicators"), LIST_SEPARATORS)
        ]
        node["children"] = []
        node["source"] = {"line": line, "page": None}
        if self.result.error_count > before:
            return None
        return _Row(
            line=line,
            kind=kind,
            node=node,
            number=number,
            parent_number=" ".join(cell("parent").split()),
            path=path,
        )

    def _organisations(self, text: str, line: int, name: str) -> list[str]:
        names = []
        seen = set()
        listed = bool(LIST_SEPARATORS.search(text))  # the cell already uses « ; » or lines
        for part in _split(text, LIST_SEPARATORS):
            part = part.strip(" .")[:255]
            if part and part.casefold() not in seen:
                seen.add(part.casefold())
                names.append(part)
                if "," in part and not listed:
                    self.result.warn(
                        line,
                        self.header_of.get(name, ""),
                        f"« {part} » est lu comme une seule organisation : séparez plusieurs "
                        "organisations par « ; ».",
                    )
        return sorted(names, key=str.casefold)

    def _thematics(self, text: str) -> list[str]:
        codes = []
        national = {code for code, _label in CNAF_THEMATICS}
        for label in _split(text, THEMATIC_SEPARATORS):
            folded = fold(label)
            code = (
                (folded if folded in national else None)
                or (slugify(label) if slugify(label) in national else None)
                or self.custom.get(folded)
                or self.custom.get(slugify(label))
            )
            if code is None:
                found = thematic_codes(label)
                if len(found) == 1 and _same_words(label, dict(CNAF_THEMATICS)[found[0]]):
                    code = found[0]
            if code is None:
                code = slugify(label)[:60] or "thematique"
                self.new_thematics.setdefault(code, {"code": code, "label": label[:100]})
            if code not in codes:
                codes.append(code)
        return sorted(codes)

    def _choice(self, text, reader, choices, label, error, name) -> str:
        if not text:
            return ""
        value = reader(text)
        if not value:
            names = ", ".join(choice.label.lower() for choice in choices)
            error(name, f"{label} inconnue : « {text} ». Valeurs acceptées : {names}.")
        return value

    def _period(self, start: str, end: str, span: str, error) -> dict[str, int | None]:
        period = {"start_year": None, "start_quarter": None, "end_year": None, "end_quarter": None}
        if span and not start and not end:
            parsed = parse_period(span)
            if parsed.empty:
                error(
                    "period",
                    f"« {span} » n'est pas une période (par exemple 2025-2026 ou T1 2026 - T4 "
                    "2027).",
                )
            else:
                period.update(parsed.__dict__)
            return period
        for text, prefix, name in ((start, "start", "start"), (end, "end", "end")):
            if not text:
                continue
            parsed = year_quarter_of(text)
            if parsed is None:
                error(
                    name,
                    f"« {text} » n'est ni une année ni un trimestre (par exemple 2026 ou T2 2026).",
                )
                continue
            period[f"{prefix}_year"], period[f"{prefix}_quarter"] = parsed
        if (
            period["start_year"]
            and period["end_year"]
            and (period["end_year"], period["end_quarter"] or 4)
            < (period["start_year"], period["start_quarter"] or 1)
        ):
            error("end", "la fin est avant le début.")
        return period

    def _budget(self, text: str, error) -> list[dict[str, Any]]:
        lines = []
        for part in _split(text, LIST_SEPARATORS):
            match = BUDGET_LINE.match(part)
            if not match or not match.group("funder").strip(" -–"):
                error(
                    "budget",
                    f"« {part} » ne suit pas la forme « Financeur année : montant » (par exemple "
                    "« Caf 2026 : 15 000 »).",
                )
                continue
            try:
                amount = parse_number(match.group("amount"))
            except ValueError as exc:
                error("budget", str(exc))
                continue
            if amount < 0:
                error("budget", f"le montant de « {part} » est négatif.")
                continue
            if amount >= Decimal("1e12"):
                error("budget", f"le montant de « {part} » est trop grand.")
                continue
            lines.append(
                {
                    "funder": match.group("funder").strip(" -–")[:255],
                    "amount": str(amount.quantize(Decimal("0.01"))),
                    "year": int(match.group("year")) if match.group("year") else None,
                    "comment": "",
                }
            )
        return lines

    # The tree.

    def _levels(self, rows: list[_Row]) -> list[str]:
        """Return the level names, top first: the CTG's own, then the file's in the order
        they first appear."""
        levels = list(self.known_levels)
        spelled = {name.casefold(): name for name in levels}
        for row in rows:
            for name in row.path or [row.kind]:
                if name.casefold() not in spelled:
                    spelled[name.casefold()] = name
                    levels.append(name)
        # Rows take the spelling of the level they name.
        for row in rows:
            row.kind = spelled[row.kind.casefold()]
            row.node["kind"] = row.kind
            if row.path:
                row.path = [spelled[name.casefold()] for name in row.path]
        return levels

    def _check_numbers(self, rows: list[_Row], levels: list[str]) -> None:
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            if not row.number:
                continue
            key = (row.kind.casefold(), row.number.casefold())
            if key in seen:
                self.result.error(
                    row.line,
                    self.header_of.get("number", ""),
                    f"le numéro « {row.number} » est déjà celui d'un élément « {row.kind} » à la "
                    f"ligne {seen[key]} : deux éléments d'un même niveau ne peuvent pas porter "
                    "le même numéro.",
                )
            else:
                seen[key] = row.line

    def _link(self, rows: list[_Row], levels: list[str]) -> None:
        """Give each row its parent: the « Parent » number, the path, or the closest row
        above it whose level is higher."""
        rank = {name: index for index, name in enumerate(levels)}
        by_number: dict[str, list[_Row]] = {}
        for row in rows:
            if row.number:
                by_number.setdefault(row.number.casefold(), []).append(row)
        last_of_level: dict[str, _Row] = {}
        for row in rows:
            parent = None
            if fold(row.parent_number) in ROOT_WORDS:
                parent = None
            elif row.parent_number:
                parent = self._numbered_parent(row, by_number, rank)
                if parent is None:
                    continue
            elif row.path and len(row.path) > 1:
                parent = last_of_level.get(row.path[-2])
                if parent is None:
                    self.result.error(
                        row.line,
                        self.header_of.get("path", ""),
                        f"aucun élément « {row.path[-2]} » au-dessus de cette ligne : ajoutez "
                        "la ligne de son parent avant elle.",
                    )
                    continue
            elif not row.path:
                above = [r for name, r in last_of_level.items() if rank[name] < rank[row.kind]]
                parent = max(above, key=lambda r: r.line) if above else None
            row.parent = parent
            if parent is not None:
                parent.children.append(row)
            last_of_level[row.kind] = row

    def _numbered_parent(self, row: _Row, by_number, rank) -> _Row | None:
        column = self.header_of.get("parent", "")
        named = [c for c in by_number.get(row.parent_number.casefold(), []) if c is not row]
        candidates = [c for c in named if rank[c.kind] < rank[row.kind]] or named
        if not candidates:
            self.result.error(
                row.line,
                column,
                f"aucun élément du fichier ne porte le numéro « {row.parent_number} ».",
            )
            return None
        above = [c for c in candidates if c.line < row.line]
        parent = above[-1] if above else candidates[0]
        if _is_under(parent, row):
            self.result.error(
                row.line,
                column,
                f"l'élément « {row.parent_number} » est lui-même sous cette ligne.",
            )
            return None
        return parent

    def _proposal(self, rows: list[_Row], levels: list[str]) -> dict[str, Any]:
        def build(row: _Row) -> dict[str, Any]:
            node = row.node
            node["children"] = [build(child) for child in row.children]
            return node

        roots = [build(row) for row in rows if row.parent is None]
        has_children = dict.fromkeys(levels, False)
        years = []
        for row in rows:
            if row.children:
                has_children[row.kind] = True
            period = row.node["period"]
            years += [y for y in (period["start_year"], period["end_year"]) if y]
        if levels and rank_of_roots(roots, levels) > 0:
            top = levels[rank_of_roots(roots, levels)]
            self.result.warn(
                None,
                "",
                f"aucun élément du premier niveau (« {levels[0]} ») dans le fichier : les "
                f"éléments « {top} » sont placés à la racine du plan.",
            )
        columns = sorted({given for name in self.fields for given in GIVES.get(name, [])})
        return {
            "format": PROPOSAL_FORMAT,
            "version": PROPOSAL_VERSION,
            "document": {
                "filename": self.result.filename,
                "format": "spreadsheet",
                "encoding": "",
                "pages": 0,
                "blocks": len(rows),
                "sheet": self.result.sheet,
            },
            "convention": {
                "level_names": levels,
                "tracked_levels": [name for name in levels if not has_children[name]],
                "start_date": f"{min(years)}-01-01" if years else None,
                "end_date": f"{max(years)}-12-31" if years else None,
                "custom_thematics": sorted(self.new_thematics.values(), key=lambda t: t["code"]),
            },
            "columns": columns,
            "plan": roots,
            "warnings": [str(problem) for problem in self.result.warnings],
        }


def rank_of_roots(roots: list[dict], levels: list[str]) -> int:
    """Return the index of the highest level among the roots (0 when the top level is there)."""
    if not roots:
        return 0
    return min(levels.index(root["kind"]) for root in roots if root["kind"] in levels)


def _is_under(candidate: _Row, row: _Row) -> bool:
    node = candidate
    while node is not None:
        if node is row:
            return True
        node = node.parent
    return False


def _split(text: str, separators: re.Pattern) -> list[str]:
    return [" ".join(part.split()) for part in separators.split(text) if part.strip()]


def _same_words(label: str, national: str) -> bool:
    return fold(label).replace("-", " ") == fold(national).replace("-", " ")
