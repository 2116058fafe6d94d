"""Importing a copy of a CTG already on the instance, from the page (issue 12): the page names
the identifier already taken, suggests a new one, and imports under the one the user gives."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.accounts.models import User
from pilote.conventions.models import Convention
from pilote.exchange.services import dumps, export_convention
from pilote.plans.models import PlanNode

PAA = "provence-alpes-agglomeration-2026-2030"
IMPORT_URL = reverse("conventions:import")


@pytest.fixture
def admin(db) -> User:
    return User.objects.create(username="admin.copie", is_superuser=True)


@pytest.fixture
def paa_json(session_demo_paa, db) -> bytes:
    return dumps(export_convention(Convention.objects.get(slug=PAA))).encode()


def post(client, content: bytes, slug: str = ""):
    upload = SimpleUploadedFile("ctg.json", content, content_type="application/json")
    return client.post(IMPORT_URL, {"file": upload, "slug": slug})


def test_an_identifier_already_taken_is_named_with_a_suggested_copy(client, admin, paa_json):
    client.force_login(admin)
    count = Convention.objects.count()

    response = post(client, paa_json)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert f"« {PAA}-copie »" in errors["slug"][0]
    assert Convention.objects.count() == count


def test_a_new_identifier_imports_a_complete_copy(client, admin, paa_json):
    client.force_login(admin)
    original = Convention.objects.get(slug=PAA)

    response = post(client, paa_json, slug="paa-copie")

    copy = Convention.objects.get(slug="paa-copie")
    assert response.status_code == 302
    assert response.url == copy.get_absolute_url()
    assert copy.name == original.name
    assert PlanNode.objects.filter(convention=copy).count() == (
        PlanNode.objects.filter(convention=original).count()
    )


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        (PAA, "déjà utilisé"),
        ("importer", "réservé"),
        ("Paa-Copie", "minuscules"),
        ("paa copie", "minuscules"),
    ],
)
def test_an_unusable_identifier_is_refused_in_french(client, admin, paa_json, slug, message):
    client.force_login(admin)
    count = Convention.objects.count()

    response = post(client, paa_json, slug=slug)

    assert response.status_code == 200
    assert message in response.context["form"].errors["slug"][0]
    assert Convention.objects.count() == count
