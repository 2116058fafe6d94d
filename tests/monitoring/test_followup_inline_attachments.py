"""Attachments sent from the follow-up table's in-place form (issue 14, point 6).

The in-place form posts multipart (htmx's hx-encoding) to the same view as the update page, so
the same service checks the files: their number, size and content, the disk that fills up. What
was typed comes back on an error; a référent·e attaches files only to the actions he or she
may update.
"""

import errno
import os

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership, Organisation
from pilote.monitoring.models import ActionUpdate, UpdateAttachment
from pilote.monitoring.periods import Quarter
from tests.factories import UserFactory, tracked_action, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"0" * 2_000 + b"\n%%EOF\n"
DONE = "Local trouvé ; convention signée avec la commune de Malijai."


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch):
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def ccas():
    return Organisation.objects.create(name="CCAS de Digne-les-Bains")


@pytest.fixture
def action(ccas):
    """An action of seed 003 piloted by the CCAS of Digne."""
    node = tracked_action(title="Ouvrir un lieu d'accueil enfants-parents à Digne")
    node.pilots.add(ccas)
    return node


def referent_of(convention, organisation):
    user = UserFactory()
    Membership.objects.create(
        user=user, role=Role.REFERENT, convention=convention, organisation=organisation
    )
    return user


def update_url(action):
    return reverse("monitoring:update", kwargs={"slug": action.convention.slug, "pk": action.pk})


def post_inline(client, action, *files, **values):
    prefix = f"maj-{action.pk}"
    data = {"period": "2026-4", "status": "en_cours", "progress": "40", "done": DONE}
    data.update(values)
    payload = {f"{prefix}-{key}": value for key, value in data.items()}
    payload[f"{prefix}-attachments"] = list(files)
    return client.post(update_url(action), payload, headers={"HX-Request": "true"})


def pdf(name="compte-rendu-copil.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def files_in(folder) -> list[str]:
    return [os.path.join(root, name) for root, _dirs, names in os.walk(folder) for name in names]


def test_the_inline_form_has_a_file_field_and_posts_multipart(client, action):
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))
    html = client.get(update_url(action), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-encoding="multipart/form-data"' in html
    assert 'enctype="multipart/form-data"' in html
    assert f'name="maj-{action.pk}-attachments"' in html
    assert 'type="file" multiple' in html
    assert "Taille maximale par fichier : 10" in html


def test_an_inline_update_keeps_its_attachments(client, action, media):
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))
    response = post_inline(client, action, pdf(), pdf("photos-atelier.pdf"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="action-{action.pk}" class="fu-row--saved">')
    update = ActionUpdate.objects.get(node=action)
    assert update.done == DONE
    names = sorted(update.attachments.values_list("name", flat=True))
    assert names == ["compte-rendu-copil.pdf", "photos-atelier.pdf"]
    assert len(files_in(media)) == 2
    attachment = update.attachments.get(name="photos-atelier.pdf")
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF


def test_a_file_that_is_not_what_its_name_says_gets_the_form_back_with_what_was_typed(
    client, action, media
):
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))
    fake = SimpleUploadedFile("bilan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = post_inline(client, action, fake, progress="65")
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="action-{action.pk}" class="fu-row--editing">')
    assert "bilan.pdf" in html  # the French message names the file
    assert "Local trouvé ; convention signée avec la commune de Malijai." in html
    assert 'value="65"' in html
    assert not ActionUpdate.objects.filter(node=action).exists()
    assert files_in(media) == []


def test_a_full_disk_during_an_inline_upload_says_so_and_keeps_the_text(
    client, action, media, monkeypatch
):
    class FullDisk(FileSystemStorage):
        def _save(self, name, content):
            raise OSError(errno.ENOSPC, "No space left on device")

    field = UpdateAttachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FullDisk(location=media))
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))
    html = post_inline(client, action, pdf()).content.decode()
    assert "l&#x27;espace disque du serveur est plein" in html
    assert "Local trouvé ; convention signée avec la commune de Malijai." in html
    assert not ActionUpdate.objects.filter(node=action).exists()


def test_too_many_files_inline_are_refused_in_french(client, action, media):
    client.force_login(user_with_role(Role.COORDINATOR, convention=action.convention))
    html = post_inline(client, action, *(pdf(f"piece-{i}.pdf") for i in range(6))).content.decode()
    assert "Joignez au plus 5 fichiers à un point de suivi." in html
    assert not ActionUpdate.objects.exists()
    assert files_in(media) == []


def test_the_pilot_s_referent_attaches_files_inline(client, action, ccas, media):
    client.force_login(referent_of(action.convention, ccas))
    assert post_inline(client, action, pdf()).status_code == 200
    assert UpdateAttachment.objects.filter(update__node=action).count() == 1


def test_another_referent_cannot_attach_files_inline(client, action, media):
    other = Organisation.objects.create(name="Centre social de Sisteron")
    client.force_login(referent_of(action.convention, other))
    assert post_inline(client, action, pdf()).status_code == 403
    client.force_login(user_with_role(Role.READER, convention=action.convention))
    assert post_inline(client, action, pdf()).status_code == 403
    assert not UpdateAttachment.objects.exists()
    assert files_in(media) == []
