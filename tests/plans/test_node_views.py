"""The add, edit, move, delete and renumber pages, end to end."""

import pytest
from django.urls import reverse

from pilote.accounts.models import Organisation
from pilote.plans.models import PlanNode
from tests.factories import DIGNE, MANOSQUE, ConventionFactory, PlanNodeFactory, commune

from .test_forms import post_data

pytestmark = pytest.mark.django_db


def plan_url(name, convention, **kwargs):
    return reverse(f"plans:{name}", kwargs={"slug": convention.slug, **kwargs})


def titles(parent):
    return list(
        PlanNode.objects.filter(parent=parent).order_by("position").values_list("title", flat=True)
    )


class TestAddAndEdit:
    def test_coordinator_adds_a_key_action_under_a_fiche(self, editor_client, convention):
        fiche = PlanNodeFactory(
            convention=convention,
            parent=PlanNodeFactory(convention=convention, title="Coordination"),
            title="Fiche action 1 — Coordination",
        )
        Organisation.objects.create(name="Caf des Alpes-de-Haute-Provence")
        data = post_data(convention, parent=str(fiche.pk), territory="some")
        data["communes"] = [DIGNE]
        data["pilots"] = "caf des alpes-de-haute-provence, PAA"

        response = editor_client.post(plan_url("add", convention) + f"?parent={fiche.pk}", data)

        node = PlanNode.objects.get(title="Actualiser le projet social de territoire")
        assert response.status_code == 302
        assert response["Location"] == node.get_absolute_url()
        assert node.parent == fiche
        assert [c.code for c in node.communes.all()] == [DIGNE]
        assert sorted(o.name for o in node.pilots.all()) == [
            "Caf des Alpes-de-Haute-Provence",
            "PAA",
        ]
        assert node.budget_lines.get().amount == 1500
        assert node.indicators.get().targets.count() == 2

    def test_the_add_page_offers_the_level_below_the_parent_and_known_organisations(
        self, editor_client, convention
    ):
        axe = PlanNodeFactory(convention=convention)
        other = PlanNodeFactory(convention=convention)
        other.pilots.add(Organisation.objects.create(name="Relais petite enfance Les Mées"))
        response = editor_client.get(plan_url("add", convention) + f"?parent={axe.pk}")
        html = response.content.decode()
        fiche_level = convention.levels.get(name="Fiche action")
        assert f'<option value="{fiche_level.pk}" selected>Fiche action</option>' in html
        assert '<option value="Relais petite enfance Les Mées">' in html

    def test_an_invalid_post_is_shown_again_with_errors_and_saves_nothing(
        self, editor_client, convention
    ):
        commune(MANOSQUE)
        data = post_data(convention, start_year="2031", territory="some")
        data["communes"] = [MANOSQUE]
        response = editor_client.post(plan_url("add", convention), data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Le formulaire contient des erreurs" in html
        assert '<a href="#id_start_year">Année de début : L&#x27;année 2031' in html
        assert '<a href="#id_communes_0">Communes concernées : Manosque (04112)' in html
        assert "L&#x27;année 2031 est hors de la période de la CTG (2026–2030)." in html
        assert "Manosque (04112) n&#x27;appartient pas au territoire de la CTG." in html
        assert not PlanNode.objects.exists()

    def test_coordinator_edits_a_fiche(self, editor_client, convention):
        node = PlanNodeFactory(convention=convention)
        line = node.budget_lines.create(funder="Caf", amount=100, year=2026)
        data = post_data(
            convention,
            title="Clarifier le rôle des comités techniques",
            **{
                "budget-INITIAL_FORMS": "1",
                "budget-0-id": str(line.pk),
                "budget-0-DELETE": "on",
                "indicateurs-TOTAL_FORMS": "0",
            },
        )
        response = editor_client.post(plan_url("edit", convention, pk=node.pk), data)
        assert response.status_code == 302
        node.refresh_from_db()
        assert node.title == "Clarifier le rôle des comités techniques"
        assert not node.budget_lines.exists()

    def test_the_edit_page_renders_the_existing_fiche(self, editor_client, convention):
        node = PlanNodeFactory(convention=convention, title="Observatoire social territorial")
        node.budget_lines.create(funder="PAA", amount=2500, year=2027)
        node.indicators.create(name="Nombre de structures rénovées")
        html = editor_client.get(plan_url("edit", convention, pk=node.pk)).content.decode()
        assert "Observatoire social territorial" in html
        assert 'value="PAA"' in html
        assert "Nombre de structures rénovées" in html
        assert 'name="budget-0-DELETE"' in html


class TestReorder:
    @pytest.fixture
    def siblings(self, convention):
        axe = PlanNodeFactory(convention=convention, title="Axe 1")
        return axe, [
            PlanNodeFactory(convention=convention, parent=axe, title=name)
            for name in ("Alpha", "Bravo", "Charlie")
        ]

    def test_plain_post_moves_down_and_redirects_to_the_element(
        self, editor_client, convention, siblings
    ):
        axe, (a, _b, _c) = siblings
        response = editor_client.post(plan_url("move_down", convention, pk=a.pk))
        assert response.status_code == 302
        assert response["Location"].endswith(f"#element-{a.pk}")
        assert titles(axe) == ["Bravo", "Alpha", "Charlie"]

    def test_htmx_post_returns_the_siblings_list_only(self, editor_client, convention, siblings):
        axe, (_a, _b, c) = siblings
        response = editor_client.post(
            plan_url("move_up", convention, pk=c.pk), headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert titles(axe) == ["Alpha", "Charlie", "Bravo"]
        assert "<html" not in html
        assert f'id="enfants-{axe.pk}"' in html
        assert 'hx-swap-oob="true"' in html
        assert "a été déplacé vers le haut" in html
        assert html.index("Charlie") < html.index("Bravo")
        assert "data-plan-focus" in html

    def test_moving_the_first_element_up_says_why_not(self, editor_client, convention, siblings):
        axe, (a, _b, _c) = siblings
        response = editor_client.post(
            plan_url("move_up", convention, pk=a.pk), headers={"HX-Request": "true"}
        )
        assert "déjà le premier de son groupe" in response.content.decode()
        assert titles(axe) == ["Alpha", "Bravo", "Charlie"]

    def test_get_is_not_allowed(self, editor_client, convention, siblings):
        _, (a, *_) = siblings
        assert editor_client.get(plan_url("move_up", convention, pk=a.pk)).status_code == 405


class TestMove:
    def test_move_page_offers_every_element_but_itself_and_its_descendants(
        self, editor_client, convention
    ):
        axe1 = PlanNodeFactory(convention=convention, title="Cohésion territoriale")
        axe2 = PlanNodeFactory(convention=convention, title="Accès aux droits")
        fiche = PlanNodeFactory(convention=convention, parent=axe1, title="Coordination")
        action = PlanNodeFactory(convention=convention, parent=fiche, title="Observatoire")
        response = editor_client.get(plan_url("move", convention, pk=fiche.pk))
        choices = dict(response.context["form"].fields["parent"].choices)
        assert str(axe2.pk) in choices
        assert str(axe1.pk) in choices
        assert str(fiche.pk) not in choices
        assert str(action.pk) not in choices

    def test_moving_under_another_parent_with_the_level_below(self, editor_client, convention):
        axe1 = PlanNodeFactory(convention=convention, title="Axe 1")
        fiche = PlanNodeFactory(convention=convention, parent=axe1, title="Fiche")
        key_action = PlanNodeFactory(convention=convention, parent=fiche, title="Action clé")
        response = editor_client.post(
            plan_url("move", convention, pk=key_action.pk),
            {"parent": "racine", "position": "first", "level_mode": "below"},
        )
        assert response.status_code == 302
        key_action.refresh_from_db()
        assert key_action.parent is None
        assert key_action.level.name == "Axe"
        assert titles(None) == ["Action clé", "Axe 1"]

    def test_a_descendant_posted_by_hand_is_refused(self, editor_client, convention):
        axe = PlanNodeFactory(convention=convention)
        fiche = PlanNodeFactory(convention=convention, parent=axe)
        response = editor_client.post(
            plan_url("move", convention, pk=axe.pk),
            {"parent": str(fiche.pk), "position": "last", "level_mode": "keep"},
        )
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in response.content.decode()
        axe.refresh_from_db()
        assert axe.parent is None

    def test_no_level_below_the_deepest_one(self, editor_client, convention):
        axe = PlanNodeFactory(convention=convention)
        fiche = PlanNodeFactory(convention=convention, parent=axe)
        key_action = PlanNodeFactory(convention=convention, parent=fiche)
        other = PlanNodeFactory(convention=convention, parent=fiche)
        response = editor_client.post(
            plan_url("move", convention, pk=other.pk),
            {"parent": str(key_action.pk), "position": "last", "level_mode": "below"},
        )
        assert "Aucun niveau n&#x27;existe sous « Action clé »" in response.content.decode()


class TestDelete:
    def test_the_confirmation_lists_what_will_be_deleted(self, editor_client, convention):
        axe = PlanNodeFactory(convention=convention, title="Petite enfance, enfance et jeunesse")
        fiche = PlanNodeFactory(convention=convention, parent=axe, title="Places en crèche")
        PlanNodeFactory(convention=convention, parent=fiche, title="Horaires décalés")
        html = editor_client.get(plan_url("delete", convention, pk=axe.pk)).content.decode()
        assert "<strong>2 sous-éléments</strong>" in html
        assert "Places en crèche" in html
        assert "Horaires décalés" in html
        assert "Supprimer les 3 éléments" in html
        assert PlanNode.objects.count() == 3

    def test_post_deletes_the_subtree(self, editor_client, convention):
        axe = PlanNodeFactory(convention=convention, title="Logement et cadre de vie")
        PlanNodeFactory(convention=convention, parent=axe)
        kept = PlanNodeFactory(convention=convention, title="Suivi et évaluation")
        response = editor_client.post(plan_url("delete", convention, pk=axe.pk), follow=True)
        assert (
            "« Logement et cadre de vie » et son sous-élément ont été placés dans la corbeille "
            "(30 jours)." in response.content.decode()
        )
        assert list(PlanNode.objects.all()) == [kept]
        kept.refresh_from_db()
        assert kept.position == 0


class TestRenumber:
    def test_preview_then_confirm(self, editor_client, convention):
        axe = PlanNodeFactory(convention=convention, title="Axe", number="7")
        PlanNodeFactory(convention=convention, parent=axe, title="Fiche", number="")
        choices = {"scope": "plan", "mode": "hierarchique"}
        choices["levels"] = [str(level.pk) for level in convention.levels.all()]

        preview = editor_client.post(plan_url("renumber", convention), {**choices, "preview": "1"})
        assert preview.status_code == 200
        assert [c.new for c in preview.context["changes"]] == ["1", "1.1"]
        assert "Confirmer la renumérotation" in preview.content.decode()
        assert set(PlanNode.objects.values_list("number", flat=True)) == {"7", ""}

        done = editor_client.post(plan_url("renumber", convention), {**choices, "confirm": "1"})
        assert done.status_code == 302
        assert sorted(PlanNode.objects.values_list("number", flat=True)) == ["1", "1.1"]

    def test_the_scope_can_be_given_in_the_url(self, editor_client, convention):
        axe = PlanNodeFactory(convention=convention)
        PlanNodeFactory(convention=convention, parent=axe)
        response = editor_client.get(plan_url("renumber", convention) + f"?element={axe.pk}")
        assert response.context["form"]["scope"].value() == str(axe.pk)

    def test_at_least_one_level(self, editor_client, convention):
        response = editor_client.post(
            plan_url("renumber", convention), {"scope": "plan", "mode": "continue", "preview": "1"}
        )
        assert "Cochez au moins un niveau." in response.content.decode()


def test_a_ctg_without_levels_asks_for_them_first(client, superuser):
    convention = ConventionFactory(levels=[])
    client.force_login(superuser)
    tree = client.get(plan_url("tree", convention)).content.decode()
    assert "Définir les niveaux du plan" in tree
    response = client.get(plan_url("add", convention), follow=True)
    assert "Définissez d&#x27;abord les niveaux du plan" in response.content.decode()
