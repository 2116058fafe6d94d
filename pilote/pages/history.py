"""The history of a CTG: every recorded change to it, its plan and its follow-up, in French.

django-simple-history writes one historical row per save (and per change of a recorded
many-to-many field). This module reads them back for one CTG in a bounded number of queries:
each historical table is read newest first up to a limit, the rows are merged by date in Python,
the rows of one edit (a save followed by its many-to-many changes) are grouped into one entry,
and each entry is compared with the row before it to say what changed. What is read is listed
in history_sources (one Source per recorded model), how an entry is worded in history_entries.

The JSON import and the demo loading write the plan (and the JSON import the governance) with
bulk_create, which records no history: the CTG's own creation row (and those of its plan levels)
stands for the whole import. The plan import from a document or a spreadsheet
(plans.services.create_nodes) records one « créé » row per element with its author, because it
adds to a CTG that already has a history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from pilote.conventions.models import Convention

from .history_entries import Entry, describe
from .history_sources import CREATED, SOURCES, SOURCES_BY_KEY, Source

PAGE_SIZE = 30
# Rows read per historical table for one page: an entry groups a few rows (a save and the
# many-to-many changes of the same edit).
ROWS_PER_SOURCE = 3 * PAGE_SIZE + 1
# Rows of the same object by the same user this close in time belong to one edit.
EDIT_WINDOW = datetime.timedelta(seconds=5)


# ---------------------------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------------------------


@dataclass
class HistoryPage:
    entries: list[Entry]
    next_cursor: datetime.datetime | None


@dataclass
class Filters:
    source: str = ""
    user_id: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    before: datetime.datetime | None = None


def history_page(convention: Convention, filters: Filters | None = None) -> HistoryPage:
    """Return the latest entries of the CTG's history matching the filters (bounded queries)."""
    filters = filters or Filters()
    sources = [SOURCES_BY_KEY[filters.source]] if filters.source else SOURCES
    rows: list[tuple[Source, Any]] = []
    cut: datetime.datetime | None = None
    for source in sources:
        found = list(_source_rows(source, convention, filters)[:ROWS_PER_SOURCE])
        rows += [(source, row) for row in found]
        if len(found) == ROWS_PER_SOURCE:
            # Rows older than this source's last one may be missing from the others' merge.
            oldest = found[-1].history_date
            cut = oldest if cut is None else max(cut, oldest)
    rows.sort(key=lambda item: (item[1].history_date, item[1].history_id), reverse=True)
    if cut is not None:
        rows = [item for item in rows if item[1].history_date >= cut]
    groups = _group(rows)
    has_more = cut is not None or len(groups) > PAGE_SIZE
    groups = groups[:PAGE_SIZE]
    next_cursor = None
    if has_more and groups:
        next_cursor = min(row.history_date for _source, group in groups for row in group)
    return HistoryPage(describe(convention, groups), next_cursor)


def _source_rows(source: Source, convention: Convention, filters: Filters) -> models.QuerySet:
    history = source.history_model
    previous = (
        history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    rows = (
        source.rows_of(convention)
        .select_related("history_user")
        .annotate(previous_id=Subquery(previous))
        .order_by("-history_date", "-history_id")
    )
    if filters.user_id:
        rows = rows.filter(history_user_id=filters.user_id)
    if filters.start:
        rows = rows.filter(history_date__gte=_local_midnight(filters.start))
    if filters.end:
        rows = rows.filter(history_date__lt=_local_midnight(filters.end + datetime.timedelta(1)))
    if filters.before:
        rows = rows.filter(history_date__lt=filters.before)
    return rows


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _group(rows: list[tuple[Source, Any]]) -> list[tuple[Source, list[Any]]]:
    """Return the rows grouped by edit: consecutive rows of one object, user and moment."""
    groups: list[tuple[Source, list[Any]]] = []
    for source, row in rows:
        if groups:
            last_source, last_rows = groups[-1]
            last = last_rows[-1]
            if (
                last_source is source
                and last.id == row.id
                and last.history_user_id == row.history_user_id
                and last.history_date - row.history_date <= EDIT_WINDOW
                and last.history_type != CREATED
            ):
                last_rows.append(row)
                continue
        groups.append((source, [row]))
    return groups
