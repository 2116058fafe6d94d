"""Who may read the follow-up table, export it, and record updates on which actions."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership, Organisation
from pilote.monitoring.models import ActionUpdate
from pilote.monitoring.periods import Quarter
from pilote.monitoring.perms import can_update_action
from tests.factories import (
    ConventionFactory,
    PlanNodeFactory,
    UserFactory,
    tracked_action,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch):
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


@pytest.fixture
def convention():
    return ConventionFactory()


@pytest.fixture
def ccas():
    return Organisation.objects.create(name="CCAS de Digne-les-Bains")


@pytest.fixture
def digne_action(convention, ccas):
    """An action piloted by the CCAS of Digne."""
    action = tracked_action(convention, title="Ouvrir un lieu d'accueil enfants-parents")
    action.pilots.add(ccas)
    return action


@pytest.fixture
def other_action(convention, digne_action):
    """An action of the same fiche, piloted by the agglomeration."""
    action = PlanNodeFactory(
        convention=convention, parent=digne_action.parent, number="1.1.2", title="Former les ASMAT"
    )
    action.pilots.add(Organisation.objects.create(name="PAA – service enfance"))
    return action


def referent_of(convention, organisation):
    user = UserFactory()
    Membership.objects.create(
        user=user, role=Role.REFERENT, convention=convention, organisation=organisation
    )
    return user


def make_user(who, convention, ccas):
    return {
        "superuser": lambda: UserFactory(superuser=True),
        "caf_same_departement": lambda: user_with_role(Role.CAF_ADVISER, departement_code="04"),
        "caf_other_departement": lambda: user_with_role(Role.CAF_ADVISER, departement_code="13"),
        "coordinator": lambda: user_with_role(Role.COORDINATOR, convention=convention),
        "coordinator_elsewhere": lambda: user_with_role(
            Role.COORDINATOR, convention=ConventionFactory()
        ),
        "referent_of_pilot": lambda: referent_of(convention, ccas),
        "referent_without_organisation": lambda: user_with_role(
            Role.REFERENT, convention=convention
        ),
        "reader": lambda: user_with_role(Role.READER, convention=convention),
    }[who]()


# who: (table and export, update of the CCAS's action, update of another pilot's action)
MATRIX = {
    "superuser": (200, 200, 200),
    "caf_same_departement": (200, 200, 200),
    "caf_other_departement": (404, 404, 404),
    "coordinator": (200, 200, 200),
    "coordinator_elsewhere": (404, 404, 404),
    "referent_of_pilot": (200, 200, 403),
    "referent_without_organisation": (200, 403, 403),
    "reader": (200, 403, 403),
}


def post_update(client, action, **data):
    prefix = f"maj-{action.pk}"
    values = {"period": "2026-4", "status": "en_cours", "progress": "50", "done": "Réunion."}
    values.update(data)
    return client.post(
        reverse("monitoring:update", kwargs={"slug": action.convention.slug, "pk": action.pk}),
        {f"{prefix}-{key}": value for key, value in values.items()},
        headers={"HX-Request": "true"},
    )


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_table_and_the_export_follow_the_matrix(client, convention, ccas, digne_action, who):
    client.force_login(make_user(who, convention, ccas))
    expected = MATRIX[who][0]
    for name in ("followup", "followup_export"):
        response = client.get(reverse(f"monitoring:{name}", kwargs={"slug": convention.slug}))
        assert response.status_code == expected, name


@pytest.mark.parametrize("who", list(MATRIX))
def test_recording_an_update_follows_the_matrix(
    client, convention, ccas, digne_action, other_action, who
):
    client.force_login(make_user(who, convention, ccas))
    _, own, other = MATRIX[who]
    assert post_update(client, digne_action).status_code == own
    assert post_update(client, other_action).status_code == other
    created = ActionUpdate.objects.filter(node__in=[digne_action, other_action]).count()
    assert created == (own == 200) + (other == 200)


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_update_button_shows_only_where_the_user_may_update(
    client, convention, ccas, digne_action, other_action, who
):
    client.force_login(make_user(who, convention, ccas))
    response = client.get(reverse("monitoring:followup", kwargs={"slug": convention.slug}))
    if response.status_code == 404:
        return
    html = response.content.decode()
    for action, allowed in ((digne_action, MATRIX[who][1]), (other_action, MATRIX[who][2])):
        url = reverse("monitoring:update", kwargs={"slug": convention.slug, "pk": action.pk})
        assert (f'href="{url}"' in html) == (allowed == 200), action


def test_anonymous_visitors_are_sent_to_login(client, convention, digne_action):
    urls = [
        reverse("monitoring:followup", kwargs={"slug": convention.slug}),
        reverse("monitoring:followup_export", kwargs={"slug": convention.slug}),
        reverse("monitoring:update", kwargs={"slug": convention.slug, "pk": digne_action.pk}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert post_update(client, digne_action).status_code == 302
    assert not ActionUpdate.objects.exists()


def test_an_action_of_another_ctg_is_not_found_through_this_one(client, convention, digne_action):
    elsewhere = tracked_action(ConventionFactory())
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    url = reverse("monitoring:update", kwargs={"slug": convention.slug, "pk": elsewhere.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert not ActionUpdate.objects.exists()


def test_an_untracked_element_has_no_update_page(client, convention, digne_action):
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    fiche = digne_action.parent
    url = reverse("monitoring:update", kwargs={"slug": convention.slug, "pk": fiche.pk})
    assert client.get(url).status_code == 404


def test_a_referent_pilots_the_actions_of_a_fiche_his_organisation_pilots(convention, ccas):
    """Real plans (seed 001) name the pilots on the fiche action, above the actions."""
    action = tracked_action(convention)
    action.parent.pilots.add(ccas)
    referent = referent_of(convention, ccas)
    assert can_update_action(referent, action)
    other = referent_of(convention, Organisation.objects.create(name="Commune de Malijai"))
    assert not can_update_action(other, action)


def test_an_action_with_its_own_pilots_does_not_take_the_fiches(convention, ccas):
    action = tracked_action(convention)
    action.parent.pilots.add(ccas)
    action.pilots.add(Organisation.objects.create(name="Commune de Malijai"))
    assert not can_update_action(referent_of(convention, ccas), action)


# who: (measurement of the CCAS's action's indicator, of another pilot's, of the CTG's own)
MEASURE_MATRIX = {
    "superuser": (302, 302, 302),
    "caf_same_departement": (302, 302, 302),
    "caf_other_departement": (404, 404, 404),
    "coordinator": (302, 302, 302),
    "coordinator_elsewhere": (404, 404, 404),
    "referent_of_pilot": (302, 403, 403),
    "referent_without_organisation": (403, 403, 403),
    "reader": (403, 403, 403),
}


@pytest.mark.parametrize("who", MEASURE_MATRIX)
def test_a_referent_measures_the_indicators_of_the_actions_his_organisation_pilots(
    client, convention, ccas, digne_action, other_action, who
):
    from pilote.plans.models import Indicator

    indicators = [
        Indicator.objects.create(convention=convention, node=digne_action, name="Familles"),
        Indicator.objects.create(convention=convention, node=other_action, name="ASMAT formées"),
        Indicator.objects.create(convention=convention, name="Taux de couverture global"),
    ]
    client.force_login(make_user(who, convention, ccas))
    statuses = []
    for indicator in indicators:
        url = reverse(
            "monitoring:measurement_add", kwargs={"slug": convention.slug, "pk": indicator.pk}
        )
        statuses.append(
            client.post(url, {"year": "2026", "quarter": "3", "value": "12"}).status_code
        )
    assert tuple(statuses) == MEASURE_MATRIX[who]
    recorded = [indicator.measurements.count() for indicator in indicators]
    assert recorded == [int(status == 302) for status in statuses]


def test_the_pilot_s_referent_sees_the_measurement_form_but_not_the_indicator_s_edition(
    client, convention, ccas, digne_action, other_action
):
    from pilote.plans.models import Indicator

    own = Indicator.objects.create(convention=convention, node=digne_action, name="Familles")
    other = Indicator.objects.create(convention=convention, node=other_action, name="ASMAT")
    client.force_login(referent_of(convention, ccas))

    def page(indicator):
        url = reverse("monitoring:indicator", kwargs={"slug": convention.slug, "pk": indicator.pk})
        return client.get(url).content.decode()

    html = page(own)
    assert "Enregistrer la mesure" in html
    assert "Modifier l’indicateur" not in html
    assert "Enregistrer la mesure" not in page(other)


def test_the_table_shows_a_referent_the_actions_his_organisation_pilots_first(
    client, convention, ccas, digne_action, other_action
):
    # In plan order the CCAS's action (1.1.1) comes before 1.1.2; a later action of its own
    # must come before the other pilot's too.
    later = PlanNodeFactory(
        convention=convention, parent=digne_action.parent, number="1.1.3", title="Café des parents"
    )
    later.pilots.add(ccas)
    client.force_login(referent_of(convention, ccas))

    response = client.get(reverse("monitoring:followup", kwargs={"slug": convention.slug}))

    html = response.content.decode()
    assert "Les 2 actions que votre organisation pilote sont en tête du tableau" in html
    positions = [html.index(title) for title in ("accueil enfants-parents", "Café des parents")]
    assert max(positions) < html.index("Former les ASMAT")


def test_an_editor_sees_the_plan_order_without_the_referent_notice(
    client, convention, ccas, digne_action, other_action
):
    client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
    html = client.get(reverse("monitoring:followup", kwargs={"slug": convention.slug})).content
    assert "en tête du tableau".encode() not in html
