"""Demo: the Tarn-Agout CTG's plan as signed, and its mid-term avenant n° 1 (June 2025).

The plan validated at the COPIL of September 2023 is frozen as signed; the avenant that follows
the bilan intermédiaire then adds an objective, retitles one, widens the pilots of a fiche and
abandons an objective, through the plan's own services, and its version is recorded. The
side-by-side page then shows real changes. Nothing happens when the CTG already has versions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import User
from pilote.conventions.models import Convention
from pilote.conventions.services import AmendmentData, replace_amendments
from pilote.governance.exceptions import GovernanceError
from pilote.governance.models import Decision, PlanVersion
from pilote.governance.versions.history import diff_rows, plan_rows, version_rows
from pilote.governance.versions.services import freeze_signed_plan, record_amendment_plan
from pilote.monitoring.models import ActionUpdate
from pilote.plans.enums import Origin
from pilote.plans.models import PlanNode
from pilote.plans.removal import delete_node
from pilote.plans.services import NodeData, create_node, update_node

SLUG = "tarn-agout-2023-2026"
AUTHOR = "cooperation.tarnagout"
SIGNED_AT = datetime.datetime(2023, 9, 28, 18, 0)
AMENDMENT_DATE = datetime.date(2025, 6, 26)
AMENDMENT_SUBJECT = (
    "Bilan à mi-parcours validé en COPIL : ajout d'un objectif « espace jeunes itinérant », "
    "reformulation du point d'entrée jeunesse en Point Information Jeunesse, pilotage de la "
    "coordination des acteurs élargi à France services, retrait de l'objectif n° {number} "
    "jugé non réalisable en l'état."
)
# The objective the avenant removes: the first of these with neither follow-up updates nor
# decisions (so that no other demo data is lost or unlinked), else the first one.
ABANDON_CANDIDATES = ("20", "34", "38", "9", "32")
FICHE_YOUTH_OFFER = "11"  # "Développer l'offre de service sur le territoire"
RETITLED = "26"
RETITLE = (
    "Créer un Point Information Jeunesse (PIJ) labellisé : point d'entrée unique de "
    "l'information jeunesse, avec des permanences dans les communes"
)
FICHE_COORDINATION = "14"  # "Renforcer la coordination entre acteurs"
NEW_PILOT = "France services Tarn-Agout"
ADDED_NUMBER = "39"
ADDED_TITLE = "Ouvrir un espace jeunes itinérant dans les communes rurales du territoire"


@dataclass(frozen=True)
class DemoVersions:
    convention: Convention
    created: bool
    summary: str  # the avenant's changes, "1 élément ajouté, 1 retiré, 2 modifiés"


def _author() -> User:
    user = User.objects.filter(username=AUTHOR).first()
    if user is None or not user.memberships.filter(role=Role.COORDINATOR).exists():
        raise GovernanceError(
            "Chargez d'abord les CTG et les comptes de démonstration : python manage.py load_demo"
        )
    return user


def _node(convention: Convention, level_position: int, number: str) -> PlanNode:
    return PlanNode.objects.select_related("level", "convention").get(
        convention=convention, level__position=level_position, number=number
    )


def _data(node: PlanNode, **changes) -> NodeData:
    """Return the node's fiche as NodeData (budget and indicators untouched), with changes."""
    values = {
        "level": node.level,
        "title": node.title,
        "number": node.number,
        "objective": node.objective,
        "description": node.description,
        "expected_result": node.expected_result,
        "target_public": node.target_public,
        "whole_territory": node.whole_territory,
        "communes": list(node.communes.all()),
        "pilots": [o.name for o in node.pilots.all()],
        "partners": [o.name for o in node.partners.all()],
        "thematics": list(node.thematics.all()),
        "priority": node.priority,
        "origin": node.origin,
        "start_year": node.start_year,
        "start_quarter": node.start_quarter,
        "end_year": node.end_year,
        "end_quarter": node.end_quarter,
    }
    values.update(changes)
    return NodeData(**values)


def generate_demo_versions() -> DemoVersions:
    """Freeze the demo Tarn-Agout plan as signed and record its avenant n° 1 (once)."""
    convention = Convention.objects.select_related("departement", "epci").get(slug=SLUG)
    if PlanVersion.objects.filter(convention=convention).exists():
        return DemoVersions(convention, created=False, summary="")
    by = _author()
    levels = list(convention.levels.order_by("position"))
    objective_level = levels[-1].position
    fiche_level = levels[-2].position
    with transaction.atomic():
        signed = freeze_signed_plan(convention, by=by)

        abandoned = _abandoned(convention, objective_level)
        amendments = [
            AmendmentData(pk=a.pk, number=a.number, date=a.date, subject=a.subject)
            for a in convention.amendments.all()
        ]
        number = max((a.number for a in amendments), default=0) + 1
        replace_amendments(
            convention,
            by=by,
            amendments=[
                *amendments,
                AmendmentData(
                    number=number,
                    date=AMENDMENT_DATE,
                    subject=AMENDMENT_SUBJECT.format(number=abandoned.number),
                ),
            ],
        )
        amendment = convention.amendments.get(number=number)

        youth_offer = _node(convention, fiche_level, FICHE_YOUTH_OFFER)
        create_node(
            convention,
            by=by,
            parent=youth_offer,
            data=NodeData(
                level=levels[-1],
                number=ADDED_NUMBER,
                title=ADDED_TITLE,
                objective="Aller vers les 11-17 ans des communes sans structure jeunesse.",
                pilots=["Services Jeunesse"],
                partners=["MSA"],
                thematics=list(youth_offer.thematics.all()),
                origin=Origin.NEW,
                start_year=2025,
                end_year=2026,
            ),
        )
        retitled = _node(convention, objective_level, RETITLED)
        update_node(retitled, by=by, data=_data(retitled, title=RETITLE))
        coordination = _node(convention, fiche_level, FICHE_COORDINATION)
        pilots = [o.name for o in coordination.pilots.all()]
        update_node(coordination, by=by, data=_data(coordination, pilots=[*pilots, NEW_PILOT]))
        delete_node(abandoned)

        version = record_amendment_plan(amendment, by=by)
        # The demo's history: the plan was signed in 2023 and the avenant recorded in 2025.
        PlanVersion.objects.filter(pk=signed.pk).update(taken_at=timezone.make_aware(SIGNED_AT))
        PlanVersion.objects.filter(pk=version.pk).update(
            taken_at=timezone.make_aware(
                datetime.datetime.combine(AMENDMENT_DATE, SIGNED_AT.time())
            )
        )
    diff = diff_rows(version_rows(signed), plan_rows(convention))
    return DemoVersions(convention, created=True, summary=diff.summary)


def _abandoned(convention: Convention, level_position: int) -> PlanNode:
    candidates = [_node(convention, level_position, number) for number in ABANDON_CANDIDATES]
    used = set(
        ActionUpdate.objects.filter(node__in=candidates).values_list("node_id", flat=True)
    ) | set(Decision.objects.filter(node__in=candidates).values_list("node_id", flat=True))
    return next((node for node in candidates if node.pk not in used), candidates[0])
