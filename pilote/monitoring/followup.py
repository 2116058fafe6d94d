"""The shared follow-up table: every action of a CTG with its latest update, filtered.

Read in a fixed number of queries whatever the number of actions and updates: the plan, the
pilots and the thematics (through their link tables), the latest updates, and the communes' links
only when filtering by commune. All are value queries: no model instance is built per row.

A quarterly round shows every action on one page, so the rows are rendered by `row_html`, a
string template filled in Python: the Django template engine took about 1 ms per row (0.5 s for
500 actions), this takes a few microseconds. The htmx answer after an update uses the same
function, so the table has a single row markup.
"""

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from html import escape
from itertools import groupby
from operator import itemgetter

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone

from pilote.core.formats import french_percent
from pilote.plans.models import PlanNode

from .dashboard import is_late
from .enums import UpdateStatus
from .forms import NEVER_UPDATED
from .periods import Quarter
from .perms import UpdateScope
from .queries import STATUS_LABELS, LatestUpdate, latest_update_values

STATUS_BADGES = {
    UpdateStatus.TO_START: "fr-badge--new",
    UpdateStatus.IN_PROGRESS: "fr-badge--info",
    UpdateStatus.DONE: "fr-badge--success",
    UpdateStatus.POSTPONED: "fr-badge--yellow-tournesol",
    UpdateStatus.ABANDONED: "fr-badge--purple-glycine",
    UpdateStatus.BLOCKED: "fr-badge--error",
}
NO_UPDATE_LABEL = "Sans point de suivi"
_PK = 987654321  # a placeholder pk, replaced in the reversed URLs


@dataclass(slots=True)
class FollowUpRow:
    """One action of the table, with what its cells show."""

    pk: int
    number: str
    title: str
    path: str  # the ancestors, root first: "1 Accès aux droits › 1.2 Information"
    planned: str
    pilots: tuple[str, ...]
    pilot_ids: tuple[int, ...]
    pilots_from: str  # the ancestor whose pilots the action takes, if any ("Fiche action 2")
    latest_values: tuple | None  # see latest_update_values
    late: bool
    stale: bool
    whole_territory: bool
    thematic_codes: tuple[str, ...] = ()
    thematics: tuple[str, ...] = ()
    can_update: bool = False
    can_request: bool = False  # an editor: may send the action's partner a personal link
    internal: bool = False  # shown to editors only (pilote.plans.visibility)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def latest(self) -> LatestUpdate | None:
        values = self.latest_values
        return None if values is None else LatestUpdate(*values)

    @property
    def status_label(self) -> str:
        latest = self.latest
        return latest.status_label if latest else NO_UPDATE_LABEL

    @property
    def latest_date(self) -> str:
        latest = self.latest
        return _day(latest.created_at, get_current_timezone()) if latest else ""


@dataclass
class FollowUpTable:
    rows: list[FollowUpRow]
    total: int
    thematic_choices: list[tuple[str, str]]
    pilot_choices: list[tuple[str, str]]
    now: Quarter


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# The pilots of an element, sorted by name: their names and their organisations' ids. Plain
# tuples (not instances) throughout, as the GC stops tracking them (see latest_update_values).
Pilots = tuple[tuple[str, ...], tuple[int, ...]]
NO_PILOTS: Pilots = ((), ())


def _pilots(items: tuple[tuple[int, str], ...]) -> Pilots:
    items = sorted(items, key=lambda p: p[1].casefold())
    return tuple(name for _, name in items), tuple(org_id for org_id, _ in items)


def _by_node(rows) -> dict[int, tuple[tuple, ...]]:
    """Return value rows sorted by node id (their first value) grouped by it, as plain tuples."""
    return {
        node_id: tuple(row[1:] for row in group) for node_id, group in groupby(rows, itemgetter(0))
    }


def load_rows(
    convention,
    *,
    include_internal: bool,
    scope: UpdateScope | None = None,
    node_ids=None,
    full: bool = False,
) -> FollowUpTable:
    """Return every tracked action of the CTG in plan order, with its latest update.

    `full` adds the texts and author (export); include_internal: the internal actions and
    updates too, for an editor (pilote.plans.visibility).
    """
    now = Quarter.current()
    nodes = _load_nodes(convention, include_internal)
    pilots = _load_pilots(convention)
    thematics = _load_thematics(convention, node_ids)
    latest = latest_update_values(
        convention, full=full, node_ids=node_ids, include_internal=include_internal
    )
    patterns = _url_patterns(convention)
    lineage = _lineage_reader(nodes, pilots)
    periods: dict[tuple, str] = {}
    late: dict[tuple, bool] = {}  # by planned end and status: a few distinct ones per plan
    rows = []
    used_pilots: set[Pilots] = set()
    for pk in _plan_order(nodes):
        _, parent_id, number, title, _, tracked, whole, internal, *period = nodes[pk]
        if not tracked or (node_ids is not None and pk not in node_ids):
            continue
        path, node_pilots, pilots_from = (
            lineage(parent_id) if parent_id in nodes else ("", None, "")
        )
        if pk in pilots:
            node_pilots, pilots_from = pilots[pk], ""
        if node_pilots is None:
            node_pilots = NO_PILOTS
        used_pilots.add(node_pilots)
        update = latest.get(pk)  # (year, quarter, status, …)
        key = tuple(period)
        if key not in periods:
            # PlanNode.period_label says how users write a period; a few distinct ones per plan.
            periods[key] = PlanNode(**dict(zip(PERIOD_FIELDS, period, strict=True))).period_label
        node_thematics = thematics.get(pk, ())
        late_key = (period[2], period[3], update[2] if update else None)
        if late_key not in late:
            late[late_key] = is_late(*late_key, now)
        rows.append(
            FollowUpRow(
                pk=pk,
                number=number,
                title=title,
                path=path,
                planned=periods[key],
                pilots=node_pilots[0],
                pilot_ids=node_pilots[1],
                pilots_from=pilots_from,
                latest_values=update,
                late=late[late_key],
                stale=update is None or update[:2] < (now.year, now.quarter),
                whole_territory=whole,
                thematic_codes=tuple(code for code, _ in node_thematics),
                thematics=tuple(sorted(label for _, label in node_thematics)),
                urls={name: f"{before}{pk}{after}" for name, before, after in patterns},
                internal=internal,
            )
        )
    if scope is not None:
        _mark_updatable(rows, scope)
    return FollowUpTable(
        rows=rows,
        total=len(rows),
        thematic_choices=_thematic_choices(thematics, nodes),
        pilot_choices=_pilot_choices(used_pilots),
        now=now,
    )


def _thematic_choices(thematics: dict, nodes: dict) -> list[tuple[str, str]]:
    """Return the thematics of the shown elements only (an internal one's may be its own)."""
    return _sorted_choices(
        {
            code: label
            for node_id, items in thematics.items()
            if node_id in nodes
            for code, label in items
        }
    )


def _pilot_choices(used_pilots: set) -> list[tuple[str, str]]:
    return _sorted_choices(
        {
            str(org_id): name
            for names, ids in used_pilots
            for org_id, name in zip(ids, names, strict=True)
        }
    )


def _load_nodes(convention, include_internal: bool) -> dict[int, tuple]:
    """Return the values of every element of the plan by pk, sorted by parent and position."""
    return {
        values[0]: values
        for values in PlanNode.objects.filter(convention=convention)
        .shown(include_internal)
        .order_by("parent_id", "position", "pk")
        .values_list(
            "pk",
            "parent_id",
            "number",
            "title",
            "level__name",
            "level__tracked",
            "whole_territory",
            "is_internal",
            "start_year",
            "start_quarter",
            "end_year",
            "end_quarter",
        )
    }


def _load_pilots(convention) -> dict[int, Pilots]:
    """Return the pilots named on each element that has some.

    An action without its own pilots has those of its nearest ancestor that has some (real
    plans name the pilots on the fiche, above the actions): see _lineage_reader.
    """
    links = _by_node(
        PlanNode.pilots.through.objects.filter(plannode__convention=convention)
        .order_by("plannode_id")
        .values_list("plannode_id", "organisation_id", "organisation__name")
    )
    return {node_id: _pilots(items) for node_id, items in links.items()}


def _load_thematics(convention, node_ids) -> dict[int, tuple[tuple, ...]]:
    """Return the (code, label) of the thematics of each tracked element."""
    thematic_links = {"plannode__convention": convention, "plannode__level__tracked": True}
    if node_ids is not None:
        thematic_links["plannode_id__in"] = node_ids
    return _by_node(
        PlanNode.thematics.through.objects.filter(**thematic_links)
        .order_by("plannode_id")
        .values_list("plannode_id", "thematic__code", "thematic__label")
    )


def _url_patterns(convention) -> list[tuple[str, str, str]]:
    """Return each row URL reversed once, split around the placeholder pk to fill per row."""
    urls = {
        name: reverse(f"monitoring:{name}", kwargs={"slug": convention.slug, "pk": _PK})
        for name in ("update", "row")
    }
    urls["node"] = reverse("plans:node", kwargs={"slug": convention.slug, "pk": _PK})
    add_link = reverse("monitoring:partner_link_add", kwargs={"slug": convention.slug})
    urls["partner"] = f"{add_link}?action={_PK}"
    return [(name, *url.split(str(_PK), 1)) for name, url in urls.items()]


def _lineage_reader(nodes: dict[int, tuple], pilots: dict[int, Pilots]):
    """Return a function giving, for a node, its path and the pilots it passes on (memoized).

    What an action takes from its parent (the path, the inherited pilots) is shared by siblings.
    """
    lineages: dict[int, tuple[str, Pilots | None, str]] = {}

    def lineage(pk: int) -> tuple[str, Pilots | None, str]:
        """Return the path down to a node (itself included) and the pilots it passes on."""
        if pk not in lineages:
            _, parent_id, number, title, level_name, *_ = nodes[pk]
            label = f"{number} {title}".strip()
            if parent_id in nodes:
                path, inherited, source = lineage(parent_id)
                path = f"{path} › {label}"
            else:
                path, inherited, source = label, None, ""
            if pk in pilots:
                inherited, source = pilots[pk], f"{level_name} {number}".strip()
            lineages[pk] = (path, inherited, source)
        return lineages[pk]

    return lineage


def _mark_updatable(rows: list[FollowUpRow], scope: UpdateScope) -> None:
    """Say on each row whether the user may record its update (once per set of pilots)."""
    allowed: dict[tuple[int, ...], bool] = {}
    for row in rows:
        if row.pilot_ids not in allowed:
            allowed[row.pilot_ids] = scope.allows(row.pilot_ids)
        row.can_update = allowed[row.pilot_ids]
        row.can_request = scope.all_actions


def _sorted_choices(choices: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(choices.items(), key=lambda c: c[1].casefold())


PERIOD_FIELDS = ("start_year", "start_quarter", "end_year", "end_quarter")


def _plan_order(nodes: dict[int, tuple]) -> list[int]:
    """Return the pks depth first, in plan order (`nodes` comes sorted by parent and position)."""
    children: dict[int | None, list[int]] = {}
    for pk, values in nodes.items():
        children.setdefault(values[1], []).append(pk)
    order: list[int] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        pk = stack.pop()
        order.append(pk)
        stack.extend(reversed(children.get(pk, [])))
    return order


def filter_rows(convention, rows: list[FollowUpRow], filters: dict) -> list[FollowUpRow]:
    """Return the rows matching the cleaned filters of FollowUpFilterForm."""
    if code := filters.get("thematique"):
        rows = [row for row in rows if code in row.thematic_codes]
    if pilot := filters.get("pilote"):
        rows = [row for row in rows if int(pilot) in row.pilot_ids]
    if commune := filters.get("commune"):
        linked = set(
            PlanNode.communes.through.objects.filter(
                plannode__convention=convention, commune_id=commune
            ).values_list("plannode_id", flat=True)
        )
        rows = [row for row in rows if row.whole_territory or row.pk in linked]
    if status := filters.get("statut"):
        if status == NEVER_UPDATED:
            rows = [row for row in rows if row.latest_values is None]
        else:
            rows = [row for row in rows if row.latest and row.latest.status == status]
    if filters.get("retard"):
        rows = [row for row in rows if row.late]
    if filters.get("sans_point"):
        rows = [row for row in rows if row.stale]
    return rows


def load_row(convention, node_pk: int, *, scope: UpdateScope) -> FollowUpRow | None:
    """Return the table row of one action (after an update, for htmx)."""
    # The editors (and they only) update every action and see the internal ones.
    table = load_rows(
        convention, scope=scope, node_ids={node_pk}, include_internal=scope.all_actions
    )
    return table.rows[0] if table.rows else None


# Rendering. Every value goes through escape(). f-strings rather than str.format(): a third of
# the time, for a function called once per row.

STATUS = '<p class="fr-badge fr-badge--sm fr-badge--no-icon {0}">{1}</p>'
NO_STATUS = '<span class="fu-muted">Sans point de suivi</span>'
LATE = '<p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--warning">En retard</p>'
NO_LATEST = '<span class="fu-muted">Aucun</span>'
SAVED = '<span class="fu-saved">Enregistré</span>'
INTERNAL = (
    ' <span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--yellow-tournesol '
    'pilote-internal" title="Visible seulement par la Caf et le·la chargé·e de coopération">'
    "Interne</span>"
)
# The badge of each status, built once.
STATUS_HTML = {
    value: STATUS.format(STATUS_BADGES.get(value, ""), label)
    for value, label in STATUS_LABELS.items()
}


def row_html(row: FollowUpRow, *, saved: bool = False) -> SafeString:
    """Return the <tr> of an action; `saved` marks the row just updated and focuses its button."""
    return mark_safe(_row_html(row, get_current_timezone(), {}, saved=saved))


def _row_html(row: FollowUpRow, timezone: tzinfo, pilots_cache: dict, *, saved: bool) -> str:
    latest = row.latest
    # Rows that share their pilots (those of their fiche) share the cell.
    pilots_key = (row.pilots, row.pilots_from)
    pilots = pilots_cache.get(pilots_key)
    if pilots is None:
        pilots = escape(", ".join(row.pilots)) if row.pilots else "–"
        if row.pilots_from:
            pilots += f' <span class="fu-muted">(via {escape(row.pilots_from)})</span>'
        pilots_cache[pilots_key] = pilots
    button = ""
    label = escape(row.number or _shorten(row.title))
    if row.can_update:
        url = row.urls["update"]
        focus = " autofocus" if saved else ""
        button = (
            f'<a class="fr-btn fr-btn--sm fr-btn--secondary" href="{url}" hx-get="{url}"{focus}>'
            f'Mettre à jour<span class="fr-sr-only"> l’action {label}</span></a>'
        )
    if row.can_request:
        button += (
            f'<br><a class="fr-link fr-text--sm" href="{row.urls["partner"]}">Demander au '
            f'partenaire<span class="fr-sr-only"> le point de l’action {label}</span></a>'
        )
    if saved:
        button += SAVED
    if latest is None:
        status, progress, latest_cell = NO_STATUS, "–", NO_LATEST
    else:
        status = STATUS_HTML.get(latest.status) or STATUS.format("", escape(latest.status_label))
        progress = (
            f'<progress max="100" value="{latest.progress}" aria-hidden="true"></progress> '
            f"{french_percent(latest.progress)}"
        )
        day = _day(latest.created_at, timezone)
        latest_cell = f'{latest.period_label}<br><span class="fu-muted">le {day}</span>'
    row_class = ' class="fu-row--saved"' if saved else ""
    planned = escape(row.planned) or "–"
    late = LATE if row.late else ""
    return (
        f'<tr id="action-{row.pk}"{row_class}>'
        f'<td><a href="{row.urls["node"]}"><strong>{escape(row.number)}</strong> '
        f"{escape(row.title)}</a>{INTERNAL if row.internal else ''}</td>"
        f"<td>{pilots}</td>"
        f'<td class="fu-nowrap">{planned}</td>'
        f"<td>{status}{late}</td>"
        f'<td class="fu-nowrap">{progress}</td>'
        f'<td class="fu-nowrap">{latest_cell}</td>'
        f'<td class="fu-nowrap">{button}</td>'
        "</tr>\n"
    )


def _day(moment: datetime, timezone: tzinfo) -> str:
    day = moment.astimezone(timezone)
    return f"{day.day:02}/{day.month:02}/{day.year}"


GROUP = (
    '<tbody hx-target="closest tr" hx-swap="outerHTML">'
    '<tr class="fu-group"><th scope="rowgroup" colspan="{columns}">{path}</th></tr>\n'
)
COLUMNS = 7


def rows_html(rows: list[FollowUpRow]) -> SafeString:
    """Return the table's <tbody> elements: one per level path, headed by the path."""
    timezone, pilots_cache = get_current_timezone(), {}
    parts, path = [], None
    for row in rows:
        if row.path != path:
            if path is not None:
                parts.append("</tbody>\n")
            path = row.path
            parts.append(GROUP.format(columns=COLUMNS, path=escape(path) or "Premier niveau"))
        parts.append(_row_html(row, timezone, pilots_cache, saved=False))
    if path is not None:
        parts.append("</tbody>\n")
    return mark_safe("".join(parts))
