"""Accent folding, the one decoder of uploaded text, download headers."""

import pytest

from pilote.core.decoding import UndecodableText, decode_text
from pilote.core.downloads import XLSX, download_response
from pilote.core.text import fold, normalize_search, strip_accents


def test_fold_and_search_normalisation():
    assert fold("Écoles ŒUVRES") == "ecoles oeuvres"
    assert strip_accents("Clémenciat") == "Clemenciat"
    assert normalize_search("L'Abergement-Clémenciat") == "l abergement clemenciat"
    assert normalize_search("Œuilly") == "oeuilly"


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Intitulé;Pilote".encode(), "Intitulé;Pilote", "UTF-8"),
        (b"\xef\xbb\xbf" + "é".encode(), "é", "UTF-8 (avec BOM)"),
        ("é;€".encode("cp1252"), "é;€", "Windows-1252"),
        (b"\xff\xfe" + "Axe 1".encode("utf-16-le"), "Axe 1", "UTF-16"),
    ],
)
def test_decode_text(data, text, encoding):
    assert decode_text(data) == (text, encoding)


def test_decode_text_refuses_binary_and_unknown_bytes_in_french():
    with pytest.raises(UndecodableText, match="contenu binaire"):
        decode_text(b"PK\x03\x04\x00\x00")
    with pytest.raises(UndecodableText, match="encodage"):
        decode_text(b"\x81\x8d\x8f")


def test_download_response_names_the_file_for_every_browser():
    response = download_response(b"x", "Bilan 2025 – Salon.xlsx", XLSX)
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Bilan%202025%20%E2%80%93%20Salon.xlsx"
    )
    assert download_response("{}", "a.json", "application/json")["Content-Disposition"] == (
        'attachment; filename="a.json"'
    )
