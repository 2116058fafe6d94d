"""Sending a partner a personal link: the form, its prefill, the e-mail, resending, revoking."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.monitoring.models import PartnerLink
from pilote.monitoring.partners.services import ActionReport, hash_token, submit
from tests.factories import ConventionFactory, UserFactory, partner_link, user_with_role

from .partner_setup import now_is_t4_2026  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.django_db


def add_url(convention) -> str:
    return reverse("monitoring:partner_link_add", kwargs={"slug": convention.slug})


def links_url(convention) -> str:
    return reverse("monitoring:partner_links", kwargs={"slug": convention.slug})


def token_in(message) -> str:
    return re.search(r"/partenaire/([\w-]+)/", message.body).group(1)


def test_the_action_prefills_its_pilot_and_its_address(client, coordinator, convention, laep):
    client.force_login(coordinator)
    form = client.get(add_url(convention) + f"?action={laep.pk}").context["form"]
    assert form.initial["actions"] == [str(laep.pk)]
    assert form.initial["email"] == "enfance@ccas-digne.fr"
    assert form.initial["recipient_name"] == "CCAS de Digne-les-Bains"


def test_a_pilot_prefills_the_actions_it_pilots(client, coordinator, convention, laep, asmat, ccas):
    client.force_login(coordinator)
    form = client.get(add_url(convention) + f"?pilote={ccas.pk}").context["form"]
    assert form.initial["actions"] == [str(laep.pk)]  # not the ASMAT action: no pilot
    assert form.initial["organisation"] == str(ccas.pk)


def test_creating_a_link_sends_it_by_email(client, settings, coordinator, convention, laep, asmat):
    settings.SITE_URL = "https://pilote.example.fr"
    coordinator.first_name, coordinator.last_name = "Inès", "Roux"
    coordinator.save()
    client.force_login(coordinator)
    response = client.post(
        add_url(convention),
        {
            "recipient_name": "Claire Martin",
            "email": "claire.martin@ccas-digne.fr",
            "organisation": "",
            "actions": [str(laep.pk), str(asmat.pk)],
            "period": "2026-4",
            "days": "10",
        },
    )
    assert response.status_code == 302
    link = PartnerLink.objects.get()
    assert set(link.actions.all()) == {laep, asmat}
    assert (link.year, link.quarter, link.created_by) == (2026, 4, coordinator)
    assert abs(link.expires_at - timezone.now() - datetime.timedelta(days=10)).total_seconds() < 60
    [message] = mail.outbox
    assert message.to == ["claire.martin@ccas-digne.fr"]
    assert "votre point de suivi du T4 2026" in message.subject
    assert "Inès Roux vous demande le point du T4 2026" in message.body
    assert "1.1.1 Ouvrir un lieu d'accueil enfants-parents" in message.body
    assert "Former les ASMAT" in message.body
    assert "https://pilote.example.fr/partenaire/" in message.body
    token = token_in(message)
    assert link.token_hash == hash_token(token)  # only the hash is kept
    assert client.get(f"/partenaire/{token}/").status_code == 200
    listing = client.get(links_url(convention)).content.decode()
    assert "Claire Martin" in listing
    assert "Former les ASMAT" in listing


def test_bad_input_keeps_nothing(client, coordinator, convention, laep):
    client.force_login(coordinator)
    data = {
        "recipient_name": "Claire Martin",
        "email": "pas-une-adresse",
        "actions": [],
        "period": "2031-1",
        "days": "400",
    }
    page = client.post(add_url(convention), data).content.decode()
    assert "Saisissez une adresse électronique valide." in page
    assert "Choisissez au moins une action." in page
    assert "plus de 30 jours" in page
    assert "Choisissez un trimestre de la période de la CTG" in page
    assert not PartnerLink.objects.exists()
    assert not mail.outbox


def test_a_failed_email_keeps_no_link(client, coordinator, convention, laep, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("SMTP indisponible")

    monkeypatch.setattr("pilote.monitoring.partners.emails.send_mail", broken)
    client.force_login(coordinator)
    data = {
        "recipient_name": "Claire Martin",
        "email": "claire.martin@ccas-digne.fr",
        "actions": [str(laep.pk)],
        "period": "2026-4",
        "days": "30",
    }
    with pytest.raises(OSError, match="SMTP indisponible"):
        client.post(add_url(convention), data)
    assert not PartnerLink.objects.exists()


def test_resending_sends_a_new_token_and_the_old_one_stops(client, coordinator, convention, laep):
    link, old_token = partner_link([laep], days=7)
    client.force_login(coordinator)
    url = reverse("monitoring:partner_link_resend", kwargs={"slug": convention.slug, "pk": link.pk})
    assert client.post(url).status_code == 302
    new_token = token_in(mail.outbox[0])
    assert new_token != old_token
    assert client.get(f"/partenaire/{old_token}/").status_code == 404
    assert client.get(f"/partenaire/{new_token}/").status_code == 200
    link.refresh_from_db()
    lifetime = link.expires_at - timezone.now()
    assert datetime.timedelta(days=6, hours=23) < lifetime <= datetime.timedelta(days=7)


def test_revoking_stops_the_link(client, coordinator, convention, laep):
    link, token = partner_link([laep])
    client.force_login(coordinator)
    url = reverse("monitoring:partner_link_revoke", kwargs={"slug": convention.slug, "pk": link.pk})
    response = client.post(url, follow=True)
    assert "il n’ouvre plus le formulaire" in response.content.decode()
    assert client.get(f"/partenaire/{token}/").status_code == 404
    listing = client.get(links_url(convention)).content.decode()
    assert "Retiré" in listing
    # A revoked link cannot be sent again.
    resend = reverse(
        "monitoring:partner_link_resend", kwargs={"slug": convention.slug, "pk": link.pk}
    )
    assert "créez-en un nouveau" in client.post(resend, follow=True).content.decode()
    assert not mail.outbox


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("superuser", 200),
        ("caf_adviser", 200),
        ("coordinator", 200),
        ("referent", 403),
        ("reader", 403),
        ("coordinator_elsewhere", 404),
    ],
)
def test_only_editors_manage_links(client, convention, laep, who, expected):
    user = {
        "superuser": lambda: UserFactory(superuser=True),
        "caf_adviser": lambda: user_with_role(Role.CAF_ADVISER, departement_code="04"),
        "coordinator": lambda: user_with_role(Role.COORDINATOR, convention=convention),
        "referent": lambda: user_with_role(Role.REFERENT, convention=convention),
        "reader": lambda: user_with_role(Role.READER, convention=convention),
        "coordinator_elsewhere": lambda: user_with_role(
            Role.COORDINATOR, convention=ConventionFactory()
        ),
    }[who]()
    link, _ = partner_link([laep])
    client.force_login(user)
    slug = convention.slug
    for name in ("partner_links", "partner_link_add", "partner_review"):
        assert client.get(reverse(f"monitoring:{name}", kwargs={"slug": slug})).status_code == (
            expected
        ), name
    revoke = reverse("monitoring:partner_link_revoke", kwargs={"slug": slug, "pk": link.pk})
    assert client.post(revoke).status_code == (302 if expected == 200 else expected)
    [submission] = submit(link, [ActionReport(node=laep, status="en_cours", progress=20)])
    refuse = reverse("monitoring:partner_refuse", kwargs={"slug": slug, "pk": submission.pk})
    assert client.get(refuse).status_code == expected
    accept = reverse("monitoring:partner_accept", kwargs={"slug": slug, "pk": submission.pk})
    assert client.post(accept).status_code == (302 if expected == 200 else expected)
    submission.refresh_from_db()
    assert submission.state == ("acceptee" if expected == 200 else "en_attente")


def test_editors_find_the_links_from_the_table_and_the_action_page(
    client, coordinator, convention, laep
):
    link, _ = partner_link([laep])
    submit(link, [ActionReport(node=laep, status="en_cours", progress=20)])
    add = add_url(convention) + f"?action={laep.pk}"
    client.force_login(coordinator)
    table = client.get(reverse("monitoring:followup", kwargs={"slug": convention.slug}))
    page = table.content.decode()
    assert "À valider" in page
    assert '<span class="fr-sr-only"> envoi de partenaire</span>' in page
    assert add in page  # « Demander au partenaire » on the action's row
    assert add in client.get(laep.get_absolute_url()).content.decode()
    reader = user_with_role(Role.READER, convention=convention)
    client.force_login(reader)
    table = client.get(reverse("monitoring:followup", kwargs={"slug": convention.slug}))
    assert "À valider" not in table.content.decode()
    assert add not in table.content.decode()
    assert add not in client.get(laep.get_absolute_url()).content.decode()
