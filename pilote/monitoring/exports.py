"""The follow-up table as an XLSX workbook (openpyxl), one row per action."""

from io import BytesIO

from django.utils.timezone import localtime
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .followup import FollowUpRow
from .periods import Quarter

# (header, width in characters, value of a row)
COLUMNS = [
    ("Numéro", 10, lambda r: r.number),
    ("Niveaux supérieurs", 45, lambda r: r.path),
    ("Action", 60, lambda r: r.title),
    ("Pilotes", 35, lambda r: ", ".join(r.pilots)),
    ("Thématiques", 30, lambda r: ", ".join(r.thematics)),
    ("Période prévue", 16, lambda r: r.planned),
    ("Dernier statut", 18, lambda r: r.status_label),
    ("Avancement (%)", 15, lambda r: r.latest.progress if r.latest else None),
    ("Trimestre du dernier point", 14, lambda r: r.latest.period_label if r.latest else ""),
    (
        "Date du dernier point",
        14,
        lambda r: localtime(r.latest.created_at).date() if r.latest else None,
    ),
    ("Saisi par", 22, lambda r: r.latest.author if r.latest else ""),
    ("En retard", 10, lambda r: "Oui" if r.late else "Non"),
    ("Point ce trimestre", 12, lambda r: "Non" if r.stale else "Oui"),
    ("Ce qui a été fait", 50, lambda r: r.latest.done if r.latest else ""),
    ("Difficultés", 40, lambda r: r.latest.difficulties if r.latest else ""),
    ("Prochaines étapes", 40, lambda r: r.latest.next_steps if r.latest else ""),
]
FORMULA_START = ("=", "+", "-", "@")


def followup_workbook(convention, rows: list[FollowUpRow], *, now: Quarter) -> bytes:
    """Return the XLSX file of the follow-up table's rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Suivi {now}"
    sheet.append([header for header, _, _ in COLUMNS])
    header_fill = PatternFill("solid", fgColor="E3E3FD")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, row in enumerate(rows, start=2):
        for column, (_, _, value) in enumerate(COLUMNS, start=1):
            content = value(row)
            cell = sheet.cell(row=index, column=column, value=content)
            # Free text that looks like a formula stays text (no formula injection).
            if isinstance(content, str) and content.startswith(FORMULA_START):
                cell.data_type = "s"
            if hasattr(content, "year") and not isinstance(content, str):
                cell.number_format = "DD/MM/YYYY"
    for column, (_, width, _) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(rows) + 1, 1)}"
    workbook.properties.title = f"Tableau de suivi – {convention.name}"
    workbook.properties.creator = "Pilote CTG"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
