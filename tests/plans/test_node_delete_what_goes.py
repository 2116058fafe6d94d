"""Deleting a plan element says what goes with it; its files stay in the trash until purged."""

import os

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from pilote.conventions.models import TrashItem
from pilote.conventions.trash import purge_item
from pilote.monitoring.models import UpdateAttachment
from tests.factories import ActionUpdateFactory, tracked_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def action_with_attachment(settings, tmp_path, convention):
    settings.MEDIA_ROOT = tmp_path
    action = tracked_action(convention)
    update = ActionUpdateFactory(node=action)
    attachment = UpdateAttachment(update=update, name="compte-rendu.pdf", size=4)
    attachment.file.save("compte-rendu.pdf", ContentFile(b"%PDF"), save=True)
    return action, attachment


def delete_url(node):
    return reverse("plans:delete", kwargs={"slug": node.convention.slug, "pk": node.pk})


def test_the_confirmation_counts_follow_up_points_and_attachments(
    editor_client, action_with_attachment
):
    action, _ = action_with_attachment
    fiche = action.parent

    response = editor_client.get(delete_url(fiche))
    html = response.content.decode()

    assert "Éléments du plan : 1" in html
    assert "Points de suivi : 1" in html
    assert "Pièces jointes : 1" in html


def test_an_element_keeps_its_files_in_the_trash_and_purging_removes_them(
    editor_client, action_with_attachment, django_capture_on_commit_callbacks
):
    action, attachment = action_with_attachment
    path = attachment.file.path
    assert os.path.exists(path)

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(delete_url(action.parent))

    assert not UpdateAttachment.objects.exists()
    assert os.path.exists(path)  # restorable with its file
    item = TrashItem.objects.get(convention=action.convention)
    with django_capture_on_commit_callbacks(execute=True):
        purge_item(item)
    assert not os.path.exists(path)
