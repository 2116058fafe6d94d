"""The partner's one-page form, opened by a personal link, without an account."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.monitoring.models import ActionUpdate, Measurement, PartnerLink, PartnerSubmission
from pilote.monitoring.partners.services import hash_token
from pilote.plans.models import Indicator
from tests.factories import partner_link

from .partner_setup import form_data, now_is_t4_2026, report  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db

INVALID = "Ce lien n’est plus valable"


def url(token: str) -> str:
    return reverse("monitoring:partner_form", kwargs={"token": token})


def test_the_form_shows_the_named_actions_and_nothing_else(client, link_and_token, foreign):
    _link, token = link_and_token
    response = client.get(url(token))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Point de suivi du T4 2026" in page
    assert "Ouvrir un lieu d&#x27;accueil enfants-parents" in page
    assert "Former les ASMAT" in page
    assert "Nombre de familles accueillies au LAEP" in page
    assert "budget confidentiel" not in page  # another action of the CTG
    assert "CCAS de Digne-les-Bains" not in page  # no pilots, no people
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "Se connecter" not in page
    assert "fr-nav" not in page


def test_a_submission_waits_for_validation_and_counts_for_nothing(
    client, link_and_token, laep, asmat
):
    link, token = link_and_token
    indicator = Indicator.objects.get(node=laep)
    data = form_data(
        report(laep, **{f"indicateur_{indicator.pk}": "18,5"}),
        report(asmat, status="", progress="", done="", next_steps=""),
        actions=[laep, asmat],
    )
    response = client.post(url(token), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:partner_thanks", kwargs={"token": token})
    submission = PartnerSubmission.objects.get()
    assert (submission.node, submission.year, submission.quarter) == (laep, 2026, 4)
    assert (submission.status, submission.progress) == ("en_cours", 45)
    assert submission.measurements == [{"indicator": indicator.pk, "value": "18.50"}]
    assert submission.sender_name == "Claire Martin"
    assert submission.sender_organisation == "CCAS de Digne-les-Bains"
    assert submission.state == "en_attente"
    # Nothing counts before an editor accepts it.
    assert not ActionUpdate.objects.exists()
    assert not Measurement.objects.exists()
    link.refresh_from_db()
    assert link.last_used_at is not None
    thanks = client.get(response["Location"]).content.decode()
    assert "attend maintenant la validation" in thanks
    assert "Ouvrir un lieu d&#x27;accueil" in thanks


def test_a_later_submission_replaces_the_pending_one(client, link_and_token, laep):
    _link, token = link_and_token
    client.post(url(token), form_data(report(laep, progress="40"), actions=[laep]))
    client.post(url(token), form_data(report(laep, progress="60"), actions=[laep]))
    assert list(PartnerSubmission.objects.values_list("progress", flat=True)) == [60]


def test_an_accepted_submission_is_not_replaced_by_a_later_one(client, link_and_token, laep):
    _link, token = link_and_token
    client.post(url(token), form_data(report(laep, progress="40"), actions=[laep]))
    PartnerSubmission.objects.update(state="acceptee")
    client.post(url(token), form_data(report(laep, progress="60"), actions=[laep]))
    assert sorted(PartnerSubmission.objects.values_list("state", "progress")) == [
        ("acceptee", 40),
        ("en_attente", 60),
    ]


def test_invalid_values_are_refused_with_french_messages(client, link_and_token, laep):
    _link, token = link_and_token
    indicator = Indicator.objects.get(node=laep)
    data = form_data(
        report(laep, progress="140", **{f"indicateur_{indicator.pk}": "beaucoup"}),
        actions=[laep],
    )
    page = client.post(url(token), data).content.decode()
    assert "L&#x27;avancement ne peut pas dépasser 100 %" in page
    assert "« beaucoup » n&#x27;est pas un nombre" in page
    assert not PartnerSubmission.objects.exists()


def test_a_text_without_status_or_an_empty_form_is_refused(client, link_and_token, laep):
    _link, token = link_and_token
    page = client.post(url(token), form_data(report(laep, status=""), actions=[laep]))
    assert "Choisissez le statut de l’action" in page.content.decode()
    empty = report(laep, status="", progress="", done="", next_steps="")
    page = client.post(url(token), form_data(empty, actions=[laep]))
    assert page.status_code == 400
    assert "Remplissez le point d’au moins une action" in page.content.decode()
    assert not PartnerSubmission.objects.exists()


def test_texts_are_bounded(client, link_and_token, laep):
    _link, token = link_and_token
    page = client.post(url(token), form_data(report(laep, done="x" * 4001), actions=[laep]))
    assert "4000" in page.content.decode().replace("\u202f", "").replace("\xa0", "")
    bad = client.post(url(token), form_data(report(laep, done="a\x00b"), actions=[laep]))
    assert "caractère invalide" in bad.content.decode()
    assert not PartnerSubmission.objects.exists()


def test_a_token_cannot_reach_another_action(client, link_and_token, laep, foreign):
    _link, token = link_and_token
    data = form_data(report(laep), report(foreign), actions=[laep, foreign])
    response = client.post(url(token), data)
    assert response.status_code == 400
    assert "que des actions nommées par votre lien" in response.content.decode()
    assert not PartnerSubmission.objects.exists()


@pytest.mark.parametrize("case", ["unknown", "tampered", "expired", "revoked"])
def test_a_link_that_no_longer_works_gets_the_same_page(client, link_and_token, laep, case):
    link, token = link_and_token
    if case == "unknown":
        token = "x" * 43
    elif case == "tampered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif case == "expired":
        PartnerLink.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    else:
        PartnerLink.objects.update(revoked_at=timezone.now())
    for response in (
        client.get(url(token)),
        client.post(url(token), form_data(report(laep), actions=[laep])),
        client.get(reverse("monitoring:partner_thanks", kwargs={"token": token})),
    ):
        assert response.status_code == 404
        page = response.content.decode()
        assert INVALID in page
        assert link.convention.name not in page
    assert not PartnerSubmission.objects.exists()


def test_only_the_hash_of_the_token_is_stored(link_and_token):
    _link, token = link_and_token
    stored = PartnerLink.objects.values_list("token_hash", flat=True).get()
    assert stored == hash_token(token)
    assert token not in stored


def test_submissions_are_rate_limited_per_link(client, settings, link_and_token, laep, asmat):
    settings.PARTNER_LINK_MAX_SUBMISSIONS_PER_HOUR = 2
    link, token = link_and_token
    _other, other_token = partner_link([asmat])
    for progress in ("10", "20"):
        assert client.post(url(token), form_data(report(laep, progress=progress), actions=[laep]))
    third = client.post(url(token), form_data(report(laep, progress="30"), actions=[laep]))
    assert third.status_code == 400
    assert "Trop d’envois par ce lien en une heure" in third.content.decode()
    assert PartnerSubmission.objects.get(link=link).progress == 20
    # Another link is not held back, and the hour passed lets the first one send again.
    response = client.post(url(other_token), form_data(report(asmat), actions=[asmat]))
    assert response.status_code == 302
    PartnerLink.objects.filter(pk=link.pk).update(
        window_start=timezone.now() - datetime.timedelta(hours=1, seconds=1)
    )
    again = client.post(url(token), form_data(report(laep, progress="30"), actions=[laep]))
    assert again.status_code == 302
    assert PartnerSubmission.objects.get(link=link).progress == 30


def test_the_form_needs_the_csrf_token(link_and_token, laep):
    from django.test import Client

    _link, token = link_and_token
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(url(token), form_data(report(laep), actions=[laep]))
    assert response.status_code == 403
    assert not PartnerSubmission.objects.exists()
