"""Renewing the demo Tarn-Agout CTG (2023-2026, 38 objectives followed since 2025)."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership
from pilote.conventions.enums import ConventionStatus
from pilote.conventions.models import Convention, Signatory
from pilote.governance.enums import BodyKind
from pilote.governance.exceptions import GovernanceError
from pilote.governance.models import Body, BodyMember
from pilote.governance.renewal import (
    carried_counts,
    default_name,
    default_period,
    default_slug,
    renew_convention,
    renewal_due,
    renewal_preview,
)
from pilote.monitoring.enums import CLOSED_STATUSES
from pilote.monitoring.models import ActionUpdate
from pilote.plans.models import Indicator, IndicatorTarget, PlanLevel, PlanNode, Thematic
from tests.factories import user_with_role

from .demo import TARN

NEW_SLUG = "tarn-agout-2027-2030"
START, END = datetime.date(2027, 1, 1), datetime.date(2030, 12, 31)


@pytest.fixture
def tarn(world):
    return Convention.objects.select_related("departement", "epci").get(slug=TARN)


@pytest.fixture
def caf(user_named):
    return user_named("conseiller.caf")


@pytest.fixture
def governed(tarn):
    """The CTG with its signatories (signed in 2023), its COPIL and a comité technique."""
    for position, (organisation, representative) in enumerate(
        [("Caf du Tarn", "La directrice"), ("CC Tarn-Agout", "Le président")]
    ):
        Signatory.objects.create(
            convention=tarn,
            position=position,
            organisation=organisation,
            representative=representative,
            role="Signataire",
            deliberation_date=datetime.date(2023, 6, 20),
            signature_date=datetime.date(2023, 9, 28),
        )
    copil = Body.objects.create(convention=tarn, kind=BodyKind.COPIL, name="COPIL CTG", position=0)
    cotech = Body.objects.create(
        convention=tarn, kind=BodyKind.COTECH, name="Comité technique", position=1
    )
    BodyMember.objects.create(body=copil, organisation="Caf du Tarn", person="Mme Durand")
    BodyMember.objects.create(
        body=copil, organisation="CC Tarn-Agout", person="M. Roux", email="roux@example.fr"
    )
    BodyMember.objects.create(body=cotech, organisation="MSA", voting=False, position=1)
    return tarn


def renew(old, by, **kwargs):
    values = {"name": "CTG Tarn-Agout 2027-2030", "slug": NEW_SLUG, "start_date": START}
    values["end_date"] = END
    values.update(kwargs)
    return renew_convention(old, by=by, **values)


def unfinished_actions(convention) -> set[tuple[str, str]]:
    """Return (number, title) of the tracked elements not réalisés or abandonnés, read apart."""
    latest: dict[int, tuple] = {}
    for update in ActionUpdate.objects.filter(convention=convention):
        key = (update.year, update.quarter, update.created_at, update.pk)
        if update.node_id not in latest or key > latest[update.node_id][0]:
            latest[update.node_id] = (key, update.status)
    return {
        (node.number, node.title)
        for node in PlanNode.objects.filter(convention=convention, level__tracked=True)
        if node.pk not in latest or latest[node.pk][1] not in CLOSED_STATUSES
    }


def test_the_form_defaults_follow_the_old_ctg(tarn):
    start, end = default_period(tarn)

    assert (start, end) == (START, END)
    assert default_name(tarn, start, end) == "CTG Communauté de communes Tarn-Agout 2027-2030"
    assert default_slug(tarn, start, end) == NEW_SLUG


def test_renewal_is_due_a_year_before_the_end_and_after(tarn):
    assert renewal_due(tarn, today=datetime.date(2026, 1, 1))
    assert renewal_due(tarn, today=datetime.date(2027, 3, 1))
    assert not renewal_due(tarn, today=datetime.date(2025, 12, 30))


def test_the_renewed_ctg_carries_the_territory_signatories_levels_and_governance(governed, caf):
    tarn = governed

    new = renew(tarn, caf)

    assert new.renewed_from == tarn
    assert list(tarn.renewals.all()) == [new]
    assert new.status == ConventionStatus.PREPARATION
    assert (new.departement, new.epci) == (tarn.departement, tarn.epci)
    assert set(new.communes.values_list("code", flat=True)) == set(
        tarn.communes.values_list("code", flat=True)
    )
    assert len(new.communes.all()) == 21
    assert list(new.signatories.values_list("organisation", "representative")) == [
        ("Caf du Tarn", "La directrice"),
        ("CC Tarn-Agout", "Le président"),
    ]
    assert not new.signatories.exclude(deliberation_date=None, signature_date=None).exists()
    assert list(new.levels.values_list("name", "tracked")) == list(
        tarn.levels.values_list("name", "tracked")
    )
    bodies = list(Body.objects.filter(convention=new))
    assert [(b.kind, b.name) for b in bodies] == [
        (BodyKind.COPIL, "COPIL CTG"),
        (BodyKind.COTECH, "Comité technique"),
    ]
    assert list(
        BodyMember.objects.filter(body__convention=new).values_list(
            "body__name", "organisation", "person", "email", "voting"
        )
    ) == [
        ("COPIL CTG", "Caf du Tarn", "Mme Durand", "", True),
        ("COPIL CTG", "CC Tarn-Agout", "M. Roux", "roux@example.fr", True),
        ("Comité technique", "MSA", "", "", False),
    ]
    # The old CTG keeps everything and its status: it runs until 31 December 2026.
    assert tarn.signatories.filter(signature_date=datetime.date(2023, 9, 28)).count() == 2
    assert Body.objects.filter(convention=tarn).count() == 2
    tarn.refresh_from_db()
    assert tarn.status == ConventionStatus.ACTIVE


def test_the_unfinished_actions_are_carried_with_their_ancestors(tarn, caf):
    expected = unfinished_actions(tarn)
    assert 0 < len(expected) < 38  # the demo follow-up closed some of the 38 objectives

    new = renew(tarn, caf)

    carried = PlanNode.objects.filter(convention=new).select_related("level", "parent")
    actions = {(n.number, n.title) for n in carried if n.level.tracked}
    assert actions == expected
    by_pk = {n.pk: n for n in carried}
    for node in carried:
        if node.level.tracked:
            assert node.parent_id in by_pk
            assert node.parent.level.name == "Fiche action"
            assert node.parent.parent.parent.level.name == "Axe"
    # Nothing but the actions and their ancestors.
    old_by_title = {
        (n.number, n.title): n
        for n in PlanNode.objects.filter(convention=tarn).select_related("parent")
    }
    ancestors = set()
    for key in expected:
        node = old_by_title[key]
        while node.parent_id:
            node = node.parent
            ancestors.add((node.number, node.title))
    assert {(n.number, n.title) for n in carried if not n.level.tracked} == ancestors
    assert carried_counts(new).actions == len(expected)
    # Positions stay dense under each parent.
    siblings = defaultdict(list)
    for node in carried:
        siblings[node.parent_id].append(node.position)
    assert all(sorted(p) == list(range(len(p))) for p in siblings.values())


def test_a_carried_fiche_keeps_its_fields_but_not_its_period_budget_or_measurements(tarn, caf):
    fiche = PlanNode.objects.get(convention=tarn, level__name="Fiche action", number="11")
    fiche.objective = "Aller vers les jeunes des communes rurales"
    fiche.priority = "haute"
    fiche.origin = "a_renforcer"
    fiche.start_year, fiche.end_year = 2024, 2026
    fiche.save()
    indicator = Indicator.objects.create(
        convention=tarn,
        node=fiche,
        name="Jeunes touchés",
        unit="jeunes",
        baseline_value=Decimal(40),
        baseline_year=2023,
    )
    IndicatorTarget.objects.create(indicator=indicator, year=2026, value=Decimal(120))
    fiche.budget_lines.create(funder="Caf du Tarn", amount=Decimal(5000), year=2025)
    objective = fiche.children.filter(
        level__tracked=True,
        number__in=[number for number, _title in unfinished_actions(tarn)],
    ).first()
    assert objective is not None
    custom = Thematic.objects.get(convention=tarn, code="insertion")
    objective.thematics.add(custom)

    new = renew(tarn, caf)

    copy = PlanNode.objects.get(convention=new, level__name="Fiche action", number="11")
    assert copy.objective == "Aller vers les jeunes des communes rurales"
    assert (copy.priority, copy.origin) == ("haute", "a_renforcer")
    assert (copy.start_year, copy.end_year) == (None, None)
    assert list(copy.pilots.values_list("name", flat=True)) == ["CTG", "Services Jeunesse"]
    assert set(copy.thematics.values_list("code", flat=True)) == {"jeunesse"}
    assert not copy.budget_lines.exists()
    copied = copy.indicators.get()
    assert (copied.name, copied.unit, copied.baseline_value, copied.baseline_year) == (
        "Jeunes touchés",
        "jeunes",
        Decimal(40),
        2023,
    )
    assert not copied.targets.exists()
    assert not copied.measurements.exists()
    # The CTG's own thematics are re-created for the new CTG and used by its elements.
    assert set(Thematic.objects.filter(convention=new).values_list("code", flat=True)) == set(
        Thematic.objects.filter(convention=tarn).values_list("code", flat=True)
    )
    objective_copy = PlanNode.objects.get(
        convention=new, level__tracked=True, number=objective.number
    )
    insertion = objective_copy.thematics.get(code="insertion")
    assert insertion.convention == new
    # The CTG-wide indicator comes along, without its measurements.
    assert Indicator.objects.filter(convention=new, node=None).count() == (
        Indicator.objects.filter(convention=tarn, node=None).count()
    )
    assert not ActionUpdate.objects.filter(convention=new).exists()


def test_the_new_elements_have_their_history_with_their_author(tarn, caf):
    new = renew(tarn, caf)

    history = PlanNode.history.filter(convention_id=new.pk)
    assert history.count() == PlanNode.objects.filter(convention=new).count()
    assert set(history.values_list("history_user", flat=True)) == {caf.pk}


def test_without_the_actions_only_the_frame_is_created(tarn, caf):
    new = renew(tarn, caf, carry_actions=False)

    assert not PlanNode.objects.filter(convention=new).exists()
    assert new.levels.count() == 4


def test_the_people_of_the_old_ctg_keep_their_role_when_asked(tarn, caf):
    reader = user_with_role(Role.READER, convention=tarn)
    new = renew(tarn, caf)

    roles = set(Membership.objects.filter(convention=new).values_list("user__username", "role"))
    assert roles == {("cooperation.tarnagout", Role.COORDINATOR), (reader.username, Role.READER)}
    other = renew(
        Convention.objects.get(slug="pays-salonais-2025-2028"),
        caf,
        slug="pays-salonais-2029",
        start_date=datetime.date(2029, 1, 1),
        end_date=datetime.date(2032, 12, 31),
        carry_members=False,
    )
    assert not Membership.objects.filter(convention=other).exists()


def test_an_ended_ctg_becomes_renewed(tarn, caf):
    today = timezone.localdate()
    Convention.objects.filter(pk=tarn.pk).update(end_date=today - datetime.timedelta(days=10))
    tarn.refresh_from_db()

    renew(tarn, caf, start_date=today - datetime.timedelta(days=9), end_date=END)

    tarn.refresh_from_db()
    assert tarn.status == ConventionStatus.RENEWED


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"slug": "pays-salonais-2025-2028"}, "déjà utilisé par une autre CTG"),
        ({"slug": "nouvelle"}, "réservé"),
        ({"name": "  "}, "Indiquez le nom"),
        ({"end_date": datetime.date(2026, 12, 31)}, "postérieure à la date de début"),
        ({"start_date": datetime.date(2022, 1, 1)}, "commencer après le début"),
    ],
)
def test_a_refused_renewal_writes_nothing(governed, caf, kwargs, message):
    tarn = governed
    counts = (
        Convention.objects.count(),
        PlanNode.objects.count(),
        Thematic.objects.count(),
        Body.objects.count(),
        Signatory.objects.count(),
        PlanLevel.objects.count(),
    )

    with pytest.raises(GovernanceError, match=message):
        renew(tarn, caf, **kwargs)

    assert counts == (
        Convention.objects.count(),
        PlanNode.objects.count(),
        Thematic.objects.count(),
        Body.objects.count(),
        Signatory.objects.count(),
        PlanLevel.objects.count(),
    )


def test_an_error_late_in_the_renewal_rolls_everything_back(tarn, caf, monkeypatch):
    from pilote.governance import renewal

    def broken(*args, **kwargs):
        raise GovernanceError("Panne simulée.")

    monkeypatch.setattr(renewal, "_carry_bodies", broken)
    conventions, nodes = Convention.objects.count(), PlanNode.objects.count()

    with pytest.raises(GovernanceError, match="Panne simulée"):
        renew(tarn, caf)

    assert (Convention.objects.count(), PlanNode.objects.count()) == (conventions, nodes)


@pytest.mark.parametrize("username", ["cooperation.tarnagout", "caf04", "cooperation.paa"])
def test_only_a_caf_adviser_of_the_departement_may_renew(tarn, user_named, username):
    with pytest.raises(GovernanceError) as error:
        renew(tarn, user_named(username))

    assert "conseiller·ère de la Caf du département" in str(error.value) or (
        "pas accès" in str(error.value)
    )
    assert not Convention.objects.filter(slug=NEW_SLUG).exists()


def test_a_ctg_is_renewed_once(tarn, caf):
    first = renew(tarn, caf)

    with pytest.raises(GovernanceError, match=f"déjà été renouvelée : « {first.name} »"):
        renew(tarn, caf, slug="tarn-agout-bis")


def test_the_preview_lists_what_the_renewal_carries(governed, caf, django_assert_num_queries):
    tarn = governed
    with django_assert_num_queries(10):
        preview = renewal_preview(tarn)

    assert preview.communes_count == 21
    assert not preview.outdated_communes
    assert [s.organisation for s in preview.signatories] == ["Caf du Tarn", "CC Tarn-Agout"]
    assert [b.name for b in preview.bodies] == ["COPIL CTG", "Comité technique"]
    assert preview.member_count == 3
    assert preview.roles == [("chargé·e de coopération", 1)]
    assert len(preview.selection.unfinished) == len(unfinished_actions(tarn))
    assert preview.selection.closed_count + len(preview.selection.unfinished) == 38

    new = renew(tarn, caf)
    counts = carried_counts(new)
    assert len(preview.selection.node_ids) == counts.elements
    assert counts.summary.startswith(f"{counts.actions} actions reprises ({counts.elements} ")
    assert "2 signataires, 2 instances de gouvernance (3 membres)" in counts.summary


def test_the_renewal_runs_a_bounded_number_of_queries(governed, caf, django_assert_max_num_queries):
    # About 100 on this plan: elements are created in bulk per level of depth, not one by one.
    with django_assert_max_num_queries(120):
        renew(governed, caf)
