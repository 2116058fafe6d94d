"""The national data set: one CTG per EPCI, shaped like the seeds, the same for the same seed."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import Membership, User
from pilote.conventions.models import Convention
from pilote.demo.national import SLUG_PREFIX, generate_national_dataset, select_epcis
from pilote.demo.national_plan import seed_shapes
from pilote.facilities.models import Facility
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.monitoring.periods import Quarter
from pilote.plans.models import PlanLevel, PlanNode

pytestmark = pytest.mark.django_db

UNTIL = datetime.date(2026, 12, 7)
SCALE = 0.005  # 6 CTGs of the 1,255 EPCIs


def generate(seed: int = 7, scale: float = SCALE):
    return generate_national_dataset(seed=seed, scale=scale, until=UNTIL)


@pytest.fixture(scope="module")
def national(django_db_setup, django_db_blocker):
    """Return one run of the generator, kept for the module's tests, then rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate()
        transaction.set_rollback(True)


def snapshot() -> dict[str, list[tuple]]:
    """Return the generated data without database ids, to compare two runs."""
    order = ("convention__slug", "number", "pk")
    return {
        "conventions": list(
            Convention.objects.filter(slug__startswith=SLUG_PREFIX)
            .order_by("slug")
            .values_list("slug", "name", "start_date", "status", "epci_id", "departement_id")
        ),
        "nodes": list(
            PlanNode.objects.order_by(*order).values_list(
                "convention__slug", "number", "level__name", "title", "start_year", "priority"
            )
        ),
        "updates": list(
            ActionUpdate.objects.order_by(
                "node__convention__slug", "node__number", "year", "quarter"
            ).values_list(
                "node__convention__slug",
                "node__number",
                "year",
                "quarter",
                "status",
                "progress",
                "created_at",
                "author__username",
            )
        ),
        "facilities": sorted(
            Facility.objects.values_list("convention__slug", "name", "kind", "capacity")
        ),
        "measurements": sorted(
            Measurement.objects.values_list(
                "indicator__convention__slug", "indicator__name", "year", "value"
            )
        ),
    }


def generated(seed: int) -> dict[str, list[tuple]]:
    """Return what a run with this seed writes, then undo it (a savepoint, not deletes)."""
    savepoint = transaction.savepoint()
    generate(seed, scale=0.002)
    data = snapshot()
    transaction.savepoint_rollback(savepoint)
    return data


# These first, before the module's own run (the `national` fixture) exists.
def test_command_reports_counts_and_progress():
    out, err = io.StringIO(), io.StringIO()
    with override_settings(DEBUG=True):
        call_command(
            "generate_national_dataset",
            "--seed",
            "3",
            "--scale",
            "0.002",
            "--until",
            "2026-12-07",
            stdout=out,
            stderr=err,
        )
    assert "3 CTG générées" in out.getvalue()
    assert "points de suivi" in out.getvalue()
    assert "CTG 3/3 (100\u202f%)" in err.getvalue()


@pytest.mark.parametrize(
    ("args", "debug", "message"),
    [
        (["--seed", "1"], False, "DEBUG=1"),
        (["--seed", "1", "--scale", "0"], True, "--scale"),
        (["--seed", "1", "--scale", "1.5"], True, "--scale"),
    ],
)
def test_command_refuses_production_and_bad_scales(args, debug, message):
    with override_settings(DEBUG=debug), pytest.raises(CommandError, match=message):
        call_command("generate_national_dataset", *args)
    assert not Convention.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def test_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = generated(7)
    assert first["updates"]

    assert generated(7) == first
    assert generated(8)["nodes"] != first["nodes"]


def test_one_ctg_per_drawn_epci_with_a_plan_shaped_like_a_seed(national):
    result = national

    conventions = list(Convention.objects.filter(slug__startswith=SLUG_PREFIX))
    assert result.conventions == len(conventions) == len(select_epcis(7, SCALE)) == 6
    shapes = {shape.level_names: shape.tracked for shape in seed_shapes()}
    for convention in conventions:
        assert convention.slug == f"{SLUG_PREFIX}{convention.epci_id}"
        assert convention.communes.count() == convention.epci.communes.count() > 0
        levels = list(PlanLevel.objects.filter(convention=convention).order_by("position"))
        names = tuple(level.name for level in levels)
        assert names in shapes
        assert {level.name for level in levels if level.tracked} == shapes[names]
        tracked = PlanNode.objects.filter(convention=convention, level__tracked=True).count()
        assert 8 <= tracked <= 400
        # A child is never of a higher level than the seed put it (no orphan, no cycle).
        assert (
            not PlanNode.objects.filter(convention=convention, parent__isnull=False)
            .exclude(parent__convention=convention)
            .exists()
        )
    assert result.counts["actions"] == PlanNode.objects.filter(level__tracked=True).count()
    assert result.counts["updates"] == ActionUpdate.objects.count()


def test_updates_are_quarterly_within_the_period_and_not_after_until(national):
    for convention in Convention.objects.filter(slug__startswith=SLUG_PREFIX):
        updates = ActionUpdate.objects.filter(convention=convention)
        assert updates.exists()
        assert not updates.exclude(node__convention=convention).exists()
        assert not updates.exclude(node__level__tracked=True).exists()
        for year, quarter, created_at in updates.values_list("year", "quarter", "created_at"):
            period = Quarter(year, quarter)
            assert Quarter.of(convention.start_date) <= period <= Quarter.of(UNTIL)
            assert period.start <= created_at.date() <= min(period.end, UNTIL)
        # One update per action and quarter at most.
        assert updates.values("node", "year", "quarter").distinct().count() == updates.count()


def test_people_roles_facilities_and_measurements_belong_to_their_ctg(national):
    for convention in Convention.objects.filter(slug__startswith=SLUG_PREFIX):
        coordinator = User.objects.get(username=f"cooperation.{convention.epci_id}")
        assert coordinator.memberships.get().convention == convention
        assert (
            Membership.objects.filter(
                role=Role.CAF_ADVISER, departement=convention.departement
            ).count()
            == 2
        )
        communes = set(convention.communes.values_list("code", flat=True))
        facilities = Facility.objects.filter(convention=convention)
        assert facilities.exists()
        assert set(facilities.values_list("commune_id", flat=True)) <= communes
        assert Measurement.objects.filter(indicator__convention=convention).exists()
    # Written in bulk, like an imported CTG: no historical row.
    assert not ActionUpdate.history.exists()
    assert not PlanNode.history.exists()


def test_a_second_run_skips_the_ctgs_already_written(national):
    updates = ActionUpdate.objects.count()

    again = generate()

    assert (again.conventions, again.skipped) == (0, 6)
    assert ActionUpdate.objects.count() == updates


def test_a_coordinator_of_a_generated_ctg_sees_its_pages(client, national):
    convention = Convention.objects.filter(slug__startswith=SLUG_PREFIX).first()
    client.force_login(User.objects.get(username=f"cooperation.{convention.epci_id}"))

    for name in ("conventions:detail", "monitoring:dashboard", "monitoring:followup"):
        response = client.get(reverse(name, kwargs={"slug": convention.slug}))
        assert response.status_code == 200, name
    node = PlanNode.objects.filter(convention=convention, level__tracked=True).first()
    response = client.get(reverse("plans:node", kwargs={"slug": convention.slug, "pk": node.pk}))
    assert response.status_code == 200
