"""The follow-up in the CTG's JSON exchange: the « monitoring » section.

Follow-up points (with their authors and attachments' metadata), indicator measurements and the
reminders sent. A point names its action by its rank in the exported plan (1 for the first
element in reading order, as the versions of the plan do); a measurement names its indicator by
its action's rank (null for an indicator of the whole CTG) and its rank among that action's
indicators. Authors are account names: linked to the account of the same name on the target
instance, else kept as a name (`author_name`), never dropped.

An attachment's `file` is its path in the archive (pilote.exchange.archive): an import from a
JSON file alone, without the files, creates no attachment and says so.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Prefetch, Value, When
from django.utils.text import get_valid_filename

from pilote.core.exchange import (
    Reader,
    account_name,
    amount,
    check_pks,
    find_accounts,
    iso_moment,
    refused,
)
from pilote.core.history_exchange import HistoryTable, Keys
from pilote.plans.models import Indicator
from pilote.plans.tree import outline_order

from .enums import UpdateStatus
from .models import ActionUpdate, Measurement, ReminderLog, UpdateAttachment, attachment_path

SECTION = "monitoring"
ATTACHMENTS_DIR = "pieces-jointes"
MAX_ITEMS = 100_000
VALUE_LIMIT = Decimal("1e12")


def _indicator_ranks(convention, order: dict[int, int]) -> dict[int, tuple[int | None, int]]:
    """Return each indicator's (action rank or None, rank among its action's indicators).

    Only the indicators of the elements in `order` (the exported ones) and the CTG's own.
    """
    ranks: dict[int, tuple[int | None, int]] = {}
    counts: dict[int | None, int] = defaultdict(int)
    for pk, node_id in Indicator.objects.filter(convention=convention).values_list(
        "pk", "node_id"
    ):  # ordered by position, pk as the plan's export
        if node_id is not None and node_id not in order:
            continue  # an internal element's, left out of an export for a reader
        counts[node_id] += 1
        ranks[pk] = (order[node_id] + 1 if node_id is not None else None, counts[node_id])
    return ranks


def export_monitoring(convention, *, include_internal: bool = True) -> dict[str, list]:
    """Return the monitoring section (authors, reminders and internal items, see
    pilote.plans.visibility, only in a complete export)."""
    order = outline_order(convention, include_internal=include_internal)

    def author(user, name: str) -> str | None:
        return account_name(user, name) if include_internal else None

    updates = _sorted_updates(convention, order, include_internal=include_internal)
    counter = iter(range(1, MAX_ITEMS + 1))
    indicator_ranks = _indicator_ranks(convention, order)
    measurements = _sorted_measurements(convention, indicator_ranks)
    return {
        "updates": [
            {
                "action": order[u.node_id] + 1,
                "year": u.year,
                "quarter": u.quarter,
                "status": u.status,
                "progress": u.progress,
                "done": u.done,
                "difficulties": u.difficulties,
                "next_steps": u.next_steps,
                "author": author(u.author, u.author_name),
                **_sent_by(u, include_internal),
                "created_at": iso_moment(u.created_at),
                **({"internal": True} if u.is_internal else {}),  # absent: not internal
                "attachments": [_attachment(a, next(counter)) for a in u.attachments.all()],
            }
            for u in updates
        ],
        "measurements": [
            {
                "action": indicator_ranks[m.indicator_id][0],
                "indicator": indicator_ranks[m.indicator_id][1],
                "year": m.year,
                "quarter": m.quarter,
                "value": amount(m.value),
                "comment": m.comment,
                "source": m.source,
                "author": author(m.author, m.author_name),
                **_sent_by(m, include_internal),
                "created_at": iso_moment(m.created_at),
            }
            for m in measurements
        ],
        "reminders": [
            {
                "recipient": r.recipient,
                "year": r.year,
                "quarter": r.quarter,
                "sent_at": iso_moment(r.sent_at),
                "action_count": r.action_count,
            }
            for r in ReminderLog.objects.filter(convention=convention).order_by(
                "year", "quarter", "recipient"
            )
        ]
        if include_internal
        else [],
    }


def _attachment(attachment: UpdateAttachment, rank: int) -> dict[str, Any]:
    filename = get_valid_filename(attachment.name) if attachment.name else ""
    return {
        "name": attachment.name,
        "size": attachment.size,
        "created_at": iso_moment(attachment.created_at),
        "file": f"{ATTACHMENTS_DIR}/{rank:04d}-{filename or 'fichier'}",
        **({"internal": True} if attachment.is_internal else {}),
    }


def attachment_files(convention) -> list[tuple[str, UpdateAttachment]]:
    """Return each attachment with its path in the archive, in the export's order."""
    counter = iter(range(1, MAX_ITEMS + 1))
    return [
        (_attachment(attachment, next(counter))["file"], attachment)
        for update in _sorted_updates(convention, outline_order(convention), include_internal=True)
        for attachment in update.attachments.all()
    ]


def _sorted_measurements(convention, indicator_ranks: dict) -> list[Measurement]:
    measurements = Measurement.objects.filter(
        indicator__convention=convention, indicator_id__in=list(indicator_ranks)
    )
    return sorted(
        measurements.select_related("author"),
        key=lambda m: (
            indicator_ranks[m.indicator_id][0] or 0,
            indicator_ranks[m.indicator_id][1],
            m.year,
            m.quarter or 0,
            m.created_at,
            m.pk,
        ),
    )


def _sorted_updates(
    convention, order: dict[int, int], *, include_internal: bool
) -> list[ActionUpdate]:
    attachments = UpdateAttachment.objects.shown(include_internal)
    return sorted(
        ActionUpdate.objects.filter(convention=convention)
        .shown(include_internal)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=attachments)),
        key=lambda u: (order.get(u.node_id, len(order)), u.year, u.quarter, u.created_at, u.pk),
    )


# --------------------------------------------------------------------------- import


@dataclass
class _Prepared:
    updates: list[tuple[ActionUpdate, str, datetime.datetime | None, list[dict]]] = field(
        default_factory=list
    )
    measurements: list[tuple[Measurement, str, datetime.datetime | None]] = field(
        default_factory=list
    )
    reminders: list[tuple[ReminderLog, datetime.datetime | None]] = field(default_factory=list)


def import_monitoring(convention, data: dict[str, Any], *, with_files: bool) -> list:
    """Write the monitoring section, if any, into a just-imported CTG (caller's transaction).

    Return the attachments created, with their path in the archive, whose files the caller
    writes (none when `with_files` is false: a JSON file alone carries no file).
    """
    if SECTION not in data:
        return []
    reader = Reader()
    section = reader.object(data.get(SECTION), SECTION, SECTION)
    order = outline_order(convention)
    nodes = {rank + 1: pk for pk, rank in order.items()}
    indicators = {ranks: pk for pk, ranks in _indicator_ranks(convention, order).items()}
    prepared = _Prepared()
    _read_updates(reader, section, nodes, prepared)
    _read_measurements(reader, section, indicators, prepared)
    _read_reminders(reader, section, prepared)
    if reader.errors:
        raise refused(reader.errors)
    return _write(convention, prepared, with_files=with_files)


def _sent_by(row, include_internal: bool) -> dict:
    """Return who sent a point or a measurement through a partner link, when it says so."""
    if include_internal and row.submitted_by_name:
        return {"sent_by": row.submitted_by_name}
    return {}


def _read_updates(reader: Reader, section: dict, nodes: dict, prepared: _Prepared) -> None:
    for index, item in enumerate(reader.object_list(section, "updates", SECTION), 1):
        where = f"{SECTION}.updates[{index}]"
        rank = reader.integer(item, "action", where, required=True, low=1, high=len(nodes))
        status = item.get("status")
        if status not in UpdateStatus.values:
            reader.error(where, f"statut inconnu : {status!r}.")
        update = ActionUpdate(
            node_id=nodes.get(rank),
            year=reader.integer(item, "year", where, required=True, low=1900, high=2200),
            quarter=reader.integer(item, "quarter", where, required=True, low=1, high=4),
            status=status,
            progress=reader.integer(item, "progress", where, low=0, high=100) or 0,
            done=reader.text(item, "done", where, strip=False),
            difficulties=reader.text(item, "difficulties", where, strip=False),
            next_steps=reader.text(item, "next_steps", where, strip=False),
            submitted_by_name=reader.text(item, "sent_by", where, max_length=300),
            is_internal=_flag(reader, item, where),
        )
        attachments = []
        for position, spec in enumerate(reader.object_list(item, "attachments", where), 1):
            at = f"{where}.attachments[{position}]"
            name = reader.text(spec, "name", at, required=True, max_length=255, strip=False)
            size = reader.integer(spec, "size", at, required=True, low=0, high=2**31 - 1)
            path = reader.text(spec, "file", at, required=True, max_length=300)
            moment = reader.moment(spec, "created_at", at)
            attachments.append(
                {
                    "name": name,
                    "size": size,
                    "file": path,
                    "created_at": moment,
                    "internal": _flag(reader, spec, at),
                }
            )
        prepared.updates.append(
            (
                update,
                reader.account(item, "author", where),
                reader.moment(item, "created_at", where),
                attachments,
            )
        )


def _flag(reader: Reader, item: dict, where: str) -> bool:
    """Return the item's « internal » flag (absent from older files: not internal)."""
    value = item.get("internal", False)
    if not isinstance(value, bool):
        reader.error(where, "« internal » doit valoir true ou false.")
        return False
    return value


def _read_measurements(reader: Reader, section: dict, indicators: dict, prepared) -> None:
    for index, item in enumerate(reader.object_list(section, "measurements", SECTION), 1):
        where = f"{SECTION}.measurements[{index}]"
        action = reader.integer(item, "action", where, low=1)
        rank = reader.integer(item, "indicator", where, required=True, low=1)
        indicator = indicators.get((action, rank))
        if indicator is None and rank is not None:
            reader.error(where, f"aucun indicateur de rang {rank} pour l'action {action}.")
        value = reader.decimal(item.get("value"), where, "value", limit=VALUE_LIMIT)
        if value is None:
            reader.error(where, "« value » est obligatoire.")
        measurement = Measurement(
            indicator_id=indicator,
            year=reader.integer(item, "year", where, required=True, low=1900, high=2200),
            quarter=reader.integer(item, "quarter", where, low=1, high=4),
            value=value,
            comment=reader.text(item, "comment", where, strip=False),
            source=reader.text(item, "source", where, max_length=255, strip=False),
            submitted_by_name=reader.text(item, "sent_by", where, max_length=300),
        )
        prepared.measurements.append(
            (
                measurement,
                reader.account(item, "author", where),
                reader.moment(item, "created_at", where),
            )
        )


def _read_reminders(reader: Reader, section: dict, prepared: _Prepared) -> None:
    for index, item in enumerate(reader.object_list(section, "reminders", SECTION), 1):
        where = f"{SECTION}.reminders[{index}]"
        reminder = ReminderLog(
            recipient=reader.text(item, "recipient", where, required=True, max_length=254),
            year=reader.integer(item, "year", where, required=True, low=1900, high=2200),
            quarter=reader.integer(item, "quarter", where, required=True, low=1, high=4),
            action_count=reader.integer(item, "action_count", where, low=0, high=100_000) or 0,
        )
        prepared.reminders.append((reminder, reader.moment(item, "sent_at", where)))


def _write(convention, prepared: _Prepared, *, with_files: bool) -> list:
    """Write in bulk (no history rows: the import is one event), then restore the dates."""
    users = find_accounts(
        [name for _u, name, _c, _a in prepared.updates]
        + [name for _m, name, _c in prepared.measurements]
    )
    for row, name in [(u, n) for u, n, _c, _a in prepared.updates] + [
        (m, n) for m, n, _c in prepared.measurements
    ]:
        row.author = users.get(name)
        row.author_name = "" if row.author else name
    updates = [update for update, _n, _c, _a in prepared.updates]
    for update in updates:
        update.convention = convention
    check_pks(ActionUpdate.objects.bulk_create(updates))
    measurements = [measurement for measurement, _n, _c in prepared.measurements]
    check_pks(Measurement.objects.bulk_create(measurements))
    reminders = [reminder for reminder, _s in prepared.reminders]
    for reminder in reminders:
        reminder.convention = convention
    check_pks(ReminderLog.objects.bulk_create(reminders))
    _restore_dates(ActionUpdate, "created_at", [(u, c) for u, _n, c, _a in prepared.updates])
    _restore_dates(Measurement, "created_at", [(m, c) for m, _n, c in prepared.measurements])
    _restore_dates(ReminderLog, "sent_at", prepared.reminders)
    if not with_files:
        return []
    pending, attachments = [], []
    for update, _n, _c, specs in prepared.updates:
        for spec in specs:
            attachment = UpdateAttachment(
                update=update, name=spec["name"], size=spec["size"], is_internal=spec["internal"]
            )
            filename = spec["file"].rsplit("/", 1)[-1].split("-", 1)[-1]
            attachment.file.name = attachment_path(attachment, filename)
            attachments.append(attachment)
            pending.append((attachment, spec["file"], spec["created_at"]))
    check_pks(UpdateAttachment.objects.bulk_create(attachments))
    _restore_dates(UpdateAttachment, "created_at", [(a, c) for a, _f, c in pending])
    return [(attachment, path) for attachment, path, _c in pending]


def _restore_dates(model, name: str, rows: list) -> None:
    """Give the rows back their dates (set to now by auto_now_add on creation)."""
    rows = [(row.pk, moment) for row, moment in rows if moment is not None]
    for start in range(0, len(rows), 200):
        chunk = rows[start : start + 200]
        model.objects.filter(pk__in=[pk for pk, _ in chunk]).update(
            **{name: Case(*[When(pk=pk, then=Value(moment)) for pk, moment in chunk])}
        )


def history_tables(convention, keys: dict[str, Keys]) -> list[HistoryTable]:
    """Return the history of the follow-up points and measurements, named as in the export."""
    order = outline_order(convention)
    # The history goes in the complete export only: every point, internal ones included.
    updates = _sorted_updates(convention, order, include_internal=True)
    updates = Keys({u.pk: rank for rank, u in enumerate(updates, 1)})
    indicator_ranks = _indicator_ranks(convention, order)
    indicators = Keys({pk: list(ranks) for pk, ranks in indicator_ranks.items()})
    measurements = Keys(
        {m.pk: rank for rank, m in enumerate(_sorted_measurements(convention, indicator_ranks), 1)}
    )
    nodes, ctg = keys["plans.PlanNode"], keys["conventions.Convention"]
    return [
        HistoryTable(
            ActionUpdate,
            ActionUpdate.history.filter(convention_id=convention.pk),
            {"id": updates, "node_id": nodes, "convention_id": ctg},
        ),
        HistoryTable(
            Measurement,
            Measurement.history.filter(indicator_id__in=list(indicator_ranks)),
            {"id": measurements, "indicator_id": indicators},
        ),
    ]
