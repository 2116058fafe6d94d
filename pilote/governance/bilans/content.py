"""The content of a bilan, read once from the database into plain JSON data.

A bilan (annual, mid-term or final review) is built from the CTG as it stands for the review's
year: the latest update of each action up to the end of that year, the indicator measurements of
the years up to it, the budgets, the register of facilities, the petite-enfance assessment and
the decisions of the meetings held in the period. The result is a dict of plain JSON values
(strings, numbers, lists) that

- is stored in `governance.Review.snapshot` when the review is closed, so that the bilan can be
  regenerated exactly as it was, whatever happens to the plan afterwards;
- is compared with the previous closed review's (what moved since the last COPIL);
- is the only input of the renderers (pilote.reports.bilans): they never
  read the database.

A bilan never holds an internal item (pilote.plans.visibility), whoever prepares or closes it: it
is shared with every signatory of the CTG.

Amounts and measured values are kept as decimal strings ("1500.00") so that nothing is rounded by
a float on the way; `pilote.core.formats.french_number` formats them for reading.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone

from pilote.core.formats import plural
from pilote.governance.enums import ReviewKind
from pilote.governance.models import Decision
from pilote.monitoring.dashboard import is_late
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.monitoring.periods import Quarter
from pilote.monitoring.standing import Point, indicator_standing
from pilote.plans.models import BudgetLine, Indicator
from pilote.plans.tree import load_plan, walk
from pilote.plans.visibility import indicator_condition, node_condition
from pilote.territories.population import population_of

from .content_facilities import decimal_text, facilities_content, petite_enfance_content

SNAPSHOT_VERSION = 1
NEVER_UPDATED = "sans_point"
NEVER_UPDATED_LABEL = "Sans point de suivi"
STATUS_LABELS = dict(UpdateStatus.choices)
STATUS_ORDER = [*(value for value, _ in UpdateStatus.choices), NEVER_UPDATED]
KIND_LABELS = dict(ReviewKind.choices)
MAX_EXCERPTS = 40  # highlights and difficulties quoted from the updates, per list
# The colour of each status in the charts of every format (DSFR palette, RGB hex).
STATUS_COLOURS = {
    "a_lancer": "B7A73F",
    "en_cours": "0063CB",
    "realisee": "18753C",
    "reportee": "CE614A",
    "abandonnee": "666666",
    "bloquee": "CE0500",
    NEVER_UPDATED: "CECECE",
}


def _label(number: str, title: str) -> str:
    return f"{number} {title}".strip()


def review_title(convention_name: str, kind: str, year: int) -> str:
    """Return the title of a bilan: "Bilan annuel 2025 – CTG du Pays salonais"."""
    return f"{KIND_LABELS.get(kind, kind)} {year} – {convention_name}"


def window_start(convention, kind: str, year: int) -> int:
    """Return the first year whose updates the bilan reports on (the year, or the CTG's start)."""
    return year if kind == ReviewKind.ANNUAL else convention.start_date.year


# --- The plan and its follow-up, up to the end of the review's year ---------------------------


def _latest_updates(convention, year: int) -> dict[int, dict]:
    """Return the latest update of each action up to T4 of `year` (one query)."""
    latest: dict[int, dict] = {}
    rows = (
        ActionUpdate.objects.filter(convention=convention, year__lte=year)
        .public()
        .order_by("node_id", "year", "quarter", "created_at", "pk")
        .values_list(
            "node_id",
            "year",
            "quarter",
            "status",
            "progress",
            "done",
            "difficulties",
            "next_steps",
            "created_at",
        )
    )
    for node_id, y, q, status, progress, done, difficulties, next_steps, created in rows:
        latest[node_id] = {
            "period": f"T{q} {y}",
            "year": y,
            "quarter": q,
            "date": timezone.localtime(created).date().isoformat(),
            "status": status,
            "progress": progress,
            "done": done,
            "difficulties": difficulties,
            "next_steps": next_steps,
        }
    return latest


def _window_excerpts(convention, first_year: int, year: int, labels: dict[int, str]):
    """Return what was done and the difficulties said in the updates of the window."""
    highlights, difficulties = [], []
    rows = (
        ActionUpdate.objects.filter(convention=convention, year__gte=first_year, year__lte=year)
        .public()
        .order_by("-year", "-quarter", "-created_at")
        .values_list("node_id", "year", "quarter", "status", "done", "difficulties")
    )
    seen_done: set[int] = set()
    seen_difficulty: set[int] = set()
    for node_id, y, q, status, done, difficulty in rows:
        action = labels.get(node_id, "")
        # The latest text of each action only: older ones are usually superseded.
        if done.strip() and node_id not in seen_done and len(highlights) < MAX_EXCERPTS:
            seen_done.add(node_id)
            highlights.append(
                {"action": action, "period": f"T{q} {y}", "text": done.strip(), "status": status}
            )
        if difficulty.strip() and node_id not in seen_difficulty:
            seen_difficulty.add(node_id)
            if len(difficulties) < MAX_EXCERPTS:
                difficulties.append(
                    {"action": action, "period": f"T{q} {y}", "text": difficulty.strip()}
                )
    return highlights, difficulties


def _budgets(convention) -> tuple[dict[int, Decimal], dict]:
    per_node: dict[int, Decimal] = defaultdict(Decimal)
    by_funder: dict[str, Decimal] = defaultdict(Decimal)
    by_year: dict[int | None, Decimal] = defaultdict(Decimal)
    rows = (
        BudgetLine.objects.filter(node__convention=convention, node__is_internal=False)
        .order_by("node_id", F("year").asc(nulls_first=True), "funder", "pk")
        .values_list("node_id", "funder", "amount", "year")
    )
    for node_id, funder, amount, line_year in rows:
        per_node[node_id] += amount
        by_funder[funder.strip() or "Non précisé"] += amount
        by_year[line_year] += amount
    total = sum(by_funder.values(), Decimal(0))
    summary = {
        "total": decimal_text(total) if by_funder else None,
        "by_funder": [
            [funder, decimal_text(amount)]
            for funder, amount in sorted(by_funder.items(), key=lambda item: -item[1])
        ],
        "by_year": [
            ["Toute la période" if y is None else str(y), decimal_text(amount)]
            for y, amount in sorted(
                by_year.items(), key=lambda item: (item[0] is not None, item[0])
            )
        ],
    }
    return per_node, summary


def _plan(
    convention, year: int, budgets: dict[int, Decimal]
) -> tuple[list[dict], dict[int, str], dict[int, int]]:
    """Return the plan rows, the label of every element and the axis (root) of every element."""
    roots = load_plan(convention, include_internal=False)
    latest = _latest_updates(convention, year)
    now = Quarter(year, 4) if Quarter.current().year > year else Quarter.current()
    rows: list[dict] = []
    labels: dict[int, str] = {}
    axis_of: dict[int, int] = {}
    for item in walk(roots):
        node = item.node
        labels[node.pk] = _label(node.number, node.title)
        axis_of[node.pk] = axis_of.get(node.parent_id, node.pk) if node.parent_id else node.pk
        update = latest.get(node.pk) if node.level.tracked else None
        status = update["status"] if update else (NEVER_UPDATED if node.level.tracked else None)
        rows.append(
            {
                "key": node.pk,
                "parent": node.parent_id,
                "depth": item.depth,
                "level": node.level.name,
                "tracked": node.level.tracked,
                "number": node.number,
                "title": node.title,
                "pilots": sorted((o.name for o in node.pilots.all()), key=str.casefold),
                "partners": sorted((o.name for o in node.partners.all()), key=str.casefold),
                "thematics": sorted(t.label for t in node.thematics.all()),
                "period": node.period_label,
                "status": status,
                "status_label": STATUS_LABELS.get(status, NEVER_UPDATED_LABEL) if status else "",
                "progress": update["progress"] if update else None,
                "late": bool(
                    node.level.tracked
                    and is_late(node.end_year, node.end_quarter, update and update["status"], now)
                ),
                "update": update,
                "budget": decimal_text(budgets[node.pk]) if node.pk in budgets else None,
            }
        )
    return rows, labels, axis_of


def _progress_groups(plan: list[dict], axis_of: dict[int, int], labels: dict[int, str]):
    """Return the totals, the figures per axis and per thematic of the tracked actions."""

    def group(label: str) -> dict:
        return {
            "label": label,
            "actions": 0,
            "updated": 0,
            "progress_sum": 0,
            "statuses": dict.fromkeys(STATUS_ORDER, 0),
            "late": 0,
        }

    def add(target: dict, row: dict) -> None:
        target["actions"] += 1
        target["statuses"][row["status"]] += 1
        target["late"] += row["late"]
        if row["progress"] is not None:
            target["updated"] += 1
            target["progress_sum"] += row["progress"]

    total = group("Toutes les actions")
    axes: dict[int, dict] = {}
    thematics: dict[str, dict] = {}
    for row in plan:
        if row["depth"] == 0:
            axes[row["key"]] = group(labels[row["key"]])
        if not row["tracked"]:
            continue
        add(total, row)
        add(axes[axis_of[row["key"]]], row)
        for thematic in row["thematics"]:
            add(thematics.setdefault(thematic, group(thematic)), row)

    def finish(target: dict) -> dict:
        summed = target.pop("progress_sum")
        target["mean_progress"] = round(summed / target["updated"]) if target["updated"] else None
        target["done"] = target["statuses"][UpdateStatus.DONE]
        return target

    return (
        finish(total),
        [finish(axis) for axis in axes.values() if axis["actions"]],
        [finish(thematics[name]) for name in sorted(thematics)],
    )


# --- Indicators --------------------------------------------------------------------------------


def _indicators(convention, year: int, labels: dict[int, str]) -> list[dict]:
    """Return each indicator with its values up to `year` and its standing then.

    The latest value, its target and the verdict come from monitoring.standing, as on every
    page; `values` are in the same order (its last item is the latest value), so that the
    charts drawn from the snapshot end on the value the text reports.
    """
    indicators = list(
        Indicator.objects.filter(indicator_condition(False), convention=convention)
        .order_by(F("node_id").asc(nulls_first=True), "position", "pk")
        .prefetch_related("targets")
    )
    measured: dict[int, list[Point]] = defaultdict(list)
    for indicator_id, pk, y, q, value, created_at in Measurement.objects.filter(
        indicator_condition(False, "indicator__"),
        indicator__convention=convention,
        year__lte=year,
    ).values_list("indicator_id", "pk", "year", "quarter", "value", "created_at"):
        measured[indicator_id].append(Point(y, q, value, created_at, pk))
    result = []
    for indicator in indicators:
        targets = {t.year: t.value for t in indicator.targets.all()}
        points = sorted(measured.get(indicator.pk, []), key=lambda point: point.key)
        standing = indicator_standing(points, targets)
        # One value per period: a later entry for the same period replaces the earlier one.
        periods: dict[tuple[int, int | None], Point] = {}
        for point in points:
            periods.pop((point.year, point.quarter), None)
            periods[(point.year, point.quarter)] = point
        values = [[p.period_label, p.year, decimal_text(p.value)] for p in periods.values()]
        result.append(
            {
                "key": indicator.pk,
                "name": indicator.name,
                "unit": indicator.unit,
                "action": labels.get(indicator.node_id, "") if indicator.node_id else "",
                "baseline": decimal_text(indicator.baseline_value),
                "baseline_year": indicator.baseline_year,
                "targets": [[y, decimal_text(v)] for y, v in sorted(targets.items())],
                "values": values,
                "latest": decimal_text(standing.value),
                "latest_period": standing.period_label,
                "target": decimal_text(standing.target),
                "off_target": standing.off_target if standing.judged else None,
                "standing": standing.status,
            }
        )
    return result


# --- Governance -------------------------------------------------------------------------------


def _decisions(convention, first_year: int, year: int, labels: dict[int, str]) -> list[dict]:
    decisions = (
        Decision.objects.filter(
            node_condition(False, "node__") | Q(node__isnull=True),
            meeting__convention=convention,
            meeting__date__year__gte=first_year,
            meeting__date__year__lte=year,
        )
        .select_related("meeting__body")
        .order_by("meeting__date", "meeting_id", "position", "pk")
    )
    return [
        {
            "date": decision.meeting.date.isoformat(),
            "body": decision.meeting.body.name,
            "kind": decision.get_kind_display(),
            "action": labels.get(decision.node_id, "") if decision.node_id else "",
            "text": decision.text,
            "postponed_to": decision.postponed_to,
            "postponed_label": decision.postponed_label,
        }
        for decision in decisions
    ]


# --- Comparison with the previous review ------------------------------------------------------


def compare(previous: dict | None, current: dict) -> dict | None:
    """Return what moved between two bilan contents (None without a previous one)."""
    if not previous:
        return None
    before = {row["key"]: row for row in previous.get("plan", []) if row.get("tracked")}
    after = {row["key"]: row for row in current["plan"] if row["tracked"]}
    status_changes, progressed = [], []
    for key, row in after.items():
        old = before.get(key)
        if old is None:
            continue
        label = _label(row["number"], row["title"])
        if old["status"] != row["status"]:
            status_changes.append(
                {
                    "action": label,
                    "before": old["status_label"],
                    "after": row["status_label"],
                    "before_progress": old["progress"],
                    "after_progress": row["progress"],
                }
            )
        elif (row["progress"] or 0) != (old["progress"] or 0):
            progressed.append(
                {
                    "action": label,
                    "before_progress": old["progress"],
                    "after_progress": row["progress"],
                }
            )
    old_indicators = {i["key"]: i for i in previous.get("indicators", [])}
    indicator_changes = []
    for indicator in current["indicators"]:
        old = old_indicators.get(indicator["key"])
        if old and old["latest"] != indicator["latest"]:
            indicator_changes.append(
                {
                    "name": indicator["name"],
                    "unit": indicator["unit"],
                    "before": old["latest"],
                    "before_period": old["latest_period"],
                    "after": indicator["latest"],
                    "after_period": indicator["latest_period"],
                }
            )
    old_totals = previous.get("totals", {})
    return {
        "previous": {
            "title": previous.get("title", ""),
            "closed_at": previous.get("closed_at"),
            "kind_label": previous.get("kind_label", ""),
            "year": previous.get("year"),
        },
        "status_changes": status_changes,
        "progressed": progressed,
        "added": [
            _label(row["number"], row["title"]) for key, row in after.items() if key not in before
        ],
        "removed": [
            _label(row["number"], row["title"]) for key, row in before.items() if key not in after
        ],
        "indicator_changes": indicator_changes,
        "mean_progress_before": old_totals.get("mean_progress"),
        "mean_progress_after": current["totals"]["mean_progress"],
        "done_before": old_totals.get("done"),
        "done_after": current["totals"]["done"],
    }


# --- The whole bilan ---------------------------------------------------------------------------


def _convention(convention) -> dict:
    """Return what the bilan says of the CTG itself: name, period, territory, signatories."""
    population = population_of(convention.communes.all())
    return {
        "name": convention.name,
        "slug": convention.slug,
        "start_date": convention.start_date.isoformat(),
        "end_date": convention.end_date.isoformat(),
        "period": f"{convention.start_date.year} – {convention.end_date.year}",
        "status": convention.get_status_display(),
        "departement": f"{convention.departement_id} – {convention.departement.name}",
        "epci": convention.epci.name if convention.epci_id else "",
        "commune_count": population.commune_count,
        "population": population.value,
        "population_source": population.source,
        "levels": [level.name for level in convention.levels.order_by("position")],
        "signatories": [
            {"organisation": s.organisation, "role": s.role} for s in convention.signatories.all()
        ],
        "amendments": [
            {"number": a.number, "date": a.date.isoformat(), "subject": a.subject}
            for a in convention.amendments.all()
        ],
    }


def population_text(convention: dict) -> str:
    """Return "49 137 habitants (population municipale 2023)" from a bilan's content, or "".

    Bilans frozen before the population said its source read "12 345 habitants" alone.
    """
    if not convention.get("population"):
        return ""
    text = plural(convention["population"], "habitant")
    source = convention.get("population_source")
    return f"{text} ({source})" if source else text


def build_bilan(
    convention,
    *,
    kind: str,
    year: int,
    texts: dict | None = None,
    previous: dict | None = None,
    status: str = "brouillon",
    closed_at: datetime.datetime | None = None,
    closed_by: str = "",
    now: datetime.datetime | None = None,
) -> dict:
    """Return the content of a bilan of the CTG for this kind and year (plain JSON data).

    `previous` is the content of the previous closed review, to say what moved since; `texts`
    the summary, highlights, difficulties and outlook written by the coordination.
    """
    now = now or timezone.now()
    first_year = window_start(convention, kind, year)
    node_budgets, budget = _budgets(convention)
    plan, labels, axis_of = _plan(convention, year, node_budgets)
    totals, axes, thematics = _progress_groups(plan, axis_of, labels)
    highlights, difficulties = _window_excerpts(convention, first_year, year, labels)
    today = min(timezone.localdate(now), datetime.date(year, 12, 31))
    content = {
        "version": SNAPSHOT_VERSION,
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind, kind),
        "year": year,
        "first_year": first_year,
        "title": review_title(convention.name, kind, year),
        "as_of": datetime.date(year, 12, 31).isoformat(),
        "generated_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "status": status,
        "closed_at": timezone.localtime(closed_at).isoformat(timespec="seconds")
        if closed_at
        else None,
        "closed_by": closed_by,
        "convention": _convention(convention),
        "texts": {
            key: (texts or {}).get(key, "").strip()
            for key in ("summary", "highlights", "difficulties", "outlook")
        },
        "totals": totals,
        "axes": axes,
        "thematics": thematics,
        "plan": plan,
        "highlights": highlights,
        "difficulties": difficulties,
        "indicators": _indicators(convention, year, labels),
        "budget": budget,
        "facilities": facilities_content(convention),
        "petite_enfance": petite_enfance_content(convention, today),
        "decisions": _decisions(convention, first_year, year, labels),
        "status_labels": {
            value: STATUS_LABELS.get(value, NEVER_UPDATED_LABEL) for value in STATUS_ORDER
        },
    }
    content["comparison"] = compare(previous, content)
    return content
