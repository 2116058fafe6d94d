"""The « Journal » of a CTG and of a département: who reads it, what it shows, filters, exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pilote.accounts.enums import AuditAction, Role
from pilote.accounts.models import AuditEvent
from tests.factories import (
    AuditEventFactory,
    ConventionFactory,
    UserFactory,
    departement,
    membership,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def paa():
    return ConventionFactory(slug="paa", name="CTG Provence-Alpes-Agglomération")


@pytest.fixture
def other_ctg():
    return ConventionFactory(slug="marseille", name="CTG Marseille", departement=departement("13"))


def journal_url(convention, **query) -> str:
    url = reverse("journal:convention", kwargs={"slug": convention.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _user(role, convention):
    if role == "superuser":
        return UserFactory(superuser=True)
    if role == "caf_other":
        return user_with_role(Role.CAF_ADVISER, departement_code="13")
    return user_with_role(role, convention=convention)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.CAF_ADVISER, 200),
        (Role.COORDINATOR, 200),
        ("superuser", 200),
        (Role.REFERENT, 403),
        (Role.READER, 403),
        ("caf_other", 404),  # the CTG of another département is not even shown
    ],
)
def test_who_reads_the_journal_of_a_ctg(client, paa, role, status):
    client.force_login(_user(role, paa))
    assert client.get(journal_url(paa)).status_code == status
    export = reverse("journal:convention_export", kwargs={"slug": paa.slug, "extension": "csv"})
    assert client.get(export).status_code == status


def test_the_journal_link_is_in_the_ctg_menu_for_those_who_read_it(client, paa):
    client.force_login(user_with_role(Role.COORDINATOR, convention=paa))
    assert journal_url(paa) in client.get(paa.get_absolute_url()).content.decode()
    client.force_login(user_with_role(Role.READER, convention=paa))
    assert journal_url(paa) not in client.get(paa.get_absolute_url()).content.decode()


def test_the_journal_shows_the_ctgs_events_and_the_logins_of_its_people(client, paa, other_ctg):
    coordinator = user_with_role(Role.COORDINATOR, convention=paa)
    referent = user_with_role(Role.REFERENT, convention=paa)
    outsider = user_with_role(Role.COORDINATOR, convention=other_ctg)
    client.force_login(coordinator)
    AuditEvent.objects.all().delete()
    AuditEventFactory(convention=paa, user=coordinator, target="plan-paa.xlsx")
    AuditEventFactory(
        convention=paa, user=coordinator, action=AuditAction.PUBLISHED, target="", details={}
    )
    AuditEventFactory(convention=other_ctg, user=outsider, target="plan-marseille.xlsx")
    AuditEventFactory(action=AuditAction.LOGIN_FAILED, user=referent, ip_address="192.0.2.31")
    AuditEventFactory(action=AuditAction.LOGIN, user=outsider, ip_address="192.0.2.99")
    # Not a session's event: an action outside the CTG stays out of its journal.
    AuditEventFactory(action=AuditAction.EXPORT, user=referent, target="donnees-ouvertes.csv")
    page = client.get(journal_url(paa)).content.decode()
    assert "plan-paa.xlsx" in page
    assert "Publication" in page
    assert "192.0.2.31" in page
    assert "Échec de connexion" in page
    assert "plan-marseille.xlsx" not in page
    assert "192.0.2.99" not in page
    assert "donnees-ouvertes.csv" not in page
    assert "3 événements" in page


def test_the_filters_select_action_person_and_period(client, paa):
    adviser = user_with_role(Role.CAF_ADVISER)
    sarah = UserFactory(first_name="Sarah", last_name="Fabre")
    now = timezone.now()
    AuditEventFactory(convention=paa, user=sarah, target="suivi.xlsx", at=now - timedelta(days=40))
    AuditEventFactory(convention=paa, user=sarah, target="plan.docx", at=now)
    AuditEventFactory(convention=paa, user=adviser, target="archive.zip", at=now)
    AuditEventFactory(convention=paa, user=sarah, action=AuditAction.PUBLISHED, target="", at=now)
    client.force_login(adviser)
    page = client.get(journal_url(paa, action="export", person="fabre")).content.decode()
    assert "suivi.xlsx" in page
    assert "plan.docx" in page
    assert "archive.zip" not in page
    since = (now - timedelta(days=7)).date().isoformat()
    page = client.get(
        journal_url(paa, person="sarah", start=since, action="export")
    ).content.decode()
    assert "plan.docx" in page
    assert "suivi.xlsx" not in page


def test_a_period_that_ends_before_it_starts_is_explained(client, paa):
    client.force_login(user_with_role(Role.CAF_ADVISER))
    page = client.get(journal_url(paa, start="2026-06-01", end="2026-01-01")).content.decode()
    assert "La date « Jusqu’au » précède la date « Depuis le »." in page


def test_the_journal_pages_by_fifty_in_a_fixed_number_of_queries(
    client, paa, django_assert_num_queries
):
    coordinator = user_with_role(Role.COORDINATOR, convention=paa)
    client.force_login(coordinator)
    AuditEvent.objects.all().delete()  # the login
    AuditEventFactory.create_batch(3, convention=paa, user=coordinator)
    client.get(journal_url(paa))  # the session's first request writes its start
    with django_assert_num_queries(6) as few:
        client.get(journal_url(paa))
    AuditEventFactory.create_batch(120, convention=paa, user=coordinator)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(journal_url(paa)).content.decode()
    assert "123 événements" in page
    assert "page 1 sur 3" in page
    assert "page 3 sur 3" in client.get(journal_url(paa, page=3)).content.decode()


def test_the_export_has_the_filtered_events_and_is_itself_recorded(client, paa):
    adviser = user_with_role(Role.CAF_ADVISER)
    AuditEventFactory(convention=paa, user=adviser, target="plan.xlsx")
    AuditEventFactory(convention=paa, user=adviser, action=AuditAction.PUBLISHED, target="")
    AuditEventFactory(convention=paa, action=AuditAction.LOGIN_FAILED, user_name='=cmd|"/c calc"')
    client.force_login(adviser)
    url = reverse("journal:convention_export", kwargs={"slug": paa.slug, "extension": "csv"})
    response = client.get(url + "?action=export")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date", "Personne", "Action", "Objet", "Adresse IP", "Détails"]
    assert [row[2] for row in rows[1:]] == ["Export"]
    assert rows[1][3] == "plan.xlsx"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, target="journal-paa.csv").exists()

    response = client.get(url.replace("csv", "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert {row[2] for row in values} >= {"Export", "Publication", "Échec de connexion"}
    # A name typed at the login page is text, never a formula (pilote.core.formulas).
    typed = next(row for row in sheet.iter_rows(min_row=2) if "cmd" in str(row[1].value))
    assert typed[1].data_type == "s"
    assert typed[1].value == '\'=cmd|"/c calc"'
    assert client.get(url.replace("csv", "pdf")).status_code == 404


def test_the_departement_journal_has_its_ctgs_and_the_logins_of_its_people(client, paa, other_ctg):
    adviser = user_with_role(Role.CAF_ADVISER, departement_code="04")
    coordinator = user_with_role(Role.COORDINATOR, convention=paa)
    outsider = user_with_role(Role.COORDINATOR, convention=other_ctg)
    AuditEvent.objects.all().delete()
    AuditEventFactory(convention=paa, user=coordinator, target="plan-paa.xlsx")
    AuditEventFactory(
        action=AuditAction.LOGIN, user=coordinator, target="", ip_address="192.0.2.44"
    )
    AuditEventFactory(action=AuditAction.LOCKED_OUT, user=adviser, target="conseiller.caf")
    AuditEventFactory(action=AuditAction.LOGIN, user=outsider, target="", ip_address="192.0.2.99")
    AuditEventFactory(convention=other_ctg, user=outsider, target="plan-marseille.xlsx")
    client.force_login(adviser)
    url = reverse("journal:departement", kwargs={"code": "04"})
    page = client.get(url).content.decode()
    assert "plan-paa.xlsx" in page
    assert "CTG Provence-Alpes-Agglomération" in page
    assert "192.0.2.44" in page
    assert "Compte verrouillé" in page
    assert "192.0.2.99" not in page
    assert "plan-marseille.xlsx" not in page
    export = client.get(
        reverse("journal:departement_export", kwargs={"code": "04", "extension": "csv"})
    )
    header = export.content.decode("utf-8-sig").splitlines()[0]
    assert header == "Date;Personne;Action;CTG;Objet;Adresse IP;Détails"


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.READER, "caf_other"])
def test_only_the_caf_of_the_departement_reads_its_journal(client, paa, role):
    client.force_login(_user(role, paa))
    assert client.get(reverse("journal:departement", kwargs={"code": "04"})).status_code == 403


def test_a_superuser_reads_any_departement_journal(client, paa):
    client.force_login(UserFactory(superuser=True))
    assert client.get(reverse("journal:departement", kwargs={"code": "04"})).status_code == 200
    assert client.get(reverse("journal:departement", kwargs={"code": "999"})).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, paa):
    response = client.get(reverse("journal:departement", kwargs={"code": "04"}))
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def test_a_caf_adviser_with_two_departements_reads_both(client, paa, other_ctg):
    adviser = user_with_role(Role.CAF_ADVISER, departement_code="04")
    membership(adviser, Role.CAF_ADVISER, departement_code="13")
    client.force_login(adviser)
    for code in ("04", "13"):
        assert client.get(reverse("journal:departement", kwargs={"code": code})).status_code == 200


def test_the_period_counts_whole_days_in_french_time(client, paa):
    adviser = user_with_role(Role.CAF_ADVISER)
    paris = timezone.get_default_timezone()
    # 23:30 in Paris on 31 March is already 1 April in UTC, and 00:10 on 1 April is 31 March in UTC.
    AuditEventFactory(
        convention=paa,
        target="fin-mars.xlsx",
        at=timezone.datetime(2026, 3, 31, 23, 30, tzinfo=paris),
    )
    AuditEventFactory(
        convention=paa,
        target="debut-avril.xlsx",
        at=timezone.datetime(2026, 4, 1, 0, 10, tzinfo=paris),
    )
    client.force_login(adviser)
    march = client.get(journal_url(paa, start="2026-03-01", end="2026-03-31")).content.decode()
    assert "fin-mars.xlsx" in march
    assert "debut-avril.xlsx" not in march
    april = client.get(journal_url(paa, start="2026-04-01")).content.decode()
    assert "debut-avril.xlsx" in april
    assert "fin-mars.xlsx" not in april
