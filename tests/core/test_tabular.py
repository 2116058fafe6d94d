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
