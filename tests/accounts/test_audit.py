"""audit.record: one INSERT, never an error in the caller's flow; publications and the purge."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilote.accounts import audit
from pilote.accounts.enums import AuditAction, Role
from pilote.accounts.models import AuditEvent
from pilote.conventions.models import Convention
from pilote.core.history import acting_as
from tests.factories import AuditEventFactory, ConventionFactory, PlanNodeFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_record_costs_one_insert_and_no_read():
    convention = ConventionFactory()
    user = user_with_role(Role.COORDINATOR, convention=convention)
    with CaptureQueriesContext(connection) as queries:
        event = audit.record(
            AuditAction.EXPORT, user=user, convention=convention, target="plan.xlsx"
        )
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    assert len(statements) == 1
    assert statements[0].startswith("INSERT")
    assert event.departement_id == "04"
    assert event.user_name == f"{user.get_full_name()} ({user.username})"


def test_a_failed_record_does_not_break_the_callers_transaction(caplog):
    convention = ConventionFactory()
    with transaction.atomic():
        # Not JSON: the insert fails, is logged, and the caller goes on writing.
        assert audit.record(AuditAction.EXPORT, convention=convention, chose=object()) is None
        Convention.objects.filter(pk=convention.pk).update(name="CTG renommée")
    assert Convention.objects.get(pk=convention.pk).name == "CTG renommée"
    assert not AuditEvent.objects.exists()
    assert "Événement du journal non enregistré" in caplog.text


def test_the_name_stays_when_the_account_is_deleted():
    user = user_with_role(Role.READER, convention=ConventionFactory())
    event = audit.record(AuditAction.LOGIN, user=user)
    user.delete()
    event.refresh_from_db()
    assert event.user is None
    assert event.user_name.endswith(f"({user.username})")


@pytest.mark.parametrize(
    ("action", "recorded"), [("publier", "publication"), ("retirer", "depublication")]
)
def test_publishing_and_withdrawing_the_public_page_are_recorded(client, action, recorded):
    convention = ConventionFactory(is_public=action == "retirer")
    coordinator = user_with_role(Role.COORDINATOR, convention=convention)
    client.force_login(coordinator)
    response = client.post(
        reverse("conventions:publication", kwargs={"slug": convention.slug}),
        {"action": action, "checked": "on"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=recorded)
    assert (event.user, event.convention, event.ip_address) == (
        coordinator,
        convention,
        "198.51.100.7",
    )


def test_a_refused_publication_is_not_recorded(client):
    convention = ConventionFactory()
    client.force_login(user_with_role(Role.READER, convention=convention))
    client.post(
        reverse("conventions:publication", kwargs={"slug": convention.slug}),
        {"action": "publier", "checked": "on"},
    )
    assert not AuditEvent.objects.filter(action=AuditAction.PUBLISHED).exists()


def test_the_purge_deletes_the_events_older_than_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    old = AuditEventFactory(at=timezone.now() - timedelta(days=366))
    kept = AuditEventFactory(at=timezone.now() - timedelta(days=364))
    call_command("purge_audit_events", verbosity=0)
    assert list(AuditEvent.objects.all()) == [kept]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_the_purge_takes_another_retention_on_the_command_line(capsys):
    AuditEventFactory(at=timezone.now() - timedelta(days=40))
    AuditEventFactory(at=timezone.now() - timedelta(days=10))
    call_command("purge_audit_events", days=30)
    assert AuditEvent.objects.count() == 1
    assert "1 événement du journal supprimé" in capsys.readouterr().out


def test_a_service_that_records_gets_the_address_of_the_web_request_it_runs_in(client):
    convention = ConventionFactory()
    node = PlanNodeFactory(convention=convention)
    coordinator = user_with_role(Role.COORDINATOR, convention=convention)
    client.force_login(coordinator)
    url = reverse("plans:delete", kwargs={"slug": convention.slug, "pk": node.pk})
    assert client.post(url, REMOTE_ADDR="198.51.100.23").status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.DELETED)
    assert (event.user, event.ip_address) == (coordinator, "198.51.100.23")


def test_outside_a_request_an_event_has_no_address_and_is_still_recorded():
    convention = ConventionFactory()
    user = user_with_role(Role.COORDINATOR, convention=convention)
    with acting_as(user):  # a stand-in for the history's author, not a request
        event = audit.record(AuditAction.EXPORT, user=user, convention=convention)
    assert event is not None
    assert event.ip_address is None
