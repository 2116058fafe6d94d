"""Headers on every response: Content-Security-Policy, Permissions-Policy, and no-store on private
pages and downloads; every download recorded in the audit log (core.security.download_served)."""

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from pilote.accounts.enums import AuditAction, Role
from pilote.accounts.models import AuditEvent
from pilote.monitoring.models import UpdateAttachment
from tests.factories import ActionUpdateFactory, ConventionFactory, tracked_action, user_with_role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2] / "pilote"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_pages_carry_a_policy_without_inline_scripts(client):
    response = client.get("/connexion/")
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("style-src-attr")[0]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_pages_refuse_camera_microphone_geolocation_and_payment(client):
    policy = client.get("/connexion/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_a_logged_in_page_is_never_stored_and_a_public_page_may_be(client):
    assert "no-store" not in client.get("/public/").get("Cache-Control", "")
    client.force_login(user_with_role(Role.READER, convention=ConventionFactory()))
    response = client.get("/ctg/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Permissions-Policy"]


def test_an_export_is_not_stored_and_is_in_the_audit_log(client):
    convention = ConventionFactory()
    reader = user_with_role(Role.READER, convention=convention)
    client.force_login(reader)
    response = client.get(reverse("reports:plan_xlsx", kwargs={"slug": convention.slug}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user == reader
    assert event.convention == convention
    assert event.departement_id == "04"
    assert event.target.endswith(".xlsx")
    assert event.details == {"adresse": f"/ctg/{convention.slug}/exports/plan.xlsx"}


def test_an_attachment_download_is_recorded_as_a_download(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    action = tracked_action()
    update = ActionUpdateFactory(node=action)
    attachment = UpdateAttachment(update=update, name="compte-rendu du COPIL.pdf", size=4)
    attachment.file.save("cr.pdf", ContentFile(b"%PDF"), save=True)
    coordinator = user_with_role(Role.COORDINATOR, convention=action.convention)
    client.force_login(coordinator)
    response = client.get(
        reverse(
            "monitoring:attachment", kwargs={"slug": action.convention.slug, "pk": attachment.pk}
        )
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)  # read to the end: closed as a WSGI server would
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD)
    assert (event.user, event.convention, event.target) == (
        coordinator,
        action.convention,
        "compte-rendu du COPIL.pdf",
    )


def test_a_refused_download_is_not_recorded(client):
    convention = ConventionFactory()
    client.force_login(user_with_role(Role.READER, convention=ConventionFactory(slug="autre")))
    response = client.get(reverse("reports:plan_xlsx", kwargs={"slug": convention.slug}))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


INLINE_HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted(ROOT.rglob("templates/**/*.html")), ids=str)
def test_no_template_has_an_inline_script_or_event_handler(template):
    text = template.read_text()
    assert not INLINE_HANDLER.search(text), "gestionnaire d'événement en ligne (on…=)"
    assert not INLINE_SCRIPT.search(text), "<script> en ligne"
