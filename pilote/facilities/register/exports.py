"""The facilities register as CSV and XLSX files, and the XLSX template of the import.

The CSV (UTF-8 with BOM, `;`, French headers) and the XLSX both read back as they are through
pilote.facilities.register.imports: same headers, labels the import recognises.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pilote.core.formats import plain_decimal
from pilote.core.formulas import guard_workbook
from pilote.core.table_writers import write_csv
from pilote.plans.models import PlanNode

from ..enums import CapacityUnit, FacilityKind, FacilityStatus, FundingMode
from ..models import Facility
from .imports import COLUMN_BY_FIELD
from .services import ActionIndex, bonus_years, territory_communes

HEADER_FILL = PatternFill("solid", fgColor="E3E3FD")


@dataclass(frozen=True)
class ExportColumn:
    header: str
    width: int
    value: Callable  # (facility, context) -> str | Decimal | int | None
    choices: tuple[str, ...] = ()  # offered in the template's drop-down list


def _label(enum, value) -> str:
    return str(enum(value).label) if value else ""


def _columns(years: list[int], actions: ActionIndex) -> list[ExportColumn]:
    def header(name: str) -> str:
        return COLUMN_BY_FIELD[name].header

    columns = [
        ExportColumn(header("manager"), 34, lambda f: f.manager),
        ExportColumn(header("name"), 40, lambda f: f.name),
        ExportColumn(
            header("kind"),
            38,
            lambda f: _label(FacilityKind, f.kind),
            tuple(FacilityKind.labels),
        ),
        ExportColumn(header("subkind"), 22, lambda f: f.subkind),
        ExportColumn(header("commune_code"), 12, lambda f: f.commune_id or ""),
        ExportColumn(header("commune"), 28, lambda f: f.commune.name if f.commune else ""),
        ExportColumn(header("capacity"), 10, lambda f: f.capacity),
        ExportColumn(
            header("capacity_unit"),
            9,
            lambda f: _label(CapacityUnit, f.capacity_unit) if f.capacity is not None else "",
            tuple(CapacityUnit.labels),
        ),
        ExportColumn(header("age_min"), 8, lambda f: f.age_min),
        ExportColumn(header("age_max"), 8, lambda f: f.age_max),
        ExportColumn(
            header("funding"),
            24,
            lambda f: _label(FundingMode, f.funding),
            tuple(FundingMode.labels),
        ),
        ExportColumn(
            header("status"),
            11,
            lambda f: _label(FacilityStatus, f.status),
            tuple(FacilityStatus.labels),
        ),
        ExportColumn(header("opening_year"), 10, lambda f: f.opening_year),
    ]
    for year in years:
        columns.append(
            ExportColumn(f"Bonus {year}", 12, lambda f, year=year: _bonus(f, year)),
        )
    columns += [
        ExportColumn(
            header("actions"),
            20,
            lambda f: ", ".join(
                actions.reference(node) for node in actions.sorted(f.actions.all())
            ),
        ),
        ExportColumn(header("notes"), 40, lambda f: f.notes),
    ]
    return columns


def _bonus(facility: Facility, year: int) -> Decimal | None:
    return next((b.amount for b in facility.bonuses.all() if b.year == year), None)


def export_queryset(
    queryset: QuerySet[Facility], *, include_internal: bool = True
) -> QuerySet[Facility]:
    """Return the facilities with what the export reads, in the register's order (the internal
    actions they serve only with include_internal: pilote.plans.visibility)."""
    actions = PlanNode.objects.shown(include_internal).select_related("level")
    return queryset.select_related("commune").prefetch_related(
        Prefetch("actions", queryset=actions), "bonuses"
    )


def _prepare(
    convention, facilities, include_internal: bool
) -> tuple[list[Facility], list[ExportColumn]]:
    facilities = list(export_queryset(facilities, include_internal=include_internal))
    years = set(convention.years)
    for facility in facilities:
        years.update(bonus.year for bonus in facility.bonuses.all())
    return facilities, _columns(sorted(years), ActionIndex(convention))


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _decimal_text(value)
    # write_csv guards formula-like text with an apostrophe, which the import removes.
    return str(value)


def _decimal_text(value: Decimal) -> str:
    """Return a number as French spreadsheets write it: 12, 1,5, 12500."""
    return plain_decimal(value)


def register_csv(
    convention, facilities: QuerySet[Facility], *, include_internal: bool = False
) -> bytes:
    """Return the facilities as CSV: UTF-8 with BOM, `;`-separated, French headers."""
    facilities, columns = _prepare(convention, facilities, include_internal)
    return write_csv(
        [column.header for column in columns],
        ([_csv_text(column.value(facility)) for column in columns] for facility in facilities),
    )


def register_xlsx(
    convention, facilities: QuerySet[Facility], *, include_internal: bool = False
) -> bytes:
    """Return the facilities as an XLSX workbook (one sheet, styled header row)."""
    facilities, columns = _prepare(convention, facilities, include_internal)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Équipements"
    _write_header(sheet, columns)
    for index, facility in enumerate(facilities, start=2):
        for column_index, column in enumerate(columns, start=1):
            value = column.value(facility)
            cell = sheet.cell(row=index, column=column_index, value=_xlsx_value(value))
            if isinstance(value, Decimal):
                cell.number_format = "#,##0.##" if value % 1 else "#,##0"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(facilities) + 1, 1)}"
    workbook.properties.title = f"Équipements et services – {convention.name}"
    workbook.properties.creator = "Pilote CTG"
    return _save(workbook)


def _xlsx_value(value):
    if value == "" or value is None:
        return None
    return value


def _write_header(sheet, columns: list[ExportColumn]) -> None:
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def _save(workbook: Workbook) -> bytes:
    guard_workbook(workbook)  # users' texts that look like formulas stay text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- template


TEMPLATE_ROWS = 500  # rows of the data sheet that get the drop-down lists


def template_xlsx(convention) -> bytes:
    """Return the import template of this CTG: empty register, drop-down lists and help."""
    actions = ActionIndex(convention)
    columns = _columns(convention.years, actions)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Équipements"
    _write_header(sheet, columns)

    lists = workbook.create_sheet("Listes")
    for index, column in enumerate([c for c in columns if c.choices], start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=column.header).font = Font(bold=True)
        for row, choice in enumerate(column.choices, start=2):
            lists.cell(row=row, column=index, value=choice)
        lists.column_dimensions[letter].width = max(len(c) for c in column.choices) + 2
        target = get_column_letter(columns.index(column) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'Listes'!${letter}$2:${letter}${len(column.choices) + 1}",
            allow_blank=True,
            showErrorMessage=False,  # other spellings are accepted by the import
        )
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)

    communes = workbook.create_sheet("Communes")
    communes.append(["Code commune (INSEE)", "Commune", "Codes postaux"])
    for commune in territory_communes(convention):
        communes.append([commune.code, commune.name, commune.postal_codes])
    _style_plain_header(communes, [20, 34, 16])

    plan = workbook.create_sheet("Actions")
    plan.append(["À écrire dans « Actions »", "Niveau", "Intitulé"])
    for node in actions.sorted(actions.by_pk.values()):
        plan.append([actions.reference(node), node.level.name, node.title])
    _style_plain_header(plan, [24, 18, 90])

    help_sheet = workbook.create_sheet("Aide")
    for line in _help_lines(convention):
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 110
    help_sheet["A1"].font = Font(bold=True, size=13)
    workbook.properties.title = f"Modèle d'import des équipements – {convention.name}"
    workbook.properties.creator = "Pilote CTG"
    return _save(workbook)


def _style_plain_header(sheet, widths: list[int]) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _help_lines(convention) -> list[str]:
    years = bonus_years(convention)
    return [
        f"Modèle d'import des équipements et services – {convention.name}",
        "",
        "Remplissez la feuille « Équipements » : une ligne par équipement ou service.",
        "Colonnes obligatoires : Gestionnaire, Nom, Type, et Commune ou Code commune (INSEE).",
        "Type : choisissez dans la liste (les libellés de l'annexe 2, comme « Accueil de loisirs "
        "sans hébergement », sont aussi acceptés).",
        "Commune : code INSEE (feuille « Communes »), nom de la commune, ou code postal suivi "
        "du nom (« 04510 AIGLUN »).",
        "Capacité : nombre de places, ou d'ETP si l'unité est « ETP » (relais petite enfance…).",
        "Âges en années entières. Financement : PSU, PAJE, prestation de service ou aucun.",
        "Statut : existant, en projet ou fermé (existant si vide).",
        f"Bonus territoire CTG : une colonne « Bonus AAAA » par année, en euros, de {years[0]} "
        f"à {years[-1]}.",
        "Actions : numéros des actions du plan, séparés par des virgules (feuille « Actions »).",
        "",
        "Un nouvel envoi met à jour l'équipement de même nom, même type et même commune : "
        "réimporter le même fichier ne crée pas de doublon.",
        "Les colonnes absentes du fichier ne modifient rien ; une cellule vide efface la valeur.",
        "Si une ligne contient une erreur, rien n'est enregistré : le rapport indique chaque "
        "ligne et chaque colonne à corriger.",
        "Formats acceptés : XLSX, ou CSV en UTF-8 ou Windows-1252, séparé par « ; » ou « , ».",
    ]
