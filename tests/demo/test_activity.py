"""The demo CTGs get a believable follow-up, the same for the same seed, generated once."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from pilote.conventions.models import Convention
from pilote.demo.activity import GLOBAL_INDICATOR, generate_activity, next_copil_date
from pilote.demo.services import DEMO_SLUGS, load_demo_conventions, load_demo_users
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.monitoring.periods import Quarter
from pilote.plans.models import Indicator

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def demo():
    load_demo_conventions()
    load_demo_users()
    return {c.slug: c for c in Convention.objects.all()}


def snapshot() -> list[tuple]:
    return list(
        ActionUpdate.objects.order_by("node__convention__slug", "node__number", "year", "quarter")
        .values_list("node__convention__slug", "node__number", "year", "quarter", "status")
        .order_by("node__convention__slug", "node_id", "year", "quarter")
    )


def test_same_seed_gives_the_same_statuses(demo):
    # One demo CTG is enough to show that the seed, and the seed alone, decides (three runs).
    Convention.objects.exclude(slug=DEMO_SLUGS[0]).delete()
    generate_activity(seed=2026, today=TODAY)
    first = snapshot()
    values = list(Measurement.objects.order_by("indicator__name", "year").values_list("value"))

    generate_activity(seed=2026, reset=True, today=TODAY)

    assert snapshot() == first
    assert list(Measurement.objects.order_by("indicator__name", "year").values_list("value")) == (
        values
    )
    generate_activity(seed=7, reset=True, today=TODAY)
    assert snapshot() != first


def test_running_twice_adds_nothing(demo):
    generate_activity(today=TODAY)
    counts = (ActionUpdate.objects.count(), Measurement.objects.count(), Indicator.objects.count())

    results = generate_activity(today=TODAY)

    assert not any(result.created for result in results)
    assert (
        ActionUpdate.objects.count(),
        Measurement.objects.count(),
        Indicator.objects.count(),
    ) == counts


def test_updates_stay_within_each_ctg_period_and_before_now(demo):
    generate_activity(today=TODAY)
    years = {
        slug: set(ActionUpdate.objects.filter(convention=convention).values_list("year", flat=True))
        for slug, convention in demo.items()
    }

    assert years == {
        "pays-salonais-2025-2028": {2025, 2026},
        "tarn-agout-2023-2026": {2025, 2026},
        "provence-alpes-agglomeration-2026-2030": {2026},
    }
    for update in ActionUpdate.objects.select_related("convention"):
        quarter = Quarter(update.year, update.quarter)
        assert quarter <= Quarter.of(TODAY)
        day = timezone.localtime(update.created_at).date()
        assert quarter.start <= day <= min(quarter.end, TODAY)
        assert update.convention.start_date <= day <= update.convention.end_date


def test_statuses_progress_and_authors_are_demo_users(demo):
    generate_activity(today=TODAY)

    statuses = set(ActionUpdate.objects.values_list("status", flat=True))
    assert {UpdateStatus.TO_START, UpdateStatus.IN_PROGRESS, UpdateStatus.DONE} <= statuses
    assert statuses & {UpdateStatus.POSTPONED, UpdateStatus.BLOCKED}
    assert not ActionUpdate.objects.filter(author=None).exists()
    for node_id in set(ActionUpdate.objects.values_list("node_id", flat=True)):
        updates = list(ActionUpdate.objects.filter(node_id=node_id).order_by("year", "quarter"))
        progress = [u.progress for u in updates]
        assert progress == sorted(progress)
        assert all(u.status != UpdateStatus.DONE for u in updates[:-1])
    tracked = {c.slug: c.plan_nodes.filter(level__tracked=True).count() for c in demo.values()}
    updated = {
        slug: len(set(ActionUpdate.objects.filter(convention__slug=slug).values_list("node")))
        for slug in demo
    }
    assert all(0 < updated[slug] < tracked[slug] for slug in demo)  # part of the actions


def test_history_rows_are_dated_like_the_updates(demo):
    generate_activity(today=TODAY)

    update = ActionUpdate.objects.order_by("pk").first()
    row = update.history.get()
    assert row.history_date == update.created_at == row.created_at
    assert row.history_user == update.author


def test_every_ctg_has_its_coverage_rate_measured(demo):
    generate_activity(today=TODAY)

    for convention in demo.values():
        indicator = Indicator.objects.get(convention=convention, node=None, name=GLOBAL_INDICATOR)
        years = list(indicator.measurements.values_list("year", flat=True))
        assert years == [y for y in (2025, 2026) if y in convention.years]
        assert indicator.targets.count() == len(convention.years)
    assert Measurement.objects.filter(indicator__node__isnull=False).exists()


def test_command_is_idempotent_and_says_so():
    load_demo_conventions()
    out = io.StringIO()

    call_command("generate_demo_activity", "--seed", "2026", "--force", stdout=out)
    call_command("generate_demo_activity", "--force", stdout=out)

    assert "points de suivi" in out.getvalue()
    assert "suivi déjà présent" in out.getvalue()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 11, 23), datetime.date(2026, 12, 10)),
        (datetime.date(2026, 12, 10), datetime.date(2026, 12, 10)),
        (datetime.date(2026, 12, 11), datetime.date(2027, 6, 10)),
        (datetime.date(2027, 1, 1), datetime.date(2027, 6, 10)),
    ],
)
def test_the_demo_copil_meets_on_the_second_thursday_of_june_and_december(today, expected):
    assert next_copil_date(today) == expected


def test_running_ctgs_get_their_next_copil_date(demo):
    generate_activity(seed=2026, today=TODAY)

    dates = dict(Convention.objects.values_list("slug", "next_copil_date"))
    assert dates["provence-alpes-agglomeration-2026-2030"] == datetime.date(2026, 12, 10)
    assert dates["tarn-agout-2023-2026"] == datetime.date(2026, 12, 10)


def test_activity_generated_today_never_lies_in_the_future(demo, monkeypatch):
    # Generated at 9:00 on the day itself, the points of the day come before 9:00, so that the
    # user's own changes of the morning sit above them in the history (issue 14).
    now = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(9, 0)))
    monkeypatch.setattr(timezone, "now", lambda: now)

    generate_activity(today=TODAY)

    latest = ActionUpdate.objects.order_by("-created_at").first().created_at
    assert latest <= now
    assert Measurement.objects.filter(created_at__gt=now).count() == 0
    assert ActionUpdate.history.filter(history_date__gt=now).count() == 0
