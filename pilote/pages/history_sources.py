"""What the history of a CTG reads: each recorded model, and how its rows are found for one CTG."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from pilote.conventions.models import Amendment, Convention, Signatory
from pilote.governance.models import Attendance, Body, BodyMember, Decision, Meeting, Review
from pilote.monitoring.models import ActionUpdate, Measurement
from pilote.plans.models import BudgetLine, Indicator, IndicatorTarget, PlanLevel, PlanNode

CREATED, CHANGED, DELETED = "+", "~", "-"


# ---------------------------------------------------------------------------------------------
# What is recorded, and how each row is found for one CTG
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    model: type[models.Model]
    rows_of: Callable[[Convention], models.QuerySet]
    feminine: bool = False
    # Fields listed on a creation entry (a new update's status, a new measurement's value).
    summary: tuple[str, ...] = ()
    m2m: tuple[str, ...] = ()

    @property
    def history_model(self) -> type[models.Model]:
        return self.model.history.model


def _by_convention(model) -> Callable[[Convention], models.QuerySet]:
    return lambda convention: model.history.filter(convention_id=convention.pk)


def _convention_rows(convention: Convention) -> models.QuerySet:
    return Convention.history.filter(id=convention.pk)


def _budget_rows(convention: Convention) -> models.QuerySet:
    # Deleted elements keep their historical rows: their budget lines stay in the history.
    node_ids = PlanNode.history.filter(convention_id=convention.pk).values("id")
    return BudgetLine.history.filter(node_id__in=node_ids)


def _indicator_child_rows(model) -> Callable[[Convention], models.QuerySet]:
    def rows(convention: Convention) -> models.QuerySet:
        indicator_ids = Indicator.history.filter(convention_id=convention.pk).values("id")
        return model.history.filter(indicator_id__in=indicator_ids)

    return rows


def _child_rows(model, parent, link: str) -> Callable[[Convention], models.QuerySet]:
    """Return the rows of a model whose parent (found by its own history) is the CTG's."""

    def rows(convention: Convention) -> models.QuerySet:
        parent_ids = parent.history.filter(convention_id=convention.pk).values("id")
        return model.history.filter(**{f"{link}__in": parent_ids})

    return rows


SOURCES = [
    Source("ctg", "CTG", Convention, _convention_rows, feminine=True, m2m=("communes",)),
    Source("signataire", "Signataires", Signatory, _by_convention(Signatory)),
    Source("avenant", "Avenants", Amendment, _by_convention(Amendment), summary=("subject",)),
    Source("niveau", "Niveaux du plan", PlanLevel, _by_convention(PlanLevel)),
    Source(
        "element",
        "Éléments du plan (axes, fiches, actions…)",
        PlanNode,
        _by_convention(PlanNode),
        m2m=("pilots", "partners", "thematics", "communes"),
    ),
    Source(
        "budget",
        "Lignes budgétaires",
        BudgetLine,
        _budget_rows,
        feminine=True,
        summary=("amount", "year"),
    ),
    Source("indicateur", "Indicateurs", Indicator, _by_convention(Indicator)),
    Source(
        "cible",
        "Cibles d’indicateurs",
        IndicatorTarget,
        _indicator_child_rows(IndicatorTarget),
        feminine=True,
        summary=("value",),
    ),
    Source(
        "suivi",
        "Points de suivi",
        ActionUpdate,
        _by_convention(ActionUpdate),
        summary=("status", "progress", "done", "difficulties", "next_steps", "submitted_by_name"),
    ),
    Source(
        "mesure",
        "Mesures d’indicateurs",
        Measurement,
        _indicator_child_rows(Measurement),
        feminine=True,
        summary=("value", "comment", "submitted_by_name"),
    ),
    Source("instance", "Instances de gouvernance", Body, _by_convention(Body), summary=("kind",)),
    Source(
        "membre",
        "Membres des instances",
        BodyMember,
        _child_rows(BodyMember, Body, "body_id"),
        summary=("role", "voting"),
    ),
    Source("reunion", "Réunions", Meeting, _by_convention(Meeting), summary=("kind", "body")),
    Source(
        "presence",
        "Présences aux réunions",
        Attendance,
        _child_rows(Attendance, Meeting, "meeting_id"),
        summary=("status",),
    ),
    Source(
        "decision",
        "Décisions",
        Decision,
        _child_rows(Decision, Meeting, "meeting_id"),
        summary=("kind", "node", "postponed_to", "postponed_quarter"),
    ),
    # The history of a bilan leaves its frozen content out (see Review.history).
    Source("bilan", "Bilans", Review, _by_convention(Review), summary=("status",)),
]
SOURCES_BY_KEY = {source.key: source for source in SOURCES}
SOURCE_CHOICES = [(source.key, source.label) for source in SOURCES]
