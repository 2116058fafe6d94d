"""The spreadsheet-import toolkit shared by the plan, facilities register and figures imports.

- reader: `read_table` turns an uploaded CSV, XLSX or ODS file into a Table of texts (one
  decoder, pilote.core.decoding; one workbook reader, python-calamine), or raises TabularError
  with a French message;
- columns: `Column` and `Columns.match` find an import's columns by their headers (synonyms,
  any case, accents or order) and report unknown or doubled ones;
- cells: parsers of one cell's text (numbers, integers, years, quarters, text);
- report: `Problem` (line, column, message) and `ImportReport`, the errors and warnings an
  import page lists.
"""

from .cells import (
    FORMULA_START,
    clean_text,
    column_letter,
    normalize_header,
    parse_integer,
    parse_number,
    year_of,
    year_quarter_of,
)
from .columns import Column, Columns, Matched
from .errors import TabularError
from .reader import Row, Table, read_table
from .report import ImportReport, Problem

__all__ = [
    "FORMULA_START",
    "Column",
    "Columns",
    "ImportReport",
    "Matched",
    "Problem",
    "Row",
    "Table",
    "TabularError",
    "clean_text",
    "column_letter",
    "normalize_header",
    "parse_integer",
    "parse_number",
    "read_table",
    "year_of",
    "year_quarter_of",
]
