"""The public page of a CTG: open without login once published, 404 otherwise, nothing internal."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from pilote.accounts.enums import Role
from pilote.accounts.models import Organisation
from pilote.conventions.models import Convention, Signatory
from pilote.governance.enums import BodyKind, DecisionKind, MeetingKind
from pilote.governance.models import Body, BodyMember, Decision, Meeting
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import Measurement
from pilote.plans.models import BudgetLine, Indicator, IndicatorTarget, PlanNode
from tests.factories import (
    ActionUpdateFactory,
    ConventionFactory,
    PlanNodeFactory,
    UserFactory,
    build_tracked_ctg,
    user_with_role,
)

pytestmark = pytest.mark.django_db

PAA = "provence-alpes-agglomeration-2026-2030"


def public_url(convention_or_slug) -> str:
    slug = getattr(convention_or_slug, "slug", convention_or_slug)
    return reverse("public:convention", kwargs={"slug": slug})


def published(convention: Convention) -> Convention:
    Convention.objects.filter(pk=convention.pk).update(is_public=True, published_at=timezone.now())
    convention.refresh_from_db()
    return convention


def test_an_unpublished_ctg_answers_like_an_unknown_one(client):
    convention = ConventionFactory()

    unpublished = client.get(public_url(convention))
    unknown = client.get(public_url("ctg-qui-n-existe-pas"))

    assert unpublished.status_code == unknown.status_code == 404
    assert unpublished.content == unknown.content
    assert convention.name.encode() not in unpublished.content


def test_a_published_ctg_is_open_to_anonymous_visitors(client, session_demo_ctgs):
    convention = published(Convention.objects.get(slug=PAA))

    response = client.get(public_url(convention))

    assert response.status_code == 200
    html = response.content.decode()
    assert convention.name in html
    assert "du 1ᵉʳ janvier 2026 au 31 décembre 2030" in html
    assert "CA Provence-Alpes-Agglomération" in html
    assert "46 communes" in html  # seed 003: every commune of the EPCI
    assert 'aria-controls="liste-communes"' in html  # folded
    # The Caf signs twice (director and chair): listed once, by its name only.
    assert html.count("<li>Caf des Alpes-de-Haute-Provence</li>") == 1
    assert "Axe stratégique 1" in html
    assert "Se connecter" in html  # the anonymous header, without the logged-in menu
    assert "Se déconnecter" not in html


def test_the_published_page_goes_back_to_404_once_withdrawn(client):
    convention = published(ConventionFactory())
    assert client.get(public_url(convention)).status_code == 200
    Convention.objects.filter(pk=convention.pk).update(is_public=False, published_at=None)
    assert client.get(public_url(convention)).status_code == 404


def test_logged_in_users_see_the_public_page_too(client):
    convention = published(ConventionFactory())
    client.force_login(user_with_role(Role.READER, convention=ConventionFactory()))
    assert client.get(public_url(convention)).status_code == 200


def test_the_public_page_is_read_only(client):
    convention = published(ConventionFactory())
    assert client.post(public_url(convention)).status_code == 405


def test_the_public_index_lists_the_published_ctgs_only(client):
    shown = published(ConventionFactory(name="CTG publiée du Pays dignois"))
    hidden = ConventionFactory(name="CTG en préparation du Pays sisteronais")

    response = client.get(reverse("public:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert shown.name in html
    assert public_url(shown) in html
    assert "3 communes" in html
    assert "2026 – 2030" in html
    assert hidden.name not in html
    assert public_url(hidden) not in html


def test_the_public_index_says_when_nothing_is_published(client):
    ConventionFactory()
    html = client.get(reverse("public:index")).content.decode()
    assert "Aucune CTG n’est publiée pour l’instant." in html


# --- Nothing internal ----------------------------------------------------------------------------

# Strings a CTG holds that must never reach its public page.
SECRETS = {
    "internal notes": "Relancer Mme Odile Brunet sur le RPE avant le COPIL.",
    "presentation": "Présentation rédigée par Hélène Vasseur-Dumont.",
    "representative": "Sébastien Neffah",
    "representative's role": "Président du conseil d'administration",
    "update done": "Réunion avec Josiane Pellegrin à la mairie de Malijai.",
    "update difficulties": "Départ de Karim Benali, coordinateur jeunesse.",
    "update next steps": "Rappeler Yvette Lambertin en septembre.",
    "update author": "Bérangère Castellan",
    "author e-mail": "berangere.castellan@example.fr",
    "body member": "Marc Aubanel",
    "body member e-mail": "marc.aubanel@seyne.example.fr",
    "body member role": "Adjoint délégué à la petite enfance",
    "meeting minutes": "Mme Lucie Arnaud, excusée, sera remplacée.",
    "meeting agenda": "Point sur le dossier de la famille Roussel.",
    "decision": "Décision prise sur proposition de Jean-Paul Orsini.",
    "budget funder": "Fonds interne de péréquation",
    "budget amount": "987654",
    "budget amount (formatted)": "987 654",
    "budget comment": "Montant négocié, non voté",
    "measurement comment": "Chiffre transmis par Gérard Michelon.",
    "measurement source": "Tableau interne de la cellule d'appui",
    "node objective": "Objectif porté par Nadia Kessler.",
    "node description": "Description rédigée par Thierry Ansaldi.",
    "node target public": "Les enfants de M. et Mme Peyron.",
    "pilot": "Service jeunesse de Malijai (pilote)",
}


@pytest.fixture
def ctg_with_internal_data():
    """A published CTG whose every internal field holds a person's name or a secret."""
    author = UserFactory(
        first_name="Bérangère", last_name="Castellan", email=SECRETS["author e-mail"]
    )
    convention = ConventionFactory(
        name="CTG Provence-Alpes-Agglomération 2026-2030",
        internal_notes=SECRETS["internal notes"],
        description=SECRETS["presentation"],
    )
    Signatory.objects.create(
        convention=convention,
        position=1,
        organisation="Caf des Alpes-de-Haute-Provence",
        representative=SECRETS["representative"],
        role=SECRETS["representative's role"],
        deliberation_date=datetime.date(2024, 3, 28),
    )
    axis = PlanNodeFactory(convention=convention, number="1", title="Petite enfance")
    fiche = PlanNodeFactory(
        convention=convention, parent=axis, number="1.1", title="Accueil du jeune enfant"
    )
    action = PlanNodeFactory(
        convention=convention,
        parent=fiche,
        number="1.1.1",
        title="Créer un relais petite enfance intercommunal",
        objective=SECRETS["node objective"],
        description=SECRETS["node description"],
        target_public=SECRETS["node target public"],
        start_year=2026,
        end_year=2027,
        end_quarter=2,
    )
    other = PlanNodeFactory(
        convention=convention, parent=fiche, number="1.1.2", title="Ouvrir une micro-crèche"
    )
    action.pilots.add(Organisation.objects.create(name=SECRETS["pilot"]))
    ActionUpdateFactory(
        node=action,
        year=2026,
        quarter=2,
        status=UpdateStatus.DONE,
        progress=100,
        done=SECRETS["update done"],
        difficulties=SECRETS["update difficulties"],
        next_steps=SECRETS["update next steps"],
        author=author,
    )
    ActionUpdateFactory(node=other, year=2026, quarter=2, status=UpdateStatus.IN_PROGRESS)
    BudgetLine.objects.create(
        node=action,
        funder=SECRETS["budget funder"],
        amount=Decimal("987654.00"),
        year=2026,
        comment=SECRETS["budget comment"],
    )
    indicator = Indicator.objects.create(
        convention=convention, name="Taux de couverture en accueil du jeune enfant", unit="%"
    )
    IndicatorTarget.objects.create(indicator=indicator, year=2027, value=Decimal("62.5"))
    Measurement.objects.create(
        indicator=indicator,
        year=2026,
        quarter=2,
        value=Decimal("58.4"),
        comment=SECRETS["measurement comment"],
        source=SECRETS["measurement source"],
        author=author,
    )
    copil = Body.objects.create(convention=convention, kind=BodyKind.COPIL, name="COPIL CTG")
    BodyMember.objects.create(
        body=copil,
        organisation="Commune de Seyne",
        person=SECRETS["body member"],
        role=SECRETS["body member role"],
        email=SECRETS["body member e-mail"],
    )
    meeting = Meeting.objects.create(
        convention=convention,
        body=copil,
        kind=MeetingKind.ANNUAL,
        date=datetime.date(2026, 11, 20),
        agenda=SECRETS["meeting agenda"],
        minutes=SECRETS["meeting minutes"],
    )
    Decision.objects.create(
        meeting=meeting, node=other, kind=DecisionKind.POSTPONE, text=SECRETS["decision"]
    )
    return published(convention)


def test_the_public_page_shows_nothing_internal(client, ctg_with_internal_data):
    response = client.get(public_url(ctg_with_internal_data))

    assert response.status_code == 200
    html = response.content.decode()
    leaks = {name for name, secret in SECRETS.items() if secret in html or escape(secret) in html}
    assert not leaks
    # What the page is for: the plan, its statuses and progress, the indicators.
    for shown in (
        "Petite enfance",
        "Accueil du jeune enfant",
        "Créer un relais petite enfance intercommunal",
        "Ouvrir une micro-crèche",
        "Réalisée",
        "En cours",
        "100&nbsp;%",
        "prévue : 2026 – T2 2027",
        "Caf des Alpes-de-Haute-Provence",
        "Taux de couverture en accueil du jeune enfant",
        "58,4",
        "2027 : 62,5",
    ):
        assert shown in html, shown


def test_the_secrets_are_there_to_be_found(client, ctg_with_internal_data):
    """The check above can fail: the same strings show on the internal pages."""
    client.force_login(UserFactory(superuser=True))
    summary = client.get(ctg_with_internal_data.get_absolute_url()).content.decode()
    for name in ("internal notes", "representative", "representative's role"):
        assert escape(SECRETS[name]) in summary, name


def test_the_public_page_is_built_from_plain_values(client, ctg_with_internal_data):
    """The template gets no model instance that could reach an internal field later."""
    response = client.get(public_url(ctg_with_internal_data))
    assert "convention" not in response.context
    page = response.context["page"]
    assert not any(hasattr(value, "_meta") for value in vars(page).values())


# --- Queries -------------------------------------------------------------------------------------


def _public_queries(client, django_assert_max_num_queries, convention) -> int:
    with django_assert_max_num_queries(16) as captured:
        response = client.get(public_url(convention))
    assert response.status_code == 200
    return len(captured)


def test_public_page_queries_do_not_grow_with_the_plan(client, django_assert_max_num_queries):
    """500 actions × 8 updates and 20 indicators: the same queries as 5 actions and 1 indicator."""
    small, _ = build_tracked_ctg(5, 1)
    big, _ = build_tracked_ctg(500, 8)
    for convention, count in ((small, 1), (big, 20)):
        for position in range(count):
            indicator = Indicator.objects.create(
                convention=convention, name=f"Indicateur {position}", position=position
            )
            IndicatorTarget.objects.create(indicator=indicator, year=2026, value=50)
            Measurement.objects.create(indicator=indicator, year=2026, quarter=1, value=40)
        Signatory.objects.create(convention=convention, organisation="Caf des Alpes")
        published(convention)
    assert PlanNode.objects.filter(convention=big).count() > 500

    small_count = _public_queries(client, django_assert_max_num_queries, small)
    big_count = _public_queries(client, django_assert_max_num_queries, big)

    assert big_count == small_count


def test_public_index_queries_do_not_grow_with_the_ctgs(client, django_assert_num_queries):
    for _ in range(5):
        published(ConventionFactory())
    with django_assert_num_queries(1):
        response = client.get(reverse("public:index"))
    assert response.status_code == 200
