"""The renewal page and the links between a CTG and the ones before and after it."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.conventions.models import Convention
from pilote.plans.models import PlanNode
from tests.factories import user_with_role

from .demo import PAA, TARN

NEW_SLUG = "tarn-agout-2027-2030"
# session, user, CTG, memberships, the preview (10), the renewal check (2), the default slug
PAGE_QUERIES = 17


@pytest.fixture
def tarn(world):
    return Convention.objects.select_related("departement", "epci").get(slug=TARN)


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def plain(response) -> str:
    """Return the page's text without its tags."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())))


def renew_url(convention) -> str:
    return reverse("governance:renew", kwargs={"slug": convention.slug})


def login(client, user_named, tarn, who: str):
    users = {
        "other": lambda: user_named("cooperation.paa"),
        "reader": lambda: user_with_role(Role.READER, convention=tarn),
        "referent": lambda: user_with_role(Role.REFERENT, convention=tarn),
        "coordinator": lambda: user_named("cooperation.tarnagout"),
        "caf_adviser": lambda: user_named("conseiller.caf"),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    return client


def form_data(**changes) -> dict:
    return {
        "name": "CTG Communauté de communes Tarn-Agout 2027-2030",
        "slug": NEW_SLUG,
        "start_date": "2027-01-01",
        "end_date": "2030-12-31",
        "carry_actions": "on",
        "carry_members": "on",
        **changes,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("other", 404),
        ("reader", 403),
        ("referent", 403),
        ("coordinator", 200),
        ("caf_adviser", 200),
    ],
)
def test_only_editors_open_the_renewal_page(client, user_named, tarn, who, status):
    response = login(client, user_named, tarn, who).get(renew_url(tarn))

    assert response.status_code == status


def test_the_form_is_filled_for_the_next_period_and_lists_what_is_carried(client, user_named, tarn):
    response = login(client, user_named, tarn, "caf_adviser").get(renew_url(tarn))

    form = response.context["form"]
    assert form["name"].value() == "CTG Communauté de communes Tarn-Agout 2027-2030"
    assert form["slug"].value() == NEW_SLUG
    assert (form["start_date"].value(), form["end_date"].value()) == (
        datetime.date(2027, 1, 1),
        datetime.date(2030, 12, 31),
    )
    assert form["carry_actions"].value()
    assert form["carry_members"].value()
    page = plain(response)
    unfinished = len(response.context["preview"].selection.unfinished)
    assert f"{unfinished} sur 38 actions suivies" in page
    assert "Territoire : Caf 81 – Tarn, CC Tarn-Agout, 21 communes." in page
    assert "les périodes prévues des actions (années et trimestres)" in page
    assert "Créer la CTG suivante" in page


def test_a_coordinator_sees_what_would_be_carried_but_cannot_create_it(client, user_named, tarn):
    client = login(client, user_named, tarn, "coordinator")

    page = text(client.get(renew_url(tarn)))
    assert "Vous ne pouvez pas créer la CTG suivante" in page
    assert "Seul·e un·e conseiller·ère de la Caf du département 81 – Tarn" in page
    assert "Créer la CTG suivante" not in page
    assert "Ce que la nouvelle CTG reprendra" in page

    response = client.post(renew_url(tarn), form_data())
    assert response.status_code == 200
    assert not Convention.objects.filter(slug=NEW_SLUG).exists()


def offer(convention) -> str:
    """Return the renewal button of the summary's callout (the menu always links the page)."""
    return f'class="fr-btn" href="{renew_url(convention)}"'


def test_a_caf_adviser_renews_and_lands_on_the_new_ctg(client, user_named, tarn):
    client = login(client, user_named, tarn, "caf_adviser")

    response = client.post(renew_url(tarn), form_data(), follow=True)

    new = Convention.objects.get(slug=NEW_SLUG)
    assert response.redirect_chain[-1][0] == new.get_absolute_url()
    actions = PlanNode.objects.filter(convention=new, level__tracked=True).count()
    elements = PlanNode.objects.filter(convention=new).count()
    page = text(response)
    assert (
        f"a été créée en préparation à partir de « {tarn.name} » : {actions} actions reprises "
        f"({elements} éléments du plan en tout)" in page
    )
    assert f"CTG précédente : {tarn.name}" in page
    old_page = text(client.get(tarn.get_absolute_url()))
    assert f"CTG suivante : {new.name}" in old_page
    assert offer(tarn) not in old_page
    # The renewal page now points to the next CTG instead of offering another one.
    again = text(client.get(renew_url(tarn)))
    assert "Cette CTG a déjà été renouvelée" in again
    assert "Créer la CTG suivante" not in again


def test_a_taken_slug_is_refused_on_the_form(client, user_named, tarn):
    client = login(client, user_named, tarn, "caf_adviser")
    conventions = Convention.objects.count()

    response = client.post(renew_url(tarn), form_data(slug=PAA))

    assert response.status_code == 200
    assert "est déjà utilisé par une autre CTG" in text(response)
    assert Convention.objects.count() == conventions


def test_invalid_dates_are_refused_on_the_form(client, user_named, tarn):
    client = login(client, user_named, tarn, "caf_adviser")

    response = client.post(renew_url(tarn), form_data(end_date="2026-06-30"))

    assert "La date de fin doit être postérieure à la date de début." in text(response)
    assert not Convention.objects.filter(slug=NEW_SLUG).exists()


def test_a_new_ctg_overlapping_the_old_one_is_created_with_a_warning(client, user_named, tarn):
    client = login(client, user_named, tarn, "caf_adviser")

    response = client.post(renew_url(tarn), form_data(start_date="2026-09-01"), follow=True)

    assert "les deux périodes se chevauchent" in text(response)


def test_the_summary_offers_the_renewal_to_editors_when_the_end_is_near(client, user_named, tarn):
    soon = timezone.localdate() + datetime.timedelta(days=200)
    Convention.objects.filter(pk=tarn.pk).update(end_date=soon)

    editor = text(login(client, user_named, tarn, "caf_adviser").get(tarn.get_absolute_url()))
    assert "Cette CTG se termine le" in editor
    assert offer(tarn) in editor
    client.logout()
    reader = text(login(client, user_named, tarn, "reader").get(tarn.get_absolute_url()))
    assert offer(tarn) not in reader


def test_the_summary_does_not_offer_the_renewal_of_a_ctg_far_from_its_end(client, user_named, tarn):
    later = timezone.localdate() + datetime.timedelta(days=800)
    Convention.objects.filter(pk=tarn.pk).update(end_date=later)

    page = text(login(client, user_named, tarn, "caf_adviser").get(tarn.get_absolute_url()))

    assert offer(tarn) not in page


def test_the_next_ctg_is_only_linked_for_those_who_may_see_it(client, user_named, tarn):
    login(client, user_named, tarn, "caf_adviser").post(
        renew_url(tarn), form_data(carry_members="")
    )
    client.logout()

    page = text(login(client, user_named, tarn, "coordinator").get(tarn.get_absolute_url()))

    assert "CTG suivante :" not in page
    assert "tarn-agout-2027-2030" not in page
    assert offer(tarn) not in page  # renewed already: not offered again


def test_the_renewal_page_runs_a_fixed_number_of_queries(
    client, user_named, tarn, django_assert_max_num_queries
):
    client = login(client, user_named, tarn, "caf_adviser")

    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(renew_url(tarn)).status_code == 200
