"""The export download and the import page of pilote.exchange (the format: tests/exchange/)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.conventions.models import Convention

pytest.importorskip("pilote.exchange.services")

IMPORT_URL = reverse("conventions:import")


def export(client, convention):
    return client.get(reverse("conventions:export", kwargs={"slug": convention.slug}))


def test_export_downloads_a_json_file_named_after_the_slug(client, convention, coordinator):
    client.force_login(coordinator)

    response = export(client, convention)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="{convention.slug}.json"'
    data = json.loads(response.content)
    assert data["convention"]["slug"] == convention.slug
    assert data["convention"]["internal_notes"] == convention.internal_notes


def test_export_for_a_referent_leaves_out_the_internal_notes(client, convention, referent):
    client.force_login(referent)

    response = export(client, convention)

    data = json.loads(response.content)
    assert data["convention"]["internal_notes"] == ""
    assert convention.internal_notes not in response.content.decode()


def upload(content: bytes, name: str = "ctg.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_import_round_trip_creates_the_ctg(client, convention, superuser):
    client.force_login(superuser)
    data = json.loads(export(client, convention).content)
    data["convention"]["slug"] = "copie-importee"
    raw = "\ufeff" + json.dumps(data, ensure_ascii=False)  # with a BOM, as Windows editors save

    response = client.post(IMPORT_URL, {"file": upload(raw.encode("utf-8"))})

    imported = Convention.objects.get(slug="copie-importee")
    assert response.status_code == 302
    assert response.url == imported.get_absolute_url()
    assert imported.communes.count() == convention.communes.count()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "pilote-ctg", "version": 1,', "n&#x27;est pas un JSON valide"),
        ("é".encode("latin-1") + b"{}", "encodé en UTF-8"),
        (b'{"format": "autre"}', "Import impossible, rien n&#x27;a été enregistré"),
    ],
)
def test_bad_files_are_refused_in_french_and_nothing_is_written(
    client, caf_adviser, content, message
):
    client.force_login(caf_adviser)

    response = client.post(IMPORT_URL, {"file": upload(content)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="resume-erreurs"' in response.content.decode()
    assert not Convention.objects.exists()


def test_file_over_the_size_limit_is_refused(client, caf_adviser, settings):
    settings.IMPORT_MAX_BYTES = 10
    client.force_login(caf_adviser)

    response = client.post(IMPORT_URL, {"file": upload(b'{"format": "pilote-ctg"}')})

    assert "la taille maximale est de" in response.content.decode()


def test_file_must_be_a_json_file(client, caf_adviser):
    client.force_login(caf_adviser)

    response = client.post(IMPORT_URL, {"file": upload(b"{}", name="ctg.xlsx")})

    assert "Le fichier doit être au format JSON" in response.content.decode()


def test_missing_file_is_refused(client, caf_adviser):
    client.force_login(caf_adviser)

    response = client.post(IMPORT_URL, {})

    assert "Choisissez un fichier JSON ou une archive ZIP à importer." in response.content.decode()


def test_import_page_explains_the_size_limit(client, caf_adviser):
    client.force_login(caf_adviser)

    response = client.get(IMPORT_URL)

    assert (
        "Taille maximale : 20\u00a0Mo pour un fichier JSON, 200\u00a0Mo pour une archive ZIP."
        in response.content.decode()
    )
