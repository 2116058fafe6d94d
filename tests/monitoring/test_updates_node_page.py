"""The action's page: the update form for those allowed, and the history as a timeline."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate
from pilote.monitoring.periods import Quarter
from tests.factories import ActionUpdateFactory, UserFactory, tracked_action, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


@pytest.fixture
def action():
    action = tracked_action()
    author = UserFactory(first_name="Sarah", last_name="Fabre")
    ActionUpdateFactory(node=action, year=2026, quarter=2, status=UpdateStatus.TO_START, progress=0)
    ActionUpdateFactory(
        node=action,
        year=2026,
        quarter=3,
        status=UpdateStatus.BLOCKED,
        progress=25,
        difficulties="Pas de local disponible à Malijai.",
        author=author,
    )
    return action


def node_page(client, action):
    return client.get(action.get_absolute_url())


def test_the_action_page_shows_the_history_latest_first(client, action):
    client.force_login(user_with_role(Role.READER, convention=action.convention))
    html = node_page(client, action).content.decode()
    assert "Historique des points de suivi (2)" in html
    assert html.index("T3 2026") < html.index("T2 2026")
    assert "Pas de local disponible à Malijai." in html
    assert "Saisi par Sarah Fabre" in html
    assert "Ajouter un point de suivi" not in html  # a reader records nothing


def test_a_coordinator_records_an_update_with_an_attachment_from_the_action_page(client, action):
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))
    html = node_page(client, action).content.decode()
    assert "Ajouter un point de suivi" in html
    assert 'enctype="multipart/form-data"' in html
    prefix = f"maj-{action.pk}"
    response = client.post(
        reverse("monitoring:update", kwargs={"slug": action.convention.slug, "pk": action.pk}),
        {
            f"{prefix}-period": "2026-4",
            f"{prefix}-status": "en_cours",
            f"{prefix}-progress": "40",
            f"{prefix}-done": "Local trouvé ; convention signée avec la commune.",
            f"{prefix}-attachments": SimpleUploadedFile("convention-local.pdf", PDF),
            "next": action.get_absolute_url() + "#suivi",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == action.get_absolute_url() + f"#action-{action.pk}"
    update = ActionUpdate.objects.latest_first().first()
    assert (update.year, update.quarter, update.progress) == (2026, 4, 40)
    attachment = update.attachments.get()
    html = client.get(response["Location"]).content.decode()
    assert "Point de suivi T4 2026 enregistré" in html
    assert "convention-local.pdf" in html
    download = client.get(
        reverse(
            "monitoring:attachment", kwargs={"slug": action.convention.slug, "pk": attachment.pk}
        )
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_wrong_attachment_is_reported_in_french_and_nothing_is_recorded(client, action):
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))
    prefix = f"maj-{action.pk}"
    response = client.post(
        reverse("monitoring:update", kwargs={"slug": action.convention.slug, "pk": action.pk}),
        {
            f"{prefix}-period": "2026-4",
            f"{prefix}-status": "en_cours",
            f"{prefix}-progress": "40",
            f"{prefix}-attachments": SimpleUploadedFile("script.exe", b"MZ"),
        },
    )
    assert response.status_code == 200
    assert "n&#x27;est pas d&#x27;un type accepté" in response.content.decode()
    assert ActionUpdate.objects.count() == 2


def test_attachments_of_another_ctg_are_not_found(client, action):
    update = ActionUpdate.objects.first()
    attachment = update.attachments.create(
        file=SimpleUploadedFile("bilan.pdf", PDF), name="bilan.pdf", size=len(PDF)
    )
    elsewhere = tracked_action()
    client.force_login(user_with_role(Role.COORDINATOR, convention=elsewhere.convention))
    url = reverse(
        "monitoring:attachment", kwargs={"slug": elsewhere.convention.slug, "pk": attachment.pk}
    )
    assert client.get(url).status_code == 404


def test_the_action_page_query_count_does_not_grow_with_the_history(
    client, action, django_assert_max_num_queries
):
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))
    with django_assert_max_num_queries(40) as few:
        node_page(client, action)
    for year in (2026,):
        for quarter in (1, 2, 3, 4):
            for _ in range(5):
                ActionUpdateFactory(node=action, year=year, quarter=quarter)
    with django_assert_max_num_queries(len(few.captured_queries)):
        node_page(client, action)


def test_an_untracked_element_has_no_follow_up_section(client, action):
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))
    html = node_page(client, action.parent).content.decode()
    assert "Suivi de l’action" not in html
