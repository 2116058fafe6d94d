"""The history of a CTG: every change kept with who, when and the old values, shown in French."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership
from pilote.conventions.models import Convention
from pilote.conventions.services import update_convention
from pilote.core.history import acting_as
from pilote.demo.services import DEMO_SLUGS
from pilote.monitoring.models import ActionUpdate
from pilote.pages.history import PAGE_SIZE, Filters, history_page
from pilote.plans import services as plan_services
from pilote.plans.models import PlanNode
from pilote.plans.removal import delete_node
from pilote.plans.services import NodeData
from tests.factories import ConventionFactory, PlanNodeFactory, UserFactory, departement

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    return ConventionFactory(name="CTG Provence-Alpes-Agglomération 2026-2030")


@pytest.fixture
def coordinator(convention):
    user = UserFactory(first_name="Sarah", last_name="Fabre")
    membership(user, Role.COORDINATOR, convention=convention)
    return user


@pytest.fixture
def fiche(convention):
    axe = PlanNodeFactory(convention=convention, number="1", title="Accès aux droits")
    return PlanNodeFactory(
        convention=convention,
        parent=axe,
        number="2",
        title="Accès aux droits",
        target_public="Familles allocataires",
    )


def membership(user, role, *, convention=None) -> Membership:
    if role == Role.CAF_ADVISER:
        return Membership.objects.create(user=user, role=role, departement=departement("04"))
    return Membership.objects.create(user=user, role=role, convention=convention)


def fiche_data(node: PlanNode, **changes) -> NodeData:
    values = {
        "level": node.level,
        "title": node.title,
        "number": node.number,
        "target_public": node.target_public,
        "pilots": [o.name for o in node.pilots.all()],
    }
    return NodeData(**{**values, **changes})


def history_url(convention) -> str:
    return reverse("monitoring:history", kwargs={"slug": convention.slug})


def sentences(convention, **filters) -> list[str]:
    return [entry.sentence for entry in history_page(convention, Filters(**filters)).entries]


class TestRecording:
    def test_update_node_keeps_the_old_value_and_the_user(self, convention, coordinator, fiche):
        with acting_as(coordinator):
            plan_services.update_node(
                fiche,
                by=coordinator,
                data=fiche_data(fiche, target_public="Familles monoparentales"),
            )

        latest, previous = fiche.history.all()[:2]
        assert latest.history_user == coordinator
        assert latest.target_public == "Familles monoparentales"
        assert previous.target_public == "Familles allocataires"

    def test_update_convention_is_recorded_with_the_user(self, convention, coordinator):
        with acting_as(coordinator):
            update_convention(
                convention,
                by=coordinator,
                name="CTG PAA 2026-2030",
                slug=convention.slug,
                start_date=convention.start_date,
                end_date=convention.end_date,
                status=convention.status,
            )

        names = list(convention.history.values_list("name", "history_user"))
        assert names[0] == ("CTG PAA 2026-2030", coordinator.pk)
        assert ("CTG Provence-Alpes-Agglomération 2026-2030", None) in names

    def test_an_edit_through_the_web_records_the_logged_in_user(
        self, client, convention, coordinator
    ):
        client.force_login(coordinator)
        url = reverse("conventions:edit", kwargs={"slug": convention.slug})
        response = client.post(
            url,
            {
                "name": "CTG PAA (modifiée en ligne)",
                "slug": convention.slug,
                "start_date": "2026-01-01",
                "end_date": "2030-12-31",
                "status": convention.status,
                "description": "",
                "internal_notes": "",
            },
        )

        assert response.status_code == 302
        assert convention.history.first().history_user == coordinator

    def test_acting_as_leaves_no_user_behind(self, convention, coordinator, fiche):
        with acting_as(coordinator):
            pass
        fiche.title = "Sans utilisateur"
        fiche.save()

        assert fiche.history.first().history_user is None


class TestTimeline:
    def test_a_field_change_reads_as_a_french_sentence(self, convention, coordinator, fiche):
        with acting_as(coordinator):
            plan_services.update_node(
                fiche, by=coordinator, data=fiche_data(fiche, target_public="Jeunes de 16 à 25 ans")
            )

        entry = history_page(convention).entries[0]
        local = timezone.localtime(entry.date)
        assert entry.sentence == (
            f"Fiche action 2 « Accès aux droits » modifiée par Sarah Fabre "
            f"le {local:%d/%m/%Y} à {local:%H:%M} :"
        )
        assert [(c.label, c.old, c.new) for c in entry.changes] == [
            ("Public cible", "Familles allocataires", "Jeunes de 16 à 25 ans")
        ]

    def test_the_saves_of_one_edit_make_one_entry_with_the_pilots(
        self, convention, coordinator, fiche
    ):
        with acting_as(coordinator):
            plan_services.update_node(
                fiche,
                by=coordinator,
                data=fiche_data(fiche, title="Accès aux droits et aux services", pilots=["CCAS"]),
            )

        entries = [e for e in history_page(convention).entries if e.kind == "~"]
        assert len(entries) == 1
        changes = {c.label: (c.old, c.new) for c in entries[0].changes}
        assert changes["Intitulé"] == ("Accès aux droits", "Accès aux droits et aux services")
        assert changes["Pilotes"] == ("(vide)", "CCAS")

    def test_an_update_is_shown_created_with_its_status(self, convention, coordinator, fiche):
        ActionUpdate(
            convention=convention, node=fiche, year=2026, quarter=3, status="en_cours", progress=40
        ).save()

        entry = history_page(convention).entries[0]
        assert entry.sentence.startswith(
            "Point de suivi T3 2026 de Fiche action 2 « Accès aux droits » créé le "
        )
        assert ("Statut", "En cours") in [(d.label, d.new) for d in entry.details]
        assert entry.url == reverse("plans:node", kwargs={"slug": convention.slug, "pk": fiche.pk})

    def test_a_deleted_element_stays_in_the_history(self, convention, coordinator, fiche):
        pk = fiche.pk
        with acting_as(coordinator):
            delete_node(fiche)

        entry = history_page(convention).entries[0]
        assert entry.sentence.startswith("Fiche action 2 « Accès aux droits » supprimée par Sarah")
        assert (
            PlanNode.history.get(id=pk, history_type="-").target_public == "Familles allocataires"
        )

    def test_an_imported_ctg_has_its_creation_entry(self, session_demo_ctgs):
        convention = Convention.objects.get(slug=DEMO_SLUGS[0])

        entries = history_page(convention).entries
        assert [e.sentence.split(" le ")[0] for e in entries if e.source.key == "ctg"] == [
            f"CTG « {convention.name} » créée"
        ]
        # The plan written in bulk has no row per element: the import is one event.
        assert not [e for e in entries if e.source.key == "element"]

    def test_filters_by_type_user_and_dates(self, convention, coordinator, fiche):
        other = UserFactory(first_name="Claire", last_name="Martin")
        with acting_as(coordinator):
            plan_services.update_node(fiche, by=coordinator, data=fiche_data(fiche, number="3"))
        with acting_as(other):
            update_convention(
                convention,
                by=coordinator,
                name="CTG PAA",
                slug=convention.slug,
                start_date=convention.start_date,
                end_date=convention.end_date,
                status=convention.status,
            )
        today = timezone.localdate()

        assert all(e.source.key == "ctg" for e in history_page(convention, Filters("ctg")).entries)
        by_sarah = sentences(convention, user_id=coordinator.pk)
        assert by_sarah
        assert all("par Sarah Fabre" in s for s in by_sarah)
        assert sentences(convention, start=today, end=today)
        assert sentences(convention, end=today - datetime.timedelta(days=1)) == []

    def test_pages_follow_one_another_without_loss(self, convention, fiche):
        for quarter in range(PAGE_SIZE + 10):
            ActionUpdate(
                convention=convention,
                node=fiche,
                year=2026 + quarter // 4,
                quarter=quarter % 4 + 1,
                status="en_cours",
            ).save()

        first = history_page(convention)
        second = history_page(convention, Filters(before=first.next_cursor))
        seen = [e.sentence for e in first.entries + second.entries if e.source.key == "suivi"]
        assert len(first.entries) == PAGE_SIZE
        assert len(seen) == PAGE_SIZE + 10
        assert second.next_cursor is None

    def test_the_page_reads_a_bounded_number_of_queries(self, client, convention, coordinator):
        def count_queries() -> int:
            with CaptureQueriesContext(connection) as context:
                assert client.get(history_url(convention)).status_code == 200
            return len(context)

        client.force_login(coordinator)
        nodes = [PlanNodeFactory(convention=convention, title=f"Action {i}") for i in range(3)]
        small = count_queries()
        nodes += [PlanNodeFactory(convention=convention, title=f"Action {i}") for i in range(40)]
        for node in nodes:
            node.title += " (modifiée)"
            node.save()
            ActionUpdate(
                convention=convention, node=node, year=2026, quarter=1, status="a_lancer"
            ).save()

        assert count_queries() == small


class TestPage:
    def test_coordinator_sees_the_history_in_french(self, client, convention, coordinator, fiche):
        with acting_as(coordinator):
            plan_services.update_node(
                fiche, by=coordinator, data=fiche_data(fiche, target_public="Jeunes parents")
            )
        client.force_login(coordinator)

        response = client.get(history_url(convention))

        assert response.status_code == 200
        html = response.content.decode()
        assert "Historique des modifications" in html
        assert "Fiche action 2 « Accès aux droits » modifiée par Sarah Fabre" in html
        assert "« Familles allocataires »" in html
        assert "« Jeunes parents »" in html

    def test_caf_adviser_of_the_departement_sees_it(self, client, convention):
        adviser = UserFactory()
        membership(adviser, Role.CAF_ADVISER)
        client.force_login(adviser)

        assert client.get(history_url(convention)).status_code == 200

    @pytest.mark.parametrize("role", [Role.READER, Role.REFERENT])
    def test_readers_and_referents_of_the_ctg_are_refused(self, client, convention, role):
        user = UserFactory()
        membership(user, role, convention=convention)
        client.force_login(user)

        assert client.get(history_url(convention)).status_code == 403

    def test_users_of_another_ctg_do_not_find_it(self, client, convention):
        stranger = UserFactory()
        membership(stranger, Role.COORDINATOR, convention=ConventionFactory())
        client.force_login(stranger)

        assert client.get(history_url(convention)).status_code == 404

    def test_anonymous_visitors_go_to_the_login_page(self, client, convention):
        response = client.get(history_url(convention))

        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_filter_form_and_next_page_link(self, client, convention, coordinator, fiche):
        for quarter in range(PAGE_SIZE + 2):
            ActionUpdate(
                convention=convention,
                node=fiche,
                year=2026 + quarter // 4,
                quarter=quarter % 4 + 1,
                status="en_cours",
            ).save()
        client.force_login(coordinator)

        response = client.get(history_url(convention), {"type": "suivi"})

        assert response.status_code == 200
        assert response.context["next_url"].startswith("?type=suivi&avant=")
        older = client.get(history_url(convention) + response.context["next_url"])
        assert len(older.context["entries"]) == 2

    def test_an_inverted_date_range_is_refused_in_french(self, client, convention, coordinator):
        client.force_login(coordinator)

        response = client.get(history_url(convention), {"start": "2026-12-01", "end": "2026-01-01"})

        assert "La date de fin précède la date de début." in response.content.decode()


def test_every_ctg_model_is_recorded():
    from pilote.pages.history_sources import SOURCES

    assert {source.model.__name__ for source in SOURCES} == {
        "Convention",
        "Signatory",
        "Amendment",
        "PlanLevel",
        "PlanNode",
        "BudgetLine",
        "Indicator",
        "IndicatorTarget",
        "ActionUpdate",
        "Measurement",
        "Body",
        "BodyMember",
        "Meeting",
        "Attendance",
        "Decision",
        "Review",
    }
    assert Convention.history.model.__name__ == "HistoricalConvention"
