"""The public « Données personnelles » page (issue 13, RGPD) and its deployment check."""

import pytest
from django.core.checks import run_checks
from django.urls import reverse

from pilote.conventions.services import ConventionError, check_slug

URL = reverse("public:privacy")


@pytest.mark.django_db
def test_anyone_reads_who_answers_for_the_data_and_how_long_it_is_kept(client, settings):
    settings.PRIVACY_CONTROLLER = "Caf des Bouches-du-Rhône"
    settings.PRIVACY_CONTACT = "dpd@caf13.example.fr"
    settings.TRASH_RETENTION_DAYS = 45

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Caf des Bouches-du-Rhône" in html
    assert "dpd@caf13.example.fr" in html
    assert "corbeille de la CTG 45 jours" in html
    assert "Aucune donnée sur les familles" in html


@pytest.mark.django_db
def test_without_contacts_the_page_still_says_whom_to_ask(client, settings):
    settings.PRIVACY_CONTROLLER = ""
    settings.PRIVACY_CONTACT = ""

    html = client.get(URL).content.decode()

    assert "L’organisme qui exploite ce service" in html
    assert "adressez-vous à votre Caf" in html


@pytest.mark.django_db
def test_every_page_links_to_it_in_the_footer(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{URL}"' in html


def test_deployment_check_warns_while_the_contacts_are_unset(settings):
    settings.PRIVACY_CONTROLLER = "Caf de test"
    settings.PRIVACY_CONTACT = ""
    ids = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "pilote.W001" in ids
    settings.PRIVACY_CONTACT = "dpd@example.fr"
    ids = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "pilote.W001" not in ids


@pytest.mark.django_db
def test_no_ctg_can_take_the_page_s_address():
    with pytest.raises(ConventionError, match="réservé"):
        check_slug("donnees-personnelles")
