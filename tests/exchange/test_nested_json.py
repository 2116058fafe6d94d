"""A JSON nested thousands of levels deep gets a French refusal, not a 500 (issue 13)."""

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from pilote.conventions.models import Convention
from pilote.core.exchange import ExchangeError
from pilote.exchange.services import MAX_JSON_DEPTH, loads
from tests.factories import UserFactory
from tests.hostile_files import nested_json

pytestmark = pytest.mark.django_db

TOO_DEEP = "Le fichier JSON est imbriqué trop profondément"


@pytest.mark.parametrize("depth", [100_000, 900, MAX_JSON_DEPTH + 1])
def test_deep_nesting_is_refused_whether_or_not_the_parser_copes(depth):
    raw = b'{"convention": ' + nested_json(depth) + b"}"
    with pytest.raises(ExchangeError, match=TOO_DEEP):
        loads(raw)


def test_an_export_nests_far_less_than_the_limit():
    data = loads(json.dumps({"convention": {"a": [[{"b": [1]}]]}, "plan": []}).encode())
    assert data["plan"] == []


def test_the_import_page_answers_in_french(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(superuser=True))
    before = Convention.objects.count()

    response = client.post(
        reverse("conventions:import"),
        {"file": SimpleUploadedFile("ctg.json", nested_json(), content_type="application/json")},
    )

    assert response.status_code == 200  # 500 before
    assert TOO_DEEP in html.unescape(response.content.decode())
    assert Convention.objects.count() == before


def test_import_ctg_answers_in_french(tmp_path):
    path = tmp_path / "ctg.json"
    path.write_bytes(nested_json())

    with pytest.raises(CommandError, match=TOO_DEEP):
        call_command("import_ctg", str(path))
