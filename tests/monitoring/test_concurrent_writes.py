"""Follow-up writes against concurrent writers: run again when the base asks, never half-written.

A request writes outside any transaction; the test's own transaction is hidden from
retry_transaction (`as_a_request`) so that it runs its attempts as it does for a request, each in
a savepoint here.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from pilote.accounts.enums import Role
from pilote.core import transactions
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.indicators import IndicatorError, record_measurement, save_ctg_indicator
from pilote.monitoring.models import ActionUpdate, Measurement, UpdateAttachment
from pilote.monitoring.periods import Quarter
from pilote.monitoring.services import FollowUpError, record_update
from pilote.plans.models import Indicator, PlanNode
from pilote.plans.services import IndicatorData
from tests.factories import tracked_action, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


class SerializationFailure(Exception):
    """Stands for psycopg's error, which Django wraps in its own OperationalError."""

    sqlstate = "40001"


def serialization_failure() -> OperationalError:
    error = OperationalError("could not serialize access due to concurrent update")
    error.__cause__ = SerializationFailure()
    return error


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch):
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


@pytest.fixture
def as_a_request(monkeypatch):
    monkeypatch.setattr(
        transactions, "connections", {"default": SimpleNamespace(in_atomic_block=False)}
    )
    monkeypatch.setattr(transactions.time, "sleep", lambda pause: None)


@pytest.fixture
def action(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tracked_action()


@pytest.fixture
def coordinator(action):
    return user_with_role(Role.COORDINATOR, convention=action.convention)


def _fail_once(monkeypatch, model, error):
    save = model.save
    failures = [error]

    def flaky_save(self, *args, **kwargs):
        save(self, *args, **kwargs)
        if failures:
            raise failures.pop()

    monkeypatch.setattr(model, "save", flaky_save)


def _update(action, by, **extra):
    return record_update(
        action,
        by=by,
        year=2026,
        quarter=3,
        status=UpdateStatus.IN_PROGRESS,
        progress=40,
        done="Guichet ouvert à Digne",
        **extra,
    )


def test_an_update_refused_by_a_serialization_failure_is_written_once_on_the_next_attempt(
    action, coordinator, as_a_request, monkeypatch, tmp_path
):
    _fail_once(monkeypatch, UpdateAttachment, serialization_failure())
    files = [SimpleUploadedFile("compte-rendu.pdf", PDF), SimpleUploadedFile("bilan.pdf", PDF)]

    update = _update(action, coordinator, attachments=files)

    assert ActionUpdate.objects.filter(node=action).get() == update
    stored = sorted(a.file.name for a in UpdateAttachment.objects.filter(update=update))
    assert len(stored) == 2
    on_disk = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert on_disk == stored  # the file of the failed attempt is gone
    assert all((tmp_path / name).read_bytes() == PDF for name in stored)


def test_an_update_still_refused_after_every_attempt_leaves_nothing(
    action, coordinator, as_a_request, monkeypatch, tmp_path
):
    def always_refused(self, *args, **kwargs):
        raise serialization_failure()

    monkeypatch.setattr(UpdateAttachment, "save", always_refused)

    with pytest.raises(OperationalError):
        _update(action, coordinator, attachments=[SimpleUploadedFile("cr.pdf", PDF)])
    assert not ActionUpdate.objects.filter(node=action).exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_an_update_of_an_action_deleted_meanwhile_is_refused_in_french(action, coordinator):
    PlanNode.objects.filter(pk=action.pk).delete()

    with pytest.raises(FollowUpError, match="a été supprimée pendant votre saisie"):
        _update(action, coordinator)
    assert not ActionUpdate.objects.filter(node_id=action.pk).exists()


def test_a_measurement_of_an_indicator_deleted_meanwhile_is_refused(action, coordinator):
    indicator = Indicator.objects.create(
        convention=action.convention, node=action, name="Familles reçues", unit="familles"
    )
    Indicator.objects.filter(pk=indicator.pk).delete()

    with pytest.raises(IndicatorError, match="a été supprimé pendant votre saisie"):
        record_measurement(indicator, by=coordinator, year=2026, value="12")
    assert not Measurement.objects.filter(indicator_id=indicator.pk).exists()


def test_a_measurement_refused_once_is_written_once(action, coordinator, as_a_request, monkeypatch):
    indicator = Indicator.objects.create(
        convention=action.convention, node=action, name="Familles reçues", unit="familles"
    )
    _fail_once(monkeypatch, Measurement, serialization_failure())

    record_measurement(indicator, by=coordinator, year=2026, value="12")

    assert list(
        Measurement.objects.filter(indicator=indicator).values_list("value", flat=True)
    ) == [Decimal("12")]


def test_a_ctg_indicator_refused_once_is_created_once_with_its_targets(
    action, coordinator, as_a_request, monkeypatch
):
    _fail_once(monkeypatch, Indicator, serialization_failure())
    data = IndicatorData(name="Taux de couverture", unit="%", targets={2026: Decimal("55")})

    save_ctg_indicator(action.convention, by=coordinator, data=data)

    created = Indicator.objects.get(convention=action.convention, node=None)
    assert created.name == "Taux de couverture"
    assert list(created.targets.values_list("year", "value")) == [(2026, Decimal("55"))]
