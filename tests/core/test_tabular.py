import io
from decimal import Decimal

import openpyxl
import pytest

from pilote.core.tabular import TabularError, normalize_header, parse_number, read_table

HEADER = "Gestionnaire;Nom;Type;Commune\n"
ROW = "Commune de Digne-les-Bains;Les Premiers Pas;Établissement d'accueil du jeune enfant;04070\n"


def xlsx_bytes(rows, *, hidden_first=False):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if hidden_first:
        sheet.title = "Notes"
        sheet.append(["ne pas lire"])
        sheet.sheet_state = "hidden"
        sheet = workbook.create_sheet("Équipements")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        (HEADER + ROW).encode("utf-8"),
        b"\xef\xbb\xbf" + (HEADER + ROW).encode("utf-8"),
        (HEADER + ROW).encode("cp1252"),
        (HEADER + ROW).replace(";", ",").encode("utf-8"),
        (HEADER + ROW).replace(";", "\t").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "windows-1252", "comma", "tab"],
)
def test_csv_files_of_every_usual_flavour_read_the_same(data):
    table = read_table(data, "equipements.csv")
    assert table.keys == ["gestionnaire", "nom", "type", "commune"]
    [row] = table.rows
    assert row.number == 2
    assert row.get("type") == "Établissement d'accueil du jeune enfant"
    assert row.get("commune") == "04070"


def test_blank_lines_are_skipped_but_line_numbers_stay_those_of_the_file():
    table = read_table(("\n" + HEADER + "\n" + ROW + ";;;\n" + ROW).encode(), "f.csv")
    assert [row.number for row in table.rows] == [4, 6]


def test_xlsx_first_visible_sheet_with_numbers_and_dates():
    import datetime

    data = xlsx_bytes(
        [["Nom", "Places", "Ouverture"], ["Le P'tit Jardin", 24, datetime.date(2019, 9, 2)]],
        hidden_first=True,
    )
    table = read_table(data, "registre.xlsx")
    assert table.sheet == "Équipements"
    assert table.rows[0].values == {
        "nom": "Le P'tit Jardin",
        "places": "24",
        "ouverture": "2019-09-02",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"  \n ", "vide"),
        (HEADER.encode(), "que des en-têtes"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "mot de passe"),
        (b"%PDF-1.7 ...", "PDF"),
        (b"PK\x03\x04 truncated", "endommagé"),
        (b"\x00\x01\x02binary", "binaire"),
    ],
)
def test_unreadable_files_get_a_french_message(data, message):
    with pytest.raises(TabularError, match=message):
        read_table(data, "fichier.csv")


def test_a_truncated_xlsx_is_refused():
    data = xlsx_bytes([["Nom"], ["x"]])
    with pytest.raises(TabularError, match="endommagé"):
        read_table(data[: len(data) // 2], "registre.xlsx")


def test_files_over_the_limit_are_refused_before_reading():
    with pytest.raises(TabularError, match="trop volumineux"):
        read_table(b"a;b\n" * 1000, "f.csv", max_bytes=1000)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,5", "1234.5"),
        ("1\u202f151", "1151"),
        ("58 %", "58"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("0,44", "0.44"),
        ("-3", "-3"),
    ],
)
def test_numbers_in_french_notation(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "NaN", "Infinity", "12 places"])
def test_non_numbers_are_refused(text):
    with pytest.raises(ValueError, match="n'est pas un nombre"):
        parse_number(text)


def test_headers_are_compared_without_accents_case_or_punctuation():
    assert normalize_header("  Nb. d’ETP (Équivalent) ") == "nb d etp equivalent"


# --------------------------------------------------------------------------- ODS, formulas, merges


ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"'
)


def ods_package(tables: str) -> bytes:
    """Return an OpenDocument spreadsheet whose body holds these table:table elements."""
    import zipfile

    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NAMESPACES}>'
        '<office:automatic-styles><style:style style:name="cachee" style:family="table">'
        '<style:table-properties table:display="false"/></style:style>'
        "</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def ods_bytes(rows, *, hidden_first=False, spans=None, formula_without_value=None):
    """Return an OpenDocument spreadsheet; spans maps (row, column) → (rows, columns) merged."""
    from xml.sax.saxutils import escape, quoteattr

    tables = ""
    if hidden_first:
        tables += (
            '<table:table table:name="Notes" table:style-name="cachee"><table:table-row>'
            '<table:table-cell office:value-type="string"><text:p>ne pas lire</text:p>'
            "</table:table-cell></table:table-row></table:table>"
        )
    spans = spans or {}
    covered = {
        (r + dr, c + dc)
        for (r, c), (nr, nc) in spans.items()
        for dr in range(nr)
        for dc in range(nc)
        if (dr, dc) != (0, 0)
    }
    body = ""
    for r, values in enumerate(rows):
        body += "<table:table-row>"
        for c, value in enumerate(values):
            if (r, c) in covered:
                body += "<table:covered-table-cell/>"
                continue
            attributes = ""
            if (r, c) in spans:
                attributes = (
                    f' table:number-rows-spanned="{spans[(r, c)][0]}"'
                    f' table:number-columns-spanned="{spans[(r, c)][1]}"'
                )
            if formula_without_value == (r, c):
                body += f'<table:table-cell table:formula="of:=[.A1]*2"{attributes}/>'
            elif isinstance(value, int | float):
                body += (
                    f'<table:table-cell office:value-type="float" office:value="{value}"'
                    f"{attributes}><text:p>{value}</text:p></table:table-cell>"
                )
            else:
                text = f"<text:p>{escape(value)}</text:p>" if value else ""
                body += (
                    f'<table:table-cell office:value-type="string"{attributes}>{text}'
                    "</table:table-cell>"
                )
        body += "</table:table-row>"
    # What LibreOffice writes after the data: a million empty rows, as one repeated row.
    body += (
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/>'
        "</table:table-row>"
    )
    tables += f"<table:table table:name={quoteattr('Plan')}>{body}</table:table>"
    return ods_package(tables)


def test_ods_first_visible_sheet_is_read_with_numbers():
    data = ods_bytes(
        [["Nom", "Places"], ["Le P'tit Jardin", 24], ["Les Canaillous", 12.5]], hidden_first=True
    )
    table = read_table(data, "registre.ods")
    assert table.sheet == "Plan"
    assert [row.values for row in table.rows] == [
        {"nom": "Le P'tit Jardin", "places": "24"},
        {"nom": "Les Canaillous", "places": "12.5"},
    ]
    assert [row.number for row in table.rows] == [2, 3]
    assert table.notes == [
        "La feuille masquée « Notes » n’a pas été lue : seule la première feuille visible l’est."
    ]


def test_ods_percentages_read_as_written_and_dates_as_iso():
    data = ods_package(
        '<table:table table:name="Taux"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>Taux</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>Date</text:p></table:table-cell>'
        "</table:table-row><table:table-row>"
        '<table:table-cell office:value-type="percentage" office:value="0.414">'
        "<text:p>41,4 %</text:p></table:table-cell>"
        '<table:table-cell office:value-type="date" office:date-value="2019-09-02">'
        "<text:p>02/09/19</text:p></table:table-cell>"
        "</table:table-row></table:table>"
    )
    assert read_table(data, "taux.ods").rows[0].values == {"taux": "41,4 %", "date": "2019-09-02"}


def test_an_ods_without_visible_sheet_is_refused():
    data = ods_package('<table:table table:name="Seule" table:style-name="cachee"/>')
    with pytest.raises(TabularError, match="aucune feuille visible"):
        read_table(data, "plan.ods")


def test_a_truncated_ods_is_refused():
    data = ods_bytes([["Nom"], ["x"]])
    with pytest.raises(TabularError, match="endommagé"):
        read_table(data[: len(data) // 2], "plan.ods")


def test_merged_cells_repeat_their_value_down_the_first_column_of_the_range():
    rows = [
        ["Axe", "Action", "Pilote"],
        ["Axe 1 — Petite enfance", "Créer un RPE", "Caf"],
        ["", "Ouvrir une MAM", "Commune"],
        ["", "Former les assistants maternels", ""],
    ]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("C4:D4")  # horizontal only: nothing to repeat
    buffer = io.BytesIO()
    workbook.save(buffer)
    for data, name in (
        (buffer.getvalue(), "plan.xlsx"),
        (ods_bytes(rows, spans={(1, 0): (3, 1)}), "plan.ods"),
    ):
        table = read_table(data, name)
        assert [row.get("axe") for row in table.rows] == ["Axe 1 — Petite enfance"] * 3, name
        assert [row.get("action") for row in table.rows][2] == "Former les assistants maternels"
        assert "A2:A4" in table.notes[0]
        assert "reprise sur chaque ligne" in table.notes[0]


def test_a_formula_never_calculated_is_reported_with_its_cell_not_read_as_empty():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Budget"])
    sheet.append(["RPE", "=1000*2"])  # openpyxl writes formulas without their value
    buffer = io.BytesIO()
    workbook.save(buffer)
    for data, name in (
        (buffer.getvalue(), "plan.xlsx"),
        (ods_bytes([["Nom", "Budget"], ["RPE", ""]], formula_without_value=(1, 1)), "plan.ods"),
    ):
        with pytest.raises(
            TabularError, match=r"formules n'ont pas de valeur calculée \(B2\)"
        ) as error:
            read_table(data, name)
        assert error.value.problems == [
            (
                2,
                "Budget",
                "la cellule B2 contient une formule dont la valeur n'a jamais été calculée.",
            )
        ]


def test_a_formula_with_its_calculated_value_gives_the_value():
    import zipfile

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Budget"])
    sheet.append(["RPE", "=1000*2"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Add the value the way Excel and LibreOffice save it: <f>1000*2</f><v>2000</v>.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<f>1000*2</f><v></v>" in content
                content = content.replace(b"<f>1000*2</f><v></v>", b"<f>1000*2</f><v>2000</v>")
            target.writestr(item, content)
    table = read_table(patched.getvalue(), "plan.xlsx")
    assert table.rows[0].get("budget") == "2000"


def test_a_csv_named_xlsx_is_read_as_csv_and_says_so():
    table = read_table((HEADER + ROW).encode("cp1252"), "equipements.xlsx")
    assert table.rows[0].get("type") == "Établissement d'accueil du jeune enfant"
    assert table.notes == [
        "L'extension « .xlsx » ne correspond pas au contenu : le fichier a été lu comme un CSV."
    ]


def test_a_word_document_is_not_taken_for_a_workbook():
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with pytest.raises(TabularError, match="traitement de texte"):
        read_table(buffer.getvalue(), "plan.xlsx")


def test_a_workbook_too_big_once_unzipped_is_refused(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1_000
    with pytest.raises(TabularError, match=r"pèserait .* une fois décompressé"):
        read_table(xlsx_bytes([["Nom"], ["x" * 2_000]]), "registre.xlsx")


def test_a_chart_sheet_before_the_table_is_skipped():
    from openpyxl.chart import BarChart, Reference

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Budget"])
    sheet.append(["RPE", "=1000*2"])
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=2))
    workbook.create_chartsheet("Graphique", 0).add_chart(chart)
    buffer = io.BytesIO()
    workbook.save(buffer)
    # The formula check reads the sheet after the chart sheet, not the chart sheet.
    with pytest.raises(TabularError, match=r"\(B2\)"):
        read_table(buffer.getvalue(), "plan.xlsx")
