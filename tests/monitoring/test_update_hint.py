"""The hint of an update whose status and progress do not go together (issue 14, point 8).

« Réalisée » below 100 %, or 100 % with another status: the form says so under the progress,
and the update is recorded all the same (a hint, not an error). The browser keeps the hint up to
date as the user types (tests/browser/test_controls_browser.py).
"""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.forms import HINT_DONE_NOT_FULL, HINT_FULL_NOT_DONE, consistency_hint
from pilote.monitoring.models import ActionUpdate
from pilote.monitoring.periods import Quarter
from tests.factories import tracked_action, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch):
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


@pytest.mark.parametrize(
    ("status", "progress", "hint"),
    [
        (UpdateStatus.DONE, 85, HINT_DONE_NOT_FULL),
        (UpdateStatus.DONE, "0", HINT_DONE_NOT_FULL),
        (UpdateStatus.DONE, 100, ""),
        (UpdateStatus.IN_PROGRESS, 100, HINT_FULL_NOT_DONE),
        (UpdateStatus.BLOCKED, "100", HINT_FULL_NOT_DONE),
        (UpdateStatus.IN_PROGRESS, 85, ""),
        (UpdateStatus.ABANDONED, 40, ""),
        (UpdateStatus.DONE, "", ""),  # nothing typed yet: the field's own error says it
        ("inconnu", 100, ""),
    ],
)
def test_the_rule(status, progress, hint):
    assert consistency_hint(status, progress) == hint


def post(client, action, status, progress):
    prefix = f"maj-{action.pk}"
    return client.post(
        reverse("monitoring:update", kwargs={"slug": action.convention.slug, "pk": action.pk}),
        {
            f"{prefix}-period": "2031-1",  # refused: the form comes back with the hint
            f"{prefix}-status": status,
            f"{prefix}-progress": progress,
            f"{prefix}-done": "La crèche de Malijai a ouvert en septembre.",
        },
        headers={"HX-Request": "true"},
    )


def test_the_form_shows_the_hint_for_what_was_typed(client):
    action = tracked_action(title="Ouvrir une crèche à Malijai")
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))
    html = post(client, action, "realisee", "85").content.decode()
    assert "Une action réalisée est d&#x27;habitude à 100\xa0%" in html.split("data-fu-hint")[1]
    html = post(client, action, "en_cours", "60").content.decode()
    hint = html.split("data-fu-hint")[1].split("</p>")[0]
    assert " hidden>" in hint


def test_a_done_update_at_85_percent_is_recorded_all_the_same(client):
    action = tracked_action(title="Ouvrir une crèche à Malijai")
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))
    prefix = f"maj-{action.pk}"
    response = client.post(
        reverse("monitoring:update", kwargs={"slug": action.convention.slug, "pk": action.pk}),
        {f"{prefix}-period": "2026-4", f"{prefix}-status": "realisee", f"{prefix}-progress": "85"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    update = ActionUpdate.objects.get(node=action)
    assert (update.status, update.progress) == (UpdateStatus.DONE, 85)
