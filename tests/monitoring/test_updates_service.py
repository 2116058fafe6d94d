"""record_update: what it checks, with the message users read, and that history is append-only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate, UpdateAttachment
from pilote.monitoring.periods import Quarter
from pilote.monitoring.queries import latest_updates
from pilote.monitoring.services import FollowUpError, record_update
from tests.factories import UserFactory, tracked_action

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch):
    """Run as if in T4 2026 (the CTG runs 2026–2030)."""
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


@pytest.fixture
def action(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tracked_action()


@pytest.fixture
def author(db):
    return UserFactory(first_name="Sarah", last_name="Fabre")


def record(action, author, **overrides):
    values = {
        "year": 2026,
        "quarter": 3,
        "status": UpdateStatus.IN_PROGRESS,
        "progress": 40,
        "done": "Deux réunions du groupe de travail parentalité.",
        "difficulties": "",
        "next_steps": "Lancer l'appel à projets.",
    }
    values.update(overrides)
    return record_update(action, by=author, **values)


def test_an_update_keeps_its_author_period_and_texts(action, author):
    update = record(action, author, done="  Deux réunions.  ")
    assert (update.year, update.quarter, update.status, update.progress) == (
        2026,
        3,
        "en_cours",
        40,
    )
    assert update.author == author
    assert update.convention == action.convention
    assert update.done == "Deux réunions."
    assert update.created_at is not None


def test_a_quarter_after_the_ctg_is_refused_with_the_ctg_period(action, author):
    with pytest.raises(FollowUpError) as error:
        record(action, author, year=2031, quarter=1)
    assert str(error.value) == "Le trimestre T1 2031 est hors de la période de la CTG (2026–2030)."


def test_a_quarter_before_the_ctg_is_refused(action, author):
    with pytest.raises(FollowUpError, match=r"T4 2025 est hors de la période de la CTG"):
        record(action, author, year=2025, quarter=4)


def test_a_quarter_not_yet_begun_is_refused(action, author):
    with pytest.raises(FollowUpError, match="Le trimestre T1 2027 n'a pas encore commencé"):
        record(action, author, year=2027, quarter=1)


def test_a_fifth_quarter_is_refused(action, author):
    with pytest.raises(FollowUpError, match=r"Le trimestre doit être T1, T2, T3 ou T4\."):
        record(action, author, quarter=5)


@pytest.mark.parametrize("progress", [101, -1, 45.5, "50", True])
def test_progress_must_be_a_whole_percentage(action, author, progress):
    with pytest.raises(FollowUpError) as error:
        record(action, author, progress=progress)
    assert str(error.value) == "L'avancement doit être un nombre entier compris entre 0 et 100 %."


def test_an_unknown_status_is_refused(action, author):
    with pytest.raises(FollowUpError, match=r"Statut inconnu : « terminee »\."):
        record(action, author, status="terminee")


def test_an_element_of_an_untracked_level_gets_no_update(action, author):
    fiche = action.parent  # a « Fiche action », not followed each quarter
    with pytest.raises(FollowUpError, match="n'est pas une action suivie"):
        record(fiche, author)
    assert not ActionUpdate.objects.exists()


def test_attachments_are_stored_with_their_name_and_size(action, author):
    update = record(
        action,
        author,
        attachments=[
            SimpleUploadedFile("compte-rendu COPIL.pdf", PDF),
            SimpleUploadedFile("presences.csv", "nom;présent\nMartin;oui\n".encode()),
        ],
    )
    names = [(a.name, a.size) for a in update.attachments.all()]
    assert names == [("compte-rendu COPIL.pdf", len(PDF)), ("presences.csv", 24)]
    with update.attachments.first().file.open("rb") as stored:
        assert stored.read() == PDF


def test_a_too_large_attachment_is_refused_and_nothing_is_written(action, author, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("bilan.pdf", PDF + b"0" * 2000)
    with pytest.raises(FollowUpError) as error:
        record(action, author, attachments=[big])
    assert str(error.value) == (
        "Le fichier « bilan.pdf » (2\xa0Ko) dépasse la taille maximale de 1\xa0Ko."
    )
    assert not ActionUpdate.objects.exists()
    assert not UpdateAttachment.objects.exists()


@pytest.mark.parametrize("name", ["outil.exe", "macro.xlsm", "sans-extension"])
def test_an_attachment_of_another_type_is_refused(action, author, name):
    with pytest.raises(FollowUpError) as error:
        record(action, author, attachments=[SimpleUploadedFile(name, b"MZ\x90\x00")])
    assert str(error.value) == (
        f"Le fichier « {name} » n'est pas d'un type accepté "
        "(PDF, DOCX, XLSX, ODT, ODS, PNG, JPG, CSV ou TXT)."
    )


def test_an_attachment_whose_content_belies_its_extension_is_refused(action, author):
    with pytest.raises(FollowUpError) as error:
        record(action, author, attachments=[SimpleUploadedFile("photo.png", PDF)])
    assert (
        str(error.value)
        == "Le contenu du fichier « photo.png » ne correspond pas à un fichier PNG."
    )


def test_history_is_append_only_a_correction_is_a_new_update(action, author):
    first = record(action, author, status=UpdateStatus.IN_PROGRESS, progress=40)
    correction = record(action, author, status=UpdateStatus.BLOCKED, progress=30)
    first.refresh_from_db()
    assert (first.status, first.progress) == ("en_cours", 40)
    assert ActionUpdate.objects.filter(node=action).count() == 2
    assert latest_updates(action.convention, include_internal=True)[action.pk] == correction


def test_the_latest_update_is_that_of_the_latest_quarter_not_the_latest_written(action, author):
    q3 = record(action, author, quarter=3)
    record(action, author, quarter=2, status=UpdateStatus.DONE)  # catching up on a past quarter
    assert latest_updates(action.convention, include_internal=True)[action.pk] == q3
