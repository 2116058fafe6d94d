"""The entries of a CTG's history, described in French: who changed what, and which fields."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone

from pilote.conventions.models import Amendment, Convention, Signatory
from pilote.governance.enums import ReviewKind
from pilote.governance.models import Attendance, Body, BodyMember, Decision, Meeting, Review
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.plans.models import BudgetLine, Indicator, IndicatorTarget, PlanLevel, PlanNode

from .history_sources import CHANGED, CREATED, DELETED, SOURCES_BY_KEY, Source

MAX_VALUE_LENGTH = 300
# Fields that say nothing to a reader of the history.
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "convention", "position"}
# First words of level names that are feminine in French ("Fiche action 2 … modifiée").
FEMININE_HEADS = {
    "action",
    "ambition",
    "fiche",
    "finalité",
    "mesure",
    "orientation",
    "priorité",
    "thématique",
}

VERBS = {
    CREATED: ("créé", "créée"),
    CHANGED: ("modifié", "modifiée"),
    DELETED: ("supprimé", "supprimée"),
}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    """One change shown in the history: an object created, modified or deleted by someone."""

    source: Source
    kind: str  # CREATED, CHANGED or DELETED
    date: datetime.datetime
    user: Any
    subject: str
    feminine: bool
    changes: list[FieldChange] = field(default_factory=list)
    details: list[FieldChange] = field(default_factory=list)
    url: str = ""

    @property
    def verb(self) -> str:
        return VERBS[self.kind][1 if self.feminine else 0]

    @property
    def sentence(self) -> str:
        """Return the entry as one French sentence, without its list of changes."""
        local = timezone.localtime(self.date)
        who = f" par {self.user}" if self.user else ""
        return f"{self.subject} {self.verb}{who} le {local:%d/%m/%Y} à {local:%H:%M}" + (
            " :" if self.changes or self.details else "."
        )


# ---------------------------------------------------------------------------------------------
# Describing the entries in French
# ---------------------------------------------------------------------------------------------


class _Labels:
    """The names of the CTG's elements, levels, indicators and m2m targets, read once."""

    def __init__(self, convention: Convention, groups, previous: dict) -> None:
        self.convention = convention
        # Historical names first, current ones over them (levels bulk-created have no rows).
        self.levels = dict(
            PlanLevel.history.filter(convention_id=convention.pk)
            .order_by("history_id")
            .values_list("id", "name")
        )
        self.levels.update(
            PlanLevel.objects.filter(convention=convention).values_list("pk", "name")
        )
        self.nodes: dict[int, tuple[str, str, int]] = {}
        node_rows = PlanNode.history.filter(convention_id=convention.pk)
        needed = {row.id for source, rows in groups if source.model is PlanNode for row in rows}
        needed |= {
            getattr(row, "node_id", None)
            for source, rows in groups
            if source.model in (BudgetLine, Indicator, ActionUpdate)
            for row in rows
        }
        # A decision may move from one element to another: name the former one too.
        needed |= {
            row.node_id
            for rows in [
                *(rows for source, rows in groups if source.model is Decision),
                [row for (key, _pk), row in previous.items() if key == "decision"],
            ]
            for row in rows
        }
        needed |= {
            row.parent_id for source, rows in groups if source.model is PlanNode for row in rows
        }
        self.indicators: dict[int, tuple[str, int | None]] = {}
        indicator_ids = {
            row.indicator_id
            for source, rows in groups
            if source.model in (IndicatorTarget, Measurement)
            for row in rows
        }
        indicator_ids |= {
            row.id for source, rows in groups if source.model is Indicator for row in rows
        }
        if indicator_ids:
            for pk, name, node_id in (
                Indicator.history.filter(id__in=indicator_ids)
                .order_by("history_id")
                .values_list("id", "name", "node_id")
            ):
                self.indicators[pk] = (name, node_id)
                needed.add(node_id)
        needed.discard(None)
        if needed:
            # The latest row of each element gives its current (or last) number and title.
            for pk, number, title, level_id in (
                node_rows.filter(id__in=needed)
                .order_by("history_id")
                .values_list("id", "number", "title", "level_id")
            ):
                self.nodes[pk] = (number, title, level_id)
            # Imported elements have no historical row: read them from the plan.
            missing = needed - self.nodes.keys()
            if missing:
                for pk, number, title, level_id in PlanNode.objects.filter(
                    pk__in=missing
                ).values_list("pk", "number", "title", "level_id"):
                    self.nodes[pk] = (number, title, level_id)
        user_ids = {
            getattr(row, name, None)
            for rows in [*(rows for _source, rows in groups), previous.values()]
            for row in rows
            for name in ("author_id", "closed_by_id")
        } - {None}
        self.users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
        self.live_nodes: set[int] = set(
            PlanNode.objects.filter(pk__in=self.nodes.keys()).values_list("pk", flat=True)
        )
        self._governance(groups, previous)

    def _governance(self, groups, previous: dict) -> None:
        """Read the names of the bodies, members and meetings the entries speak of."""
        rows = [(source.model, row) for source, group in groups for row in group]
        rows += [(SOURCES_BY_KEY[key].model, row) for (key, _pk), row in previous.items()]
        meeting_ids = {row.id for model, row in rows if model is Meeting}
        meeting_ids |= {
            row.meeting_id for model, row in rows if model in (Attendance, Decision, Review)
        }
        meeting_ids.discard(None)
        member_ids = {row.id for model, row in rows if model is BodyMember}
        member_ids |= {row.member_id for model, row in rows if model is Attendance}
        body_ids = {row.id for model, row in rows if model is Body}
        body_ids |= {row.body_id for model, row in rows if model in (BodyMember, Meeting)}
        # Historical rows first (deleted objects), the live ones over them; objects written
        # by a JSON import have no historical row.
        self.meetings: dict[int, tuple[str, int, datetime.date]] = {}
        self.live_meetings: set[int] = set()
        if meeting_ids:
            for pk, *values in (
                Meeting.history.filter(id__in=meeting_ids)
                .order_by("history_id")
                .values_list("id", "title", "body_id", "date")
            ):
                self.meetings[pk] = tuple(values)
            for pk, *values in Meeting.objects.filter(pk__in=meeting_ids).values_list(
                "pk", "title", "body_id", "date"
            ):
                self.meetings[pk] = tuple(values)
                self.live_meetings.add(pk)
        self.members: dict[int, tuple[str, str, int]] = {}
        if member_ids:
            for model in (BodyMember.history.order_by("history_id"), BodyMember.objects):
                for pk, *values in model.filter(id__in=member_ids).values_list(
                    "id", "person", "organisation", "body_id"
                ):
                    self.members[pk] = tuple(values)
        body_ids |= {body_id for _title, body_id, _date in self.meetings.values()}
        body_ids |= {body_id for _person, _organisation, body_id in self.members.values()}
        body_ids.discard(None)
        self.bodies: dict[int, str] = {}
        if body_ids:
            for model in (Body.history.order_by("history_id"), Body.objects):
                self.bodies.update(model.filter(id__in=body_ids).values_list("id", "name"))
        review_ids = {row.id for model, row in rows if model is Review}
        self.live_reviews: set[int] = set(
            Review.objects.filter(pk__in=review_ids).values_list("pk", flat=True)
            if review_ids
            else ()
        )

    def body(self, pk: int | None) -> str:
        return f"l’instance « {self.body_name(pk)} »"

    def body_name(self, pk: int | None) -> str:
        return _short(self.bodies.get(pk, "instance supprimée"))

    def member(self, pk: int | None) -> str:
        person, organisation, _body = self.members.get(pk, ("", "membre supprimé", None))
        return _short(f"{person} ({organisation})" if person else organisation)

    def meeting(self, pk: int | None) -> str:
        if pk not in self.meetings:
            return "une réunion supprimée"
        title, body_id, date = self.meetings[pk]
        if title:
            return f"la réunion « {_short(title)} » du {date:%d/%m/%Y}"
        return f"la réunion de {self.body(body_id)} du {date:%d/%m/%Y}"

    def meeting_name(self, pk: int | None) -> str:
        """Return a meeting as a field value: "COPIL d'installation (11/06/2026)"."""
        if pk not in self.meetings:
            return "réunion supprimée"
        title, body_id, date = self.meetings[pk]
        return f"{_short(title) if title else self.body_name(body_id)} ({date:%d/%m/%Y})"

    def node(self, pk: int | None, *, with_level: bool = True) -> str:
        if pk is None:
            return "–"
        number, title, level_id = self.nodes.get(pk, ("", "élément supprimé", None))
        title = title if len(title) <= 80 else title[:79] + "…"
        level = self.levels.get(level_id, "Élément") if with_level else ""
        head = " ".join(part for part in (level, number) if part)
        return f"{head} « {title} »" if head else f"« {title} »"

    def node_is_feminine(self, pk: int) -> bool:
        level = self.levels.get(self.nodes.get(pk, ("", "", None))[2], "")
        words = level.split()
        return bool(words) and words[0].casefold() in FEMININE_HEADS

    def indicator(self, pk: int | None) -> str:
        name, _node = self.indicators.get(pk, ("indicateur supprimé", None))
        name = name if len(name) <= 80 else name[:79] + "…"
        return f"l’indicateur « {name} »"


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def describe(convention: Convention, groups) -> list[Entry]:
    if not groups:
        return []
    previous = _previous_rows(groups)
    labels = _Labels(convention, groups, previous)
    m2m = _m2m_values(groups, previous)
    entries = []
    for source, rows in groups:
        newest, oldest = rows[0], rows[-1]
        if oldest.history_type == CREATED:
            kind = DELETED if newest.history_type == DELETED else CREATED
        else:
            kind = DELETED if newest.history_type == DELETED else CHANGED
        subject, feminine = _subject(source, newest, labels)
        entry = Entry(
            source=source,
            kind=kind,
            date=newest.history_date,
            user=newest.history_user,
            subject=subject,
            feminine=feminine,
            url=_url(convention, source, newest, labels),
        )
        if kind == CHANGED:
            before = previous.get((source.key, oldest.previous_id))
            if before is not None:
                entry.changes = _changes(source, before, newest, labels, m2m)
            if not entry.changes:
                continue  # a save that changed nothing shown (e.g. a move among siblings)
        elif kind == CREATED:
            entry.details = _details(source, newest, labels)
        entries.append(entry)
    return entries


def _subject(source: Source, row, labels: _Labels) -> tuple[str, bool]:
    model = source.model
    if model is Convention:
        return f"CTG « {row.name} »", True
    if model is Signatory:
        return f"Signataire « {row.organisation} »", False
    if model is Amendment:
        return f"Avenant n° {row.number}", False
    if model is PlanLevel:
        return f"Niveau du plan « {row.name} »", False
    if model is PlanNode:
        number, title = row.number, row.title
        title = title if len(title) <= 80 else title[:79] + "…"
        level = labels.levels.get(row.level_id, "Élément")
        head = " ".join(part for part in (level, number) if part)
        words = level.split()
        return f"{head} « {title} »", bool(words) and words[0].casefold() in FEMININE_HEADS
    if model is BudgetLine:
        return f"Ligne budgétaire « {row.funder} » de {labels.node(row.node_id)}", True
    if model is Indicator:
        where = f" de {labels.node(row.node_id)}" if row.node_id else " de la CTG"
        return f"Indicateur « {row.name} »{where}", False
    if model is IndicatorTarget:
        return f"Cible {row.year} de {labels.indicator(row.indicator_id)}", True
    if model is ActionUpdate:
        return f"Point de suivi T{row.quarter} {row.year} de {labels.node(row.node_id)}", False
    if model is Measurement:
        period = f"T{row.quarter} {row.year}" if row.quarter else str(row.year)
        return f"Mesure {period} de {labels.indicator(row.indicator_id)}", True
    if model is Body:
        return f"Instance « {_short(row.name)} »", True
    if model is BodyMember:
        who = f"{row.person} ({row.organisation})" if row.person else row.organisation
        return f"Membre « {_short(who)} » de {labels.body(row.body_id)}", False
    if model is Meeting:
        head = f"Réunion « {_short(row.title)} »" if row.title else "Réunion"
        return f"{head} de {labels.body(row.body_id)} du {row.date:%d/%m/%Y}", True
    if model is Attendance:
        member = labels.member(row.member_id)
        return f"Présence de « {member} » à {labels.meeting(row.meeting_id)}", True
    if model is Decision:
        return f"Décision « {_short(row.text, 60)} » de {labels.meeting(row.meeting_id)}", True
    if model is Review:
        kind = dict(ReviewKind.choices).get(row.kind, "Bilan")
        return f"{kind} {row.year}", False
    return str(row), False


def _url(convention: Convention, source: Source, row, labels: _Labels) -> str:
    node_id = None
    if source.model is PlanNode:
        node_id = row.id
    elif source.model in (BudgetLine, Indicator, ActionUpdate):
        node_id = row.node_id
    elif source.model in (IndicatorTarget, Measurement):
        node_id = labels.indicators.get(row.indicator_id, ("", None))[1]
    if node_id and node_id in labels.live_nodes:
        return reverse("plans:node", kwargs={"slug": convention.slug, "pk": node_id})
    meeting_id = None
    if source.model is Meeting:
        meeting_id = row.id
    elif source.model in (Attendance, Decision):
        meeting_id = row.meeting_id
    if meeting_id in labels.live_meetings:
        return reverse("governance:meeting", kwargs={"slug": convention.slug, "pk": meeting_id})
    if source.model is Review and row.id in labels.live_reviews:
        return reverse("governance:review", kwargs={"slug": convention.slug, "pk": row.id})
    if source.model in (Body, BodyMember):
        return reverse("governance:bodies", kwargs={"slug": convention.slug})
    return ""


def _previous_rows(groups) -> dict[tuple[str, int], Any]:
    """Return the row before each changed group, by (source key, history id): one query each."""
    wanted: dict[str, set[int]] = {}
    for source, rows in groups:
        previous_id = rows[-1].previous_id
        if previous_id is not None:
            wanted.setdefault(source.key, set()).add(previous_id)
    found = {}
    for key, ids in wanted.items():
        for row in SOURCES_BY_KEY[key].history_model.objects.filter(history_id__in=ids):
            found[(key, row.history_id)] = row
    return found


def _m2m_values(groups, previous) -> dict[tuple[str, str, int], list[str]]:
    """Return the names in each recorded many-to-many field, by (source, field, history id)."""
    values: dict[tuple[str, str, int], list[str]] = {}
    for source in {source for source, _rows in groups if source.m2m}:
        history_ids = {row.history_id for s, rows in groups if s is source for row in rows}
        history_ids |= {row.history_id for (key, _pk), row in previous.items() if key == source.key}
        for name in source.m2m:
            model_field = source.model._meta.get_field(name)
            target = model_field.m2m_reverse_field_name()
            m2m_model = apps.get_model(
                source.model._meta.app_label, f"Historical{source.model.__name__}_{name}"
            )
            for row in (
                m2m_model.objects.filter(history_id__in=history_ids)
                .select_related(target)
                .order_by("m2m_history_id")
            ):
                related = getattr(row, target)
                label = str(related) if related is not None else "(supprimé)"
                values.setdefault((source.key, name, row.history_id), []).append(label)
    return values


def _shown_fields(source: Source) -> list[models.Field]:
    # Fields left out of the history (a bilan's frozen content) have no value to compare.
    recorded = {f.attname for f in source.history_model._meta.concrete_fields}
    return [
        f
        for f in source.model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and not f.auto_created and f.attname in recorded
    ]


def _changes(source: Source, before, after, labels: _Labels, m2m) -> list[FieldChange]:
    changes = []
    for model_field in _shown_fields(source):
        old, new = getattr(before, model_field.attname), getattr(after, model_field.attname)
        if old != new:
            changes.append(
                FieldChange(
                    _label(model_field),
                    _format(model_field, old, labels),
                    _format(model_field, new, labels),
                )
            )
    for name in source.m2m:
        old = m2m.get((source.key, name, before.history_id), [])
        new = m2m.get((source.key, name, after.history_id), [])
        if sorted(old) != sorted(new):
            label = _label(source.model._meta.get_field(name))
            changes.append(
                FieldChange(label, ", ".join(sorted(old)) or "(vide)", ", ".join(sorted(new)))
            )
            if not changes[-1].new:
                changes[-1].new = "(vide)"
    return changes


def _details(source: Source, row, labels: _Labels) -> list[FieldChange]:
    details = []
    for name in source.summary:
        model_field = source.model._meta.get_field(name)
        value = getattr(row, model_field.attname)
        if value in (None, ""):
            continue
        details.append(FieldChange(_label(model_field), "", _format(model_field, value, labels)))
    return details


def _label(model_field) -> str:
    name = str(model_field.verbose_name)
    return name[:1].upper() + name[1:]


def _format(model_field, value, labels: _Labels) -> str:
    if value is None or value == "":
        return "(vide)"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "oui" if value else "non"
    if isinstance(model_field, models.ForeignKey):
        target = model_field.related_model
        if target is PlanLevel:
            return labels.levels.get(value, "niveau supprimé")
        if target is PlanNode:
            return labels.node(value)
        if target is Indicator:
            return labels.indicator(value)
        if target is get_user_model():
            return str(labels.users.get(value, "(compte supprimé)"))
        if target is Body:
            return labels.body_name(value)
        if target is BodyMember:
            return labels.member(value)
        if target is Meeting:
            return labels.meeting_name(value)
        return str(value)
    if isinstance(model_field, models.DecimalField):
        return formats.number_format(value, decimal_pos=2 if value % 1 else 0)
    if isinstance(model_field, models.DateTimeField):
        return f"{timezone.localtime(value):%d/%m/%Y à %H:%M}"
    if isinstance(model_field, models.DateField):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    return text if len(text) <= MAX_VALUE_LENGTH else text[: MAX_VALUE_LENGTH - 1] + "…"
