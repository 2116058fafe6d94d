"""Quarterly reminders: each pilot gets, once per quarter, the actions still to update."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership, Organisation
from pilote.conventions.enums import ConventionStatus
from pilote.monitoring.models import ActionUpdate, ReminderLog
from pilote.monitoring.periods import Quarter
from pilote.monitoring.reminders import pending_reminders
from tests.factories import ConventionFactory, PlanNodeFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = "2026-11-23"  # T4 2026


@pytest.fixture
def convention():
    return ConventionFactory(
        name="CTG Provence-Alpes-Agglomération 2026-2030", status=ConventionStatus.SIGNED
    )


@pytest.fixture
def ccas():
    return Organisation.objects.create(name="CCAS de Digne-les-Bains", email="ccas@digne.fr")


@pytest.fixture
def caf():
    return Organisation.objects.create(name="Caf des Alpes-de-Haute-Provence")  # no e-mail


def action(convention, number, title, *pilots, **kwargs):
    axe = convention.plan_nodes.filter(parent=None).first() or PlanNodeFactory(
        convention=convention, number="1", title="Accès aux droits"
    )
    fiche = axe.children.first() or PlanNodeFactory(
        convention=convention, parent=axe, number="1.1", title="Information des familles"
    )
    node = PlanNodeFactory(
        convention=convention, parent=fiche, number=number, title=title, **kwargs
    )
    node.pilots.set(pilots)
    return node


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_update_reminders", "--date", DAY, *args, stdout=out)
    return out.getvalue()


def test_pilot_gets_one_email_listing_its_actions_without_update(convention, ccas, caf):
    guichet = action(convention, "1.1.1", "Créer un guichet unique", ccas)
    action(convention, "1.1.2", "Former les agents d'accueil", ccas, caf)
    updated = action(convention, "1.1.3", "Publier un guide des aides", ccas)
    ActionUpdate.objects.create(
        convention=convention, node=updated, year=2026, quarter=4, status="en_cours"
    )
    action(convention, "1.1.4", "Action de la Caf seule", caf)

    output = run()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ccas@digne.fr"]
    assert "2 actions à mettre à jour pour le T4 2026" in message.subject
    assert "1.1.1 Créer un guichet unique" in message.body
    assert "1.1.2 Former les agents d'accueil" in message.body
    assert "Publier un guide" not in message.body
    assert f"/ctg/{convention.slug}/suivi/" in message.body
    assert "du 01/10/2026 au 31/12/2026" in message.body
    assert "1 courriel(s) envoyé(s)" in output
    assert ReminderLog.objects.get().action_count == 2
    assert guichet.pk  # the action itself is untouched


def test_referent_of_a_pilot_commune_is_reminded_too(convention, caf):
    digne = Organisation.objects.create(name="Commune de Digne-les-Bains")  # no e-mail
    referent = UserFactory(email="paul.girard@digne.fr")
    Membership.objects.create(
        user=referent, role=Role.REFERENT, convention=convention, organisation=digne
    )
    reader = UserFactory(email="lea.morel@example.fr")
    Membership.objects.create(
        user=reader, role=Role.READER, convention=convention, organisation=digne
    )
    action(convention, "1.1.1", "Ouvrir un espace de vie sociale", digne)

    run()

    assert [m.to for m in mail.outbox] == [["paul.girard@digne.fr"]]
    assert "Commune de Digne-les-Bains" in mail.outbox[0].body


def test_same_address_for_two_pilots_gets_one_email(convention):
    first = Organisation.objects.create(name="PAA – service enfance", email="enfance@paa.fr")
    second = Organisation.objects.create(name="PAA – service jeunesse", email="ENFANCE@paa.fr")
    action(convention, "1.1.1", "Créer un RPE", first)
    action(convention, "1.1.2", "Ouvrir un PIJ", second)

    run()

    assert len(mail.outbox) == 1
    assert "1.1.1 Créer un RPE" in mail.outbox[0].body
    assert "1.1.2 Ouvrir un PIJ" in mail.outbox[0].body


def test_reminders_are_sent_once_per_quarter(convention, ccas):
    action(convention, "1.1.1", "Créer un guichet unique", ccas)

    run()
    output = run()

    assert len(mail.outbox) == 1
    assert "0 courriel(s) envoyé(s)" in output
    call_command("send_update_reminders", "--date", "2027-01-05", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert "T1 2027" in mail.outbox[1].subject


def test_dry_run_lists_what_would_be_sent_and_writes_nothing(convention, ccas):
    action(convention, "1.1.1", "Créer un guichet unique", ccas)

    output = run("--dry-run")

    assert mail.outbox == []
    assert not ReminderLog.objects.exists()
    assert f"{convention.slug} → ccas@digne.fr : 1 action(s)" in output
    assert "1.1.1 Créer un guichet unique" in output
    assert "1 courriel(s) seraient envoyés" in output


def test_done_future_and_untracked_actions_are_left_out(convention, ccas):
    done = action(convention, "1.1.1", "Action réalisée", ccas)
    ActionUpdate.objects.create(
        convention=convention, node=done, year=2026, quarter=2, status="realisee", progress=100
    )
    action(convention, "1.1.2", "Action prévue en 2028", ccas, start_year=2028)
    fiche = convention.plan_nodes.get(number="1.1")
    fiche.pilots.set([ccas])  # a fiche is not followed each quarter

    assert pending_reminders(Quarter(2026, 4)) == []


def test_ctgs_in_preparation_or_outside_their_period_are_left_out(ccas):
    draft = ConventionFactory(status=ConventionStatus.PREPARATION)
    action(draft, "1.1.1", "Action d'une CTG en préparation", ccas)
    running = ConventionFactory(status=ConventionStatus.ACTIVE)
    action(running, "1.1.1", "Action d'une CTG signée", ccas)

    assert pending_reminders(Quarter(2025, 4)) == []  # before the 2026-2030 period
    assert [r.convention for r in pending_reminders(Quarter(2026, 4))] == [running]


def test_an_invalid_date_is_refused_in_french():
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("send_update_reminders", "--date", "23/11/2026")


def test_actions_without_pilots_are_reminded_to_their_fiche_pilots(convention, ccas):
    node = action(convention, "1.1.1", "Objectif sans pilote propre")
    node.parent.pilots.set([ccas])

    run()

    assert [m.to for m in mail.outbox] == [["ccas@digne.fr"]]
    assert "1.1.1 Objectif sans pilote propre" in mail.outbox[0].body
    assert "Information des familles" not in mail.outbox[0].body  # the fiche is not tracked


def test_numbers_sort_as_people_read_them_even_with_a_superscript():
    from types import SimpleNamespace

    from pilote.monitoring.partners.queries import number_key

    numbers = ["1.10", "1.2", "1.²", "2", "1.2.1"]
    nodes = [SimpleNamespace(number=n, pk=i) for i, n in enumerate(numbers)]
    # "²" is a digit to str.isdigit() but no number to int(): it sorts after the numbers.
    assert [n.number for n in sorted(nodes, key=number_key)] == ["1.2", "1.2.1", "1.10", "1.²", "2"]
