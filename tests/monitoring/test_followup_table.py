"""The shared follow-up table: its rows, filters, in-place updates (htmx) and query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import Organisation
from pilote.conventions.models import Convention
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate
from pilote.monitoring.periods import Quarter
from pilote.monitoring.queries import LatestUpdate, latest_update_values, latest_updates
from pilote.plans.models import PlanNode
from tests.factories import (
    CHATEAU_ARNOUX,
    DIGNE,
    ActionUpdateFactory,
    PlanNodeFactory,
    aware,
    build_tracked_ctg,
    commune,
    thematic,
    tracked_action,
    user_with_role,
)

pytestmark = pytest.mark.django_db

# The table's queries whatever the plan's size: session, user, CTG, roles (2), plan, pilots,
# thematics, latest updates, communes of the filter, partners' submissions to validate.
TABLE_QUERIES = 11


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch):
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


def table_url(convention, **params):
    url = reverse("monitoring:followup", kwargs={"slug": convention.slug})
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def shown(response) -> list[int]:
    """Return the pks of the actions listed, in order."""
    return [row.pk for row in response.context["rows"]]


@pytest.fixture
def coordinator_client(client):
    def _login(convention):
        client.force_login(user_with_role(Role.COORDINATOR, convention=convention))
        return client

    return _login


@pytest.fixture
def round_plan():
    """Four actions of seed 003 at the end of 2026, in four situations."""
    action = tracked_action(title="Créer un guichet unique", end_year=2026, end_quarter=2)
    convention, fiche = action.convention, action.parent

    def add(number, title, **kwargs):
        return PlanNodeFactory(
            convention=convention, parent=fiche, number=number, title=title, **kwargs
        )

    late = action  # ended T2 2026, still en cours
    done = add("1.1.2", "Former les assistantes maternelles", end_year=2026, end_quarter=2)
    current = add("1.1.3", "Lancer le RPE itinérant", end_year=2028)
    never = add("1.1.4", "Soutenir les LAEP", end_year=2025)  # ended, never updated
    ActionUpdateFactory(node=late, year=2026, quarter=3, status=UpdateStatus.IN_PROGRESS)
    ActionUpdateFactory(node=done, year=2026, quarter=1, status=UpdateStatus.DONE, progress=100)
    ActionUpdateFactory(node=current, year=2026, quarter=4, status=UpdateStatus.BLOCKED)
    return {"late": late, "done": done, "current": current, "never": never}


def test_the_table_lists_every_tracked_action_in_plan_order_with_its_latest_update(
    coordinator_client, round_plan
):
    convention = round_plan["late"].convention
    response = coordinator_client(convention).get(table_url(convention))
    assert response.status_code == 200
    assert shown(response) == [round_plan[k].pk for k in ("late", "done", "current", "never")]
    html = response.content.decode()
    assert "Tableau de suivi des actions" in html
    assert "1 Accès aux droits › 1.1 Information" in html  # the level path
    assert "Bloquée" in html
    assert "Sans point de suivi" in html
    fiche = round_plan["late"].parent
    assert fiche.pk not in shown(response)  # a « Fiche action » is not tracked


def test_late_means_planned_end_passed_and_not_closed(coordinator_client, round_plan):
    convention = round_plan["late"].convention
    response = coordinator_client(convention).get(table_url(convention, retard=1))
    assert shown(response) == [round_plan["late"].pk, round_plan["never"].pk]
    assert "2 actions sur 4" in response.content.decode()


def test_not_updated_this_quarter_lists_actions_without_a_t4_update(coordinator_client, round_plan):
    convention = round_plan["late"].convention
    response = coordinator_client(convention).get(table_url(convention, sans_point=1))
    assert shown(response) == [round_plan[k].pk for k in ("late", "done", "never")]


def test_the_status_filter_reads_the_latest_status(coordinator_client, round_plan):
    convention = round_plan["late"].convention
    client = coordinator_client(convention)
    assert shown(client.get(table_url(convention, statut="realisee"))) == [round_plan["done"].pk]
    never = shown(client.get(table_url(convention, statut="sans_point")))
    assert never == [round_plan["never"].pk]


def test_thematic_pilot_and_commune_filters(coordinator_client, round_plan):
    late, current = round_plan["late"], round_plan["current"]
    convention = late.convention
    ccas = Organisation.objects.create(name="CCAS de Digne-les-Bains")
    current.pilots.add(ccas)
    late.thematics.add(thematic("petite-enfance"))
    for node in (late, round_plan["done"], round_plan["never"]):
        node.whole_territory = False
        node.save()
    late.communes.add(commune(CHATEAU_ARNOUX))
    client = coordinator_client(convention)
    assert shown(client.get(table_url(convention, thematique="petite-enfance"))) == [late.pk]
    assert shown(client.get(table_url(convention, pilote=ccas.pk))) == [current.pk]
    # Digne: only the action on the whole territory; Château-Arnoux: that one and its own.
    assert shown(client.get(table_url(convention, commune=DIGNE))) == [current.pk]
    both = shown(client.get(table_url(convention, commune=CHATEAU_ARNOUX)))
    assert both == [late.pk, current.pk]


def test_filters_combine(coordinator_client, round_plan):
    convention = round_plan["late"].convention
    response = coordinator_client(convention).get(
        table_url(convention, retard=1, statut="en_cours")
    )
    assert shown(response) == [round_plan["late"].pk]


def test_the_table_query_count_does_not_grow_with_actions_and_updates(
    coordinator_client, django_assert_max_num_queries
):
    small, _ = build_tracked_ctg(5, updates=2)
    client = coordinator_client(small)
    with CaptureQueriesContext(connection) as small_queries:
        assert len(shown(client.get(table_url(small)))) == 5
    big, _ = build_tracked_ctg(500, updates=12, first_quarter=Quarter(2024, 1))
    client = coordinator_client(big)
    with django_assert_max_num_queries(TABLE_QUERIES) as big_queries:
        response = client.get(table_url(big))
    assert len(shown(response)) == 500
    assert ActionUpdate.objects.filter(convention=big).count() == 6000
    assert len(big_queries.captured_queries) == len(small_queries.captured_queries)
    with django_assert_max_num_queries(TABLE_QUERIES + 1):  # + the commune links
        client.get(table_url(big, retard=1, sans_point=1, commune=DIGNE, statut="en_cours"))


def test_the_latest_update_is_the_latest_quarter_then_the_latest_written(round_plan):
    """The table's value read (a LATERAL join on PostgreSQL) agrees with the model read."""
    late, current = round_plan["late"], round_plan["current"]
    convention = late.convention
    ActionUpdateFactory(node=late, year=2026, quarter=2, status=UpdateStatus.DONE)  # earlier
    corrected = ActionUpdateFactory(node=current, year=2026, quarter=4, progress=45)
    ActionUpdate.objects.filter(pk=corrected.pk).update(created_at=aware(2026, 12, 20))
    ActionUpdate.objects.filter(node=current).exclude(pk=corrected.pk).update(
        created_at=aware(2026, 11, 2)
    )
    values = latest_update_values(convention, include_internal=True)
    models = latest_updates(convention, include_internal=True)
    assert values.keys() == models.keys() == {late.pk, round_plan["done"].pk, current.pk}
    for node_id, update in models.items():
        assert values[node_id] == (
            update.year,
            update.quarter,
            update.status,
            update.progress,
            update.created_at,
        )
    assert LatestUpdate(*values[late.pk]).period_label == "T3 2026"
    assert values[current.pk][3] == 45
    only = latest_update_values(convention, node_ids={current.pk}, full=True, include_internal=True)
    assert list(only) == [current.pk]
    assert LatestUpdate(*only[current.pk]).done == corrected.done
    assert latest_update_values(convention, node_ids=set(), include_internal=True) == {}


def test_an_update_whose_author_was_deleted_is_exported_without_a_name(round_plan):
    convention = round_plan["late"].convention
    ActionUpdate.objects.filter(node=round_plan["late"]).update(author=None)
    latest = LatestUpdate(
        *latest_update_values(convention, full=True, include_internal=True)[round_plan["late"].pk]
    )
    assert latest.author == ""


# In-place updates (htmx) and their plain-HTML fallback.


def update_url(action):
    return reverse("monitoring:update", kwargs={"slug": action.convention.slug, "pk": action.pk})


def form_data(action, **values):
    data = {
        "period": "2026-4",
        "status": "en_cours",
        "progress": "60",
        "done": "",
        "difficulties": "",
    }
    data.update(values)
    return {f"maj-{action.pk}-{key}": value for key, value in data.items()}


def test_mettre_a_jour_opens_an_inline_form_for_the_current_quarter(coordinator_client, round_plan):
    action = round_plan["current"]
    client = coordinator_client(action.convention)
    response = client.get(update_url(action), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="action-{action.pk}"')
    assert 'hx-post="' in html
    assert 'method="post"' in html
    assert '<option value="2026-4" selected>T4 2026</option>' in html
    assert '<option value="2027-1"' not in html  # quarters not yet begun are not offered
    assert '<option value="bloquee" selected>' in html  # the latest status is offered again
    assert f'name="maj-{action.pk}-attachments"' in html  # files too, as on the update page


def test_an_inline_update_posts_a_new_update_and_swaps_the_row_back(coordinator_client, round_plan):
    action = round_plan["current"]
    client = coordinator_client(action.convention)
    response = client.post(
        update_url(action),
        form_data(action, status="en_cours", progress="75", done="Le RPE a ouvert à Malijai."),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="action-{action.pk}" class="fu-row--saved">')
    assert "75\xa0%" in html
    assert "En cours" in html
    assert 'id="fu-live"' in html
    assert "Point de suivi T4 2026 enregistré" in html
    assert ActionUpdate.objects.filter(node=action).count() == 2  # the blocked one is kept


def test_an_invalid_inline_update_shows_the_form_again_with_a_french_message(
    coordinator_client, round_plan
):
    action = round_plan["current"]
    client = coordinator_client(action.convention)
    response = client.post(
        update_url(action), form_data(action, progress="101"), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "L&#x27;avancement ne peut pas dépasser 100 %." in html
    assert html.lstrip().startswith(f'<tr id="action-{action.pk}" class="fu-row--editing">')
    response = client.post(
        update_url(action), form_data(action, period="2031-1"), headers={"HX-Request": "true"}
    )
    assert "Choisissez un trimestre de la période de la CTG" in response.content.decode()
    assert ActionUpdate.objects.filter(node=action).count() == 1


def test_without_javascript_the_update_is_a_page_that_returns_to_the_filtered_table(
    coordinator_client, round_plan
):
    action = round_plan["late"]
    client = coordinator_client(action.convention)
    back = table_url(action.convention, retard=1)
    page = client.get(update_url(action), headers={"Referer": f"http://testserver{back}"})
    assert page.status_code == 200
    assert "Nouveau point de suivi" in page.content.decode()
    data = form_data(action, status="realisee", progress="100")
    data["next"] = back
    response = client.post(update_url(action), data)
    assert response.status_code == 302
    assert response["Location"] == f"{back}#action-{action.pk}"
    still_late = [row.pk for row in client.get(back).context["rows"]]
    assert still_late == [round_plan["never"].pk]  # réalisée: no longer late


def test_next_cannot_lead_to_another_site(coordinator_client, round_plan):
    action = round_plan["late"]
    client = coordinator_client(action.convention)
    data = form_data(action)
    data["next"] = "https://example.org/"
    response = client.post(update_url(action), data)
    assert response["Location"] == table_url(action.convention) + f"#action-{action.pk}"


def test_cancel_gets_the_row_back(coordinator_client, round_plan):
    action = round_plan["late"]
    client = coordinator_client(action.convention)
    url = reverse("monitoring:row", kwargs={"slug": action.convention.slug, "pk": action.pk})
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith(f'<tr id="action-{action.pk}">')
    assert client.get(url).status_code == 302


def test_the_demo_ctgs_have_a_follow_up_table(coordinator_client, session_demo_ctgs):
    convention = Convention.objects.get(slug="tarn-agout-2023-2026")
    response = coordinator_client(convention).get(table_url(convention))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == PlanNode.objects.filter(convention=convention, level__tracked=True).count()
    # Tarn-Agout names its pilots on the fiche actions: the objectives take them.
    assert all(row.pilots for row in rows[:5])
    assert rows[0].pilots_from
