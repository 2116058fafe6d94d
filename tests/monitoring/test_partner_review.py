"""« À valider »: what partners sent, accepted (as is or edited) or refused by an editor."""

import pytest
from django.core import mail
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.core.history import acting_as
from pilote.exchange.services import export_convention, import_convention
from pilote.monitoring.dashboard import build_dashboard
from pilote.monitoring.models import ActionUpdate, Measurement, PartnerSubmission
from pilote.monitoring.partners import services
from pilote.monitoring.partners.services import ActionReport, PartnerError
from pilote.monitoring.queries import latest_updates
from pilote.plans.models import Indicator, PlanNode
from tests.factories import (
    ActionUpdateFactory,
    ConventionFactory,
    UserFactory,
    partner_link,
    user_with_role,
)

from .partner_setup import now_is_t4_2026  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(link_and_token, laep):
    link, _ = link_and_token
    indicator = Indicator.objects.get(node=laep)
    [sent] = services.submit(
        link,
        [
            ActionReport(
                node=laep,
                status="en_cours",
                progress=45,
                done="Trois séances du LAEP, 18 familles reçues.",
                next_steps="Deuxième permanence à Château-Arnoux.",
                measurements={indicator.pk: "18.00"},
            )
        ],
    )
    return sent


def review_url(convention) -> str:
    return reverse("monitoring:partner_review", kwargs={"slug": convention.slug})


def action_url(name: str, submission) -> str:
    return reverse(
        f"monitoring:{name}", kwargs={"slug": submission.convention.slug, "pk": submission.pk}
    )


def test_the_list_shows_the_submission_next_to_the_latest_point(
    client, coordinator, convention, laep, submission
):
    ActionUpdateFactory(node=laep, year=2026, quarter=3, progress=30, done="Local trouvé.")
    client.force_login(coordinator)
    page = client.get(review_url(convention)).content.decode()
    assert "envoyé par Claire Martin (CCAS de Digne-les-Bains, lien partenaire)" in page
    assert "Trois séances du LAEP" in page
    assert "Nombre de familles accueillies au LAEP" in page
    assert "Local trouvé." in page  # the latest recorded point, to compare
    assert "Accepter" in page
    assert "Modifier puis accepter" in page
    assert "Refuser" in page


def test_pending_submissions_count_for_nothing(convention, laep, submission):
    assert latest_updates(convention, include_internal=True) == {}
    assert not Measurement.objects.exists()
    dashboard = build_dashboard(convention, include_internal=True)
    assert dashboard.last_update is None
    assert laep.pk in {row.pk for row in dashboard.not_updated}


def test_accepting_records_the_update_and_the_measurements_with_both_names(
    client, coordinator, convention, laep, submission
):
    coordinator.first_name, coordinator.last_name = "Inès", "Roux"
    coordinator.save()
    client.force_login(coordinator)
    response = client.post(action_url("partner_accept", submission), follow=True)
    assert "accepté : il compte désormais dans le suivi" in response.content.decode()
    update = ActionUpdate.objects.get()
    assert (update.node, update.year, update.quarter, update.progress) == (laep, 2026, 4, 45)
    assert update.author == coordinator
    assert update.submitted_by_name == "Claire Martin (CCAS de Digne-les-Bains, lien partenaire)"
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.quarter, measurement.author) == (18, 4, coordinator)
    assert measurement.submitted_by_name == update.submitted_by_name
    submission.refresh_from_db()
    assert (submission.state, submission.reviewed_by, submission.update) == (
        "acceptee",
        coordinator,
        update,
    )
    # The history row says who sent it and who accepted it.
    row = update.history.get()
    assert row.history_user == coordinator
    assert row.submitted_by_name == update.submitted_by_name
    assert measurement.history.get().submitted_by_name == update.submitted_by_name
    # The action's page and the history page say so.
    node_page = client.get(laep.get_absolute_url()).content.decode()
    assert (
        "Envoyé par Claire Martin (CCAS de Digne-les-Bains, lien partenaire), validé par Inès Roux"
        in " ".join(node_page.split())
    )
    history = client.get(reverse("monitoring:history", kwargs={"slug": convention.slug}))
    assert "Claire Martin (CCAS de Digne-les-Bains, lien partenaire)" in history.content.decode()
    assert "Aucun envoi à valider." in client.get(review_url(convention)).content.decode()


def test_edit_then_accept_records_the_edited_values(
    client, coordinator, convention, laep, submission
):
    indicator = Indicator.objects.get(node=laep)
    client.force_login(coordinator)
    form = client.get(action_url("partner_edit", submission)).context["form"]
    assert form.initial["progress"] == 45
    assert (
        form.initial[f"indicateur_{indicator.pk}"] == "18"
    )  # as the partner typed it, without trailing zeros
    response = client.post(
        action_url("partner_edit", submission),
        {
            "status": "en_cours",
            "progress": "50",
            "done": "Trois séances, 18 familles (chiffre vérifié).",
            "difficulties": "",
            "next_steps": "",
            f"indicateur_{indicator.pk}": "17",
        },
    )
    assert response.status_code == 302
    update = ActionUpdate.objects.get()
    assert (update.progress, update.done) == (50, "Trois séances, 18 familles (chiffre vérifié).")
    assert update.submitted_by_name.startswith("Claire Martin")
    assert Measurement.objects.get().value == 17


def test_edit_then_accept_refuses_bad_values(client, coordinator, laep, submission):
    client.force_login(coordinator)
    data = {"status": "", "progress": "101", "done": "", "difficulties": "", "next_steps": ""}
    page = client.post(action_url("partner_edit", submission), data).content.decode()
    assert "L&#x27;avancement ne peut pas dépasser 100 %" in page
    assert not ActionUpdate.objects.exists()
    submission.refresh_from_db()
    assert submission.state == "en_attente"


def test_refusing_keeps_the_reason_and_can_tell_the_sender(
    client, coordinator, convention, submission
):
    client.force_login(coordinator)
    url = action_url("partner_refuse", submission)
    assert "Indiquez le motif du refus." in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {"reason": "Ce point concerne 2025.", "notify": "on"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.state, submission.refusal_reason) == ("refusee", "Ce point concerne 2025.")
    assert not ActionUpdate.objects.exists()
    [message] = mail.outbox
    assert message.to == ["claire.martin@ccas-digne.fr"]
    assert "Ce point concerne 2025." in message.body


def test_two_editors_accepting_at_once_record_it_once(convention, laep, submission, coordinator):
    other = UserFactory(superuser=True)
    stale = PartnerSubmission.objects.get(pk=submission.pk)  # read before the first accept
    with acting_as(coordinator):
        services.accept(submission, by=coordinator)
    with pytest.raises(PartnerError, match="déjà été accepté"):
        services.accept(stale, by=other)
    assert ActionUpdate.objects.count() == 1
    assert Measurement.objects.count() == 1


def test_a_second_click_says_it_was_already_accepted(client, coordinator, submission):
    client.force_login(coordinator)
    client.post(action_url("partner_accept", submission))
    response = client.post(action_url("partner_accept", submission), follow=True)
    assert "Cet envoi a déjà été accepté par" in response.content.decode()
    assert ActionUpdate.objects.count() == 1


def test_a_failed_accept_records_nothing(coordinator, laep, submission):
    PlanNode.objects.filter(pk=laep.pk).update(level=laep.parent.level)  # no longer tracked
    with pytest.raises(PartnerError, match="n'est pas une action suivie"):
        services.accept(submission, by=coordinator)
    submission.refresh_from_db()
    assert submission.state == "en_attente"
    assert not ActionUpdate.objects.exists()
    assert not Measurement.objects.exists()


def test_another_ctgs_editor_cannot_reach_the_submission(client, submission):
    elsewhere = ConventionFactory()
    their_coordinator = user_with_role(Role.COORDINATOR, convention=elsewhere)
    client.force_login(their_coordinator)
    for name in ("partner_accept", "partner_edit", "partner_refuse"):
        own_slug = reverse(
            f"monitoring:{name}", kwargs={"slug": elsewhere.slug, "pk": submission.pk}
        )
        assert client.post(own_slug).status_code == 404, name
        assert client.post(action_url(name, submission)).status_code == 404, name
    submission.refresh_from_db()
    assert submission.state == "en_attente"


def test_the_list_queries_do_not_grow_with_the_submissions(
    client, coordinator, convention, laep, asmat, link_and_token, django_assert_max_num_queries
):
    link, _ = link_and_token
    client.force_login(coordinator)
    report = ActionReport(node=laep, status="en_cours", progress=10)
    services.submit(link, [report])
    with django_assert_max_num_queries(REVIEW_QUERIES) as few:
        client.get(review_url(convention))
    nodes = [
        PlanNode.objects.create(
            convention=convention,
            parent=laep.parent,
            level=laep.level,
            number=f"1.1.{n}",
            title=f"Action {n}",
            position=n,
        )
        for n in range(10, 30)
    ]
    for node in nodes:
        Indicator.objects.create(convention=convention, node=node, name=f"Indicateur {node.number}")
        ActionUpdateFactory(node=node, year=2026, quarter=3)
    many, _ = partner_link(nodes)
    services.submit(
        many, [ActionReport(node=node, status="en_cours", progress=20) for node in nodes]
    )
    with django_assert_max_num_queries(REVIEW_QUERIES) as lots:
        page = client.get(review_url(convention)).content.decode()
    assert page.count("Modifier puis accepter") == 21
    assert len(lots.captured_queries) == len(few.captured_queries)


# session, user, CTG, roles (2), submissions, indicators, latest updates.
REVIEW_QUERIES = 9


def test_the_json_exchange_keeps_who_sent_an_accepted_point(convention, coordinator, submission):
    with acting_as(coordinator):
        services.accept(submission, by=coordinator)
    sender = "Claire Martin (CCAS de Digne-les-Bains, lien partenaire)"
    data = export_convention(convention)
    [update] = data["monitoring"]["updates"]
    [measurement] = data["monitoring"]["measurements"]
    assert update["sent_by"] == measurement["sent_by"] == sender
    public = export_convention(convention, include_internal=False)
    assert "sent_by" not in public["monitoring"]["updates"][0]
    copy = import_convention(data, slug="copie-partenaires")
    assert ActionUpdate.objects.get(convention=copy).submitted_by_name == sender
    assert Measurement.objects.get(indicator__convention=copy).submitted_by_name == sender


def test_a_submission_its_acceptance_and_a_refusal_are_in_the_journal(
    coordinator, convention, laep, submission, link_and_token
):
    from pilote.accounts.enums import AuditAction
    from pilote.accounts.models import AuditEvent

    services.accept(submission, by=coordinator)
    link, _ = link_and_token
    [again] = services.submit(
        link, [ActionReport(node=laep, status="en_cours", progress=50, done="Bilan.")]
    )
    services.refuse(again, by=coordinator, reason="Déjà compté.")

    events = list(AuditEvent.objects.filter(convention=convention).order_by("pk"))
    assert [e.action for e in events] == [
        AuditAction.PARTNER_SUBMISSION,
        AuditAction.VALIDATION,
        AuditAction.PARTNER_SUBMISSION,
        AuditAction.VALIDATION,
    ]
    assert events[0].user is None
    assert events[0].user_name == "Claire Martin"
    assert events[1].user == coordinator
    assert events[1].details == {"accepted": True, "edited": False}
    assert events[3].details == {"accepted": False}
