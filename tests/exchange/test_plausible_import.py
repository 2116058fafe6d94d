"""Implausible values in a JSON import (issue 12, point 6): refused in French, nothing written.

Before, a NUL byte reached PostgreSQL and answered a raw DataError (a web 500); a lone surrogate
failed on both databases; a signature dated 9999 or a start in 0001 was written as is.
"""

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.conventions.models import Convention
from pilote.core.exchange import ExchangeError
from pilote.exchange.services import import_convention
from tests.exchange.test_exchange import make_document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def with_value(path: list, value) -> dict:
    document = make_document()
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["convention", "name"], "CTG\x00 PAA", "caractère invalide"),
        (["convention", "description"], "Texte \x1b[31m coloré", "caractère invalide"),
        (["plan", 0, "title"], "Coordination \ud800", "caractère invalide"),
        (["plan", 0, "children", 0, "pilots"], ["Caf\x00"], "caractère invalide"),
        (["convention", "signatories", 0, "signature_date"], "9999-12-31", "2000 et le 31/12/2100"),
        (["convention", "amendments", 0, "date"], "0001-01-01", "2000 et le 31/12/2100"),
        (["convention", "start_date"], "0001-01-01", "2000 et le 31/12/2100"),
        (["convention", "end_date"], "2040-12-31", "au plus 6 ans"),
        (["plan", 0, "title"], "x" * 1001, "dépasse 1000 caractères"),
    ],
)
def test_an_implausible_value_is_refused_and_nothing_is_written(path, value, message):
    with pytest.raises(ExchangeError, match=message) as error:
        import_convention(with_value(path, value))
    assert "rien n'a été enregistré" in str(error.value)
    assert not Convention.objects.exists()


def test_the_error_says_where_the_invalid_text_is():
    with pytest.raises(ExchangeError) as error:
        import_convention(with_value(["plan", 0, "title"], "Coordination\x00"))
    assert "document › plan › 1 › title" in str(error.value)


def test_a_nul_byte_uploaded_on_the_import_page_is_refused_in_french(client):
    client.force_login(UserFactory(superuser=True))
    raw = json.dumps(with_value(["convention", "description"], "Présentation\x00")).encode()

    response = client.post(
        reverse("conventions:import"),
        {"file": SimpleUploadedFile("ctg.json", raw, content_type="application/json")},
    )

    assert response.status_code == 200  # a raw DataError and a 500 on PostgreSQL before
    assert "caractère invalide" in html.unescape(response.content.decode())
    assert not Convention.objects.exists()


def test_the_plausible_document_still_imports():
    assert import_convention(make_document()).slug == "ctg-test-paa"


def test_a_bilan_frozen_in_year_one_is_refused():
    from pilote.governance.exchange.read import _Reader

    reader = _Reader()
    assert reader.moment({"closed_at": "0001-01-01T00:00:00"}, "closed_at", "bilan") is None
    assert "2000 et le 31/12/2100" in reader.errors[0]
    assert reader.moment({"closed_at": "2027-03-01T10:00:00+01:00"}, "closed_at", "bilan")
