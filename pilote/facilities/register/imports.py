"""Import a CTG's facilities register from a CSV or XLSX file, all or nothing.

`prepare_import` reads the file and checks every row against the CTG without writing anything;
it returns a report (errors with their line and column, warnings, and what would be created or
updated). `apply_import` writes a report without errors in one transaction.

Rules shown to users on the import page:
- columns are found by their header, whatever the case, accents or punctuation, with synonyms
  ("Nom de l'équipement", "Places", "Bonus 2026"…); unknown columns are ignored with a warning;
- a row updates the facility of the CTG with the same name, type and commune (case and accents
  aside); several identical rows in one file match the existing facilities in order, so that
  importing the same file again changes nothing;
- on update, columns absent from the file keep their values, empty cells clear them; facilities
  absent from the file are kept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Prefetch

from pilote.core import tabular
from pilote.core.tabular import (
    Column,
    Columns,
    Row,
    Table,
    TabularError,
    clean_text,
    parse_integer,
    parse_number,
    read_table,
    year_of,
)
from pilote.core.text import normalize_search
from pilote.plans.models import PlanNode

from ..enums import CapacityUnit, FacilityKind
from ..exceptions import FacilitiesError
from ..models import Facility
from .communes import CommuneIndex
from .services import (
    ActionIndex,
    FacilityChecker,
    FacilityData,
    save_facilities,
)
from .vocabulary import (
    FUNDING_ALIASES,
    KIND_ALIASES,
    KIND_SHORT_NAMES,
    STATUS_ALIASES,
    UNIT_ALIASES,
)

COLUMNS = [
    Column("manager", "Gestionnaire", ("Organisme gestionnaire", "Porteur", "Structure porteuse")),
    Column(
        "name",
        "Nom",
        (
            "Nom de l'équipement",
            "Nom de l'équipement ou du service",
            "Nom du service",
            "Équipement",
            "Équipement ou service",
            "Nom de la structure",
        ),
    ),
    Column("kind", "Type", ("Type d'équipement", "Type de structure", "Typologie")),
    Column("subkind", "Sous-type", ("Sous type", "Soustype", "Sous-catégorie")),
    Column(
        "commune_code",
        "Code commune (INSEE)",
        ("Code commune", "Code INSEE", "INSEE", "Code INSEE de la commune"),
    ),
    Column("commune", "Commune", ("Code postal et commune", "CP et commune", "Ville", "Localité")),
    Column(
        "capacity",
        "Capacité",
        ("Places", "Nombre de places", "Nb de places", "ETP", "Capacité (places ou ETP)"),
    ),
    Column("capacity_unit", "Unité", ("Unité de capacité", "Unité de la capacité")),
    Column("age_min", "Âge min", ("Âge minimum", "Age mini", "Âge minimum (ans)", "Âge min (ans)")),
    Column("age_max", "Âge max", ("Âge maximum", "Age maxi", "Âge maximum (ans)", "Âge max (ans)")),
    Column("funding", "Financement", ("Financement Caf", "Mode de financement", "Prestation")),
    Column("status", "Statut", ("État", "Situation")),
    Column(
        "opening_year", "Année d'ouverture", ("Ouverture", "Année ouverture", "Date d'ouverture")
    ),
    Column(
        "actions",
        "Actions",
        ("Actions concernées", "Actions liées", "Fiches actions", "Actions du plan"),
    ),
    Column("notes", "Observations", ("Commentaire", "Commentaires", "Remarques", "Notes")),
]
BONUS_HEADER = re.compile(
    r"^(?:montant )?bonus(?: territoire)?(?: ctg)?(?: eur)? (\d{4})(?: eur)?$"
)
REQUIRED = ["manager", "name", "kind"]
FIELD_LABELS = {
    "manager": "gestionnaire",
    "name": "nom",
    "kind": "type",
    "subkind": "sous-type",
    "commune": "commune",
    "capacity": "capacité",
    "capacity_unit": "unité",
    "age_min": "âge minimum",
    "age_max": "âge maximum",
    "funding": "financement",
    "status": "statut",
    "opening_year": "année d'ouverture",
    "notes": "observations",
    "actions": "actions",
    "bonuses": "bonus",
}


def _bonus_column(key: str) -> Column | None:
    """Return the column of a "Bonus 2026" header (any year)."""
    match = BONUS_HEADER.match(key)
    if match is None:
        return None
    year = match.group(1)
    return Column(
        f"bonus_{year}", key, label=f"bonus territoire CTG {year}", named=f"le bonus {year}"
    )


def _labelled(column: Column) -> Column:
    if column.field == "commune_code":
        label = "code INSEE de la commune"
        return replace(column, label=label, named=f"le {label}")
    return replace(column, label=FIELD_LABELS[column.field])


REGISTER_COLUMNS = Columns([_labelled(column) for column in COLUMNS], pattern=_bonus_column)
COLUMN_BY_FIELD = REGISTER_COLUMNS.by_field


# --------------------------------------------------------------------------- report


CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class PlannedRow:
    """What one line of the file will do."""

    line: int
    data: FacilityData
    facility: Facility | None = None
    changes: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return FacilityKind(self.data.kind).label

    @property
    def action(self) -> str:
        if self.facility is None:
            return CREATE
        return UPDATE if self.changes else UNCHANGED


@dataclass
class ImportReport(tabular.ImportReport):
    """The report of a register file: the problems, and what each valid line will do."""

    rows: list[PlannedRow] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)


# --------------------------------------------------------------------------- reading


def _choice(text: str, aliases: dict[str, str]) -> str | None:
    return aliases.get(normalize_search(text))


def _year(text: str) -> int:
    """Return the year of "2019", "2019-09-02" (XLSX dates) or "02/09/2019"."""
    year = year_of(text)
    if year is None:
        raise ValueError(f"« {text.strip()} » n'est pas une année (par exemple 2019).")
    return year


def _capacity(text: str) -> tuple[Decimal, str | None]:
    """Return the number and, when written after it ("1,5 ETP", "24 places"), the unit."""
    match = re.match(r"^(.*?)\s*(places?|etp)$", text.strip(), re.IGNORECASE)
    if match and match.group(1):
        unit = CapacityUnit.FTE if match.group(2).lower() == "etp" else CapacityUnit.PLACES
        return parse_number(match.group(1)), unit
    return parse_number(text), None


def read_register(data: bytes, filename: str) -> Table:
    """Return the table of an uploaded file; raise FacilitiesError when it cannot be read."""
    try:
        return read_table(data, filename)
    except TabularError as error:
        raise FacilitiesError(str(error)) from None


def table_to_dict(table: Table) -> dict:
    """Return the table as JSON-serialisable data (kept in the session between two steps)."""
    return {
        "headers": table.headers,
        "keys": table.keys,
        "sheet": table.sheet,
        "rows": [[row.number, row.values] for row in table.rows],
    }


def table_from_dict(data: dict) -> Table:
    table = Table(headers=list(data["headers"]), keys=list(data["keys"]), sheet=data["sheet"])
    table.rows = [Row(number=int(number), values=dict(values)) for number, values in data["rows"]]
    return table


# --------------------------------------------------------------------------- checking


def prepare_import(convention, table: Table, *, filename: str = "") -> ImportReport:
    """Check every row of the table against the CTG and say what importing it would do."""
    report = ImportReport(filename=filename, sheet=table.sheet)
    fields, bonus_columns = _map_columns(table, report)
    if not report.ok:
        return report

    communes = CommuneIndex(convention)
    actions = ActionIndex(convention)
    checker = FacilityChecker(convention)
    existing = _existing_by_key(convention)
    used: dict[tuple, int] = defaultdict(int)
    first_line: dict[tuple, int] = {}
    header_of = {name: table.headers[table.keys.index(key)] for name, key in fields.items()}
    for year, key in bonus_columns.items():
        header_of[f"bonus_{year}"] = table.headers[table.keys.index(key)]

    position = {header: index for index, header in reversed(list(enumerate(table.headers)))}

    def in_file_order(start: int) -> None:
        report.errors[start:] = sorted(
            report.errors[start:], key=lambda problem: position.get(problem.column, -1)
        )

    for row in table.rows:
        errors_before = report.error_count
        listed_before = len(report.errors)
        values = {
            name: clean_text(row.get(key), multiline=name == "notes")
            for name, key in fields.items()
        }
        parsed = _parse_row(row.number, values, header_of, communes, actions, report)
        bonuses = {}
        for year, key in bonus_columns.items():
            text = clean_text(row.get(key))
            if not text:
                bonuses[year] = None
                continue
            try:
                bonuses[year] = parse_number(text)
            except ValueError as error:
                report.error(row.number, header_of[f"bonus_{year}"], str(error))
        in_file_order(listed_before)
        if report.error_count > errors_before:
            continue
        commune = parsed.get("commune")
        key = _facility_key(parsed["name"], parsed["kind"], commune.code if commune else None)
        candidates = existing.get(key, [])
        facility = candidates[used[key]] if used[key] < len(candidates) else None
        used[key] += 1
        if key in first_line:
            report.warn(
                row.number,
                "",
                f"même nom, type et commune que la ligne {first_line[key]} : deux équipements "
                "distincts seront enregistrés.",
            )
        else:
            first_line[key] = row.number
        before = FacilityData.from_facility(facility) if facility else None
        data = _merge(before, parsed, bonuses, capacity_from_etp=fields.get("capacity") == "etp")
        for problem in checker.problems(data):
            column = _column_of(problem.field, header_of)
            report.error(row.number, column, _lower_first(problem.message))
        in_file_order(listed_before)
        if report.error_count > errors_before:
            continue
        report.rows.append(
            PlannedRow(
                line=row.number,
                data=data,
                facility=facility,
                changes=_changes(before, data) if before else [],
            )
        )
    if not report.ok:
        report.rows = []
    return report


def apply_import(convention, report: ImportReport) -> ImportReport:
    """Write what a report without errors plans, in one transaction; raise FacilitiesError."""
    if not report.ok:
        raise FacilitiesError(
            "Le fichier contient des erreurs : rien n'a été enregistré.\n" + report.summary()
        )
    save_facilities(
        convention,
        [(row.facility, row.data) for row in report.rows if row.action != UNCHANGED],
    )
    return report


def import_register_file(convention, data: bytes, filename: str) -> ImportReport:
    """Read, check and write a register file in one go (commands, demo); raise FacilitiesError."""
    table = read_register(data, filename)
    return apply_import(convention, prepare_import(convention, table, filename=filename))


def _map_columns(table: Table, report: ImportReport) -> tuple[dict[str, str], dict[int, str]]:
    """Return field → normalized header, and year → normalized header of the bonus columns."""
    matched = REGISTER_COLUMNS.match(table, report)
    fields = {name: key for name, key in matched.keys.items() if not name.startswith("bonus_")}
    bonus_columns = {
        int(name.removeprefix("bonus_")): key
        for name, key in matched.keys.items()
        if name.startswith("bonus_")
    }
    for name in REQUIRED:
        if name not in fields:
            report.error(
                None, "", f"colonne obligatoire absente : « {COLUMN_BY_FIELD[name].header} »."
            )
    if "commune" not in fields and "commune_code" not in fields:
        report.error(
            None,
            "",
            "colonne obligatoire absente : « Commune » (ou « Code commune (INSEE) »).",
        )
    return fields, bonus_columns


def _parse_row(line, values, header_of, communes, actions, report) -> dict:
    """Return the values of a row's cells, converted; report each cell that cannot be read."""
    parsed: dict = {}

    def error(name: str, message: str) -> None:
        report.error(line, header_of.get(name, ""), message)

    for name in ("manager", "name", "subkind", "notes"):
        if name in values:
            parsed[name] = values[name]
    for name in ("manager", "name"):
        if not values.get(name):
            error(name, f"le {FIELD_LABELS[name]} est obligatoire.")
    text = values.get("kind", "")
    parsed["kind"] = _choice(text, KIND_ALIASES) if text else None
    if not text:
        error("kind", "le type est obligatoire.")
    elif parsed["kind"] is None:
        error("kind", f"type inconnu : « {text} ». Types acceptés : {KIND_SHORT_NAMES}.")
    for name, aliases, what in (
        ("capacity_unit", UNIT_ALIASES, "unité inconnue (places ou ETP)"),
        ("funding", FUNDING_ALIASES, "financement inconnu (PSU, PAJE, PS ou aucun)"),
        ("status", STATUS_ALIASES, "statut inconnu (existant, en projet ou fermé)"),
    ):
        if name not in values:
            continue
        text = values[name]
        if not text:
            parsed[name] = "" if name == "funding" else None
            continue
        parsed[name] = _choice(text, aliases)
        if parsed[name] is None:
            error(name, f"{what} : « {text} ».")

    parsed.update(_parse_commune(values, communes, error))
    if "capacity" in values:
        parsed["capacity"] = None
        if values["capacity"]:
            try:
                parsed["capacity"], unit = _capacity(values["capacity"])
            except ValueError as exc:
                error("capacity", str(exc))
            else:
                if unit and not parsed.get("capacity_unit"):
                    parsed["capacity_unit"] = unit
    for name in ("age_min", "age_max"):
        if name in values:
            parsed[name] = None
            if values[name]:
                try:
                    parsed[name] = parse_integer(values[name], unit="an")
                except ValueError:
                    error(name, f"« {values[name]} » n'est pas un âge en années entières.")
    if "opening_year" in values:
        parsed["opening_year"] = None
        if values["opening_year"]:
            try:
                parsed["opening_year"] = _year(values["opening_year"])
            except ValueError as exc:
                error("opening_year", str(exc))
    if "actions" in values:
        nodes, problems = actions.parse(values["actions"])
        parsed["actions"] = nodes
        for message in problems:
            error("actions", message)
    return parsed


def _parse_commune(values: dict, communes: CommuneIndex, error) -> dict:
    code, text = values.get("commune_code", ""), values.get("commune", "")
    if "commune_code" not in values and "commune" not in values:
        return {}
    commune = None
    if code:
        commune, message = communes.from_code(code)
        if commune is None:
            error("commune_code", message)
            return {}
        if text:
            named, _ = communes.from_text(text)
            if named is not None and named != commune:
                error(
                    "commune",
                    f"le code INSEE {commune.code} ({commune.name}) ne correspond pas à la "
                    f"commune « {text} ».",
                )
                return {}
    elif text:
        commune, message = communes.from_text(text)
        if commune is None:
            error("commune", message)
            return {}
    return {"commune": commune}


def _merge(
    before: FacilityData | None, parsed: dict, bonuses: dict, *, capacity_from_etp: bool
) -> FacilityData:
    """Return the facility's data: the file's cells over the existing values (or the defaults)."""
    data = (
        FacilityData(**{**before.__dict__, "bonuses": dict(before.bonuses)})
        if before
        else FacilityData(manager="", name="", kind="")
    )
    for name, value in parsed.items():
        if name in ("capacity_unit", "status") and value is None:
            value = FacilityData.__dataclass_fields__[name].default
        setattr(data, name, value)
    if capacity_from_etp and "capacity_unit" not in parsed and data.capacity is not None:
        data.capacity_unit = CapacityUnit.FTE
    for year, amount in bonuses.items():
        if amount is None:
            data.bonuses.pop(year, None)
        else:
            data.bonuses[year] = amount
    return data


def _existing_by_key(convention) -> dict[tuple, list[Facility]]:
    facilities = (
        Facility.objects.filter(convention=convention)
        .select_related("commune")
        .prefetch_related(
            Prefetch("actions", queryset=PlanNode.objects.select_related("level")), "bonuses"
        )
        .order_by("pk")
    )
    result: dict[tuple, list[Facility]] = defaultdict(list)
    for facility in facilities:
        result[_facility_key(facility.name, facility.kind, facility.commune_id)].append(facility)
    return result


def _facility_key(name: str, kind: str, commune_code: str | None) -> tuple:
    return (normalize_search(name), kind, commune_code)


def _changes(before: FacilityData, after: FacilityData) -> list[str]:
    """Return the French names of what differs between two states of a facility."""
    changed = []
    for name, label in FIELD_LABELS.items():
        old, new = getattr(before, name), getattr(after, name)
        if name == "actions":
            old, new = {node.pk for node in old}, {node.pk for node in new}
        elif name == "bonuses":
            old = {year: Decimal(amount) for year, amount in old.items()}
            new = {year: Decimal(amount) for year, amount in new.items()}
        elif isinstance(old, str):
            old, new = old.strip(), (new or "").strip()
        if old != new:
            changed.append(label)
    return changed


def _column_of(field_name: str, header_of: dict[str, str]) -> str:
    if field_name == "commune":
        return header_of.get("commune") or header_of.get("commune_code", "")
    if field_name == "bonuses":
        return next((h for k, h in header_of.items() if k.startswith("bonus_")), "")
    return header_of.get(field_name, "")


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:] if message else message
