"""Record the versions of a CTG's plan: as signed, then after each avenant.

Each function runs in one transaction and raises GovernanceError, with a French message for the
user, when the change is refused: nothing is written then.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from pilote.accounts.perms import can_edit_convention
from pilote.conventions.models import Amendment, Convention

from ..exceptions import GovernanceError
from ..models import PlanVersion
from .history import plan_rows


def _check_can_edit(by, convention: Convention) -> None:
    if not can_edit_convention(by, convention):
        raise GovernanceError("Vous n'avez pas le droit de modifier cette CTG.")


def _snapshot(convention: Convention) -> list[dict]:
    return [row.as_json() for row in plan_rows(convention)]


def _lock(convention: Convention) -> None:
    # Two editors recording at once wait for each other (PostgreSQL; SQLite locks the database).
    Convention.objects.select_for_update().filter(pk=convention.pk).first()


def freeze_signed_plan(convention: Convention, *, by) -> PlanVersion:
    """Store the CTG's current plan as the plan as signed, the reference of the avenants."""
    _check_can_edit(by, convention)
    with transaction.atomic():
        _lock(convention)
        if PlanVersion.objects.filter(convention=convention, amendment__isnull=True).exists():
            raise GovernanceError(
                "Le plan tel que signé est déjà figé : il reste la référence à laquelle les "
                "avenants sont comparés."
            )
        try:
            with transaction.atomic():
                return PlanVersion.objects.create(
                    convention=convention, taken_by=by, nodes=_snapshot(convention)
                )
        except IntegrityError as error:  # frozen meanwhile by someone else
            raise GovernanceError("Le plan tel que signé vient d'être figé.") from error


def record_amendment_plan(amendment: Amendment, *, by, replace: bool = False) -> PlanVersion:
    """Store the CTG's current plan as the plan after this avenant.

    The signed plan must be frozen first, and versions follow the avenants' order. With replace,
    the avenant's version is recorded again; only the latest version may be.
    """
    convention = amendment.convention
    _check_can_edit(by, convention)
    with transaction.atomic():
        _lock(convention)
        versions = list(
            PlanVersion.objects.filter(convention=convention).select_related("amendment")
        )
        if not any(version.amendment_id is None for version in versions):
            raise GovernanceError(
                "Figez d'abord le plan tel que signé : c'est la référence à laquelle le plan "
                f"après l'avenant n° {amendment.number} sera comparé. Sans elle, les "
                "changements apportés par l'avenant ne pourraient pas être montrés."
            )
        recorded = [v for v in versions if v.amendment_id is not None]
        own = next((v for v in recorded if v.amendment_id == amendment.pk), None)
        later = sorted(
            v.amendment.number for v in recorded if v.amendment.number > amendment.number
        )
        if own is not None and not replace:
            raise GovernanceError(
                f"Le plan après l'avenant n° {amendment.number} est déjà enregistré."
            )
        if later:
            what = "enregistré à nouveau" if own is not None else "enregistré"
            raise GovernanceError(
                f"Le plan après l'avenant n° {amendment.number} ne peut plus être {what} : "
                f"celui de l'avenant n° {later[-1]}, plus récent, l'est déjà. Les versions du "
                "plan suivent l'ordre des avenants."
            )
        nodes = _snapshot(convention)
        if own is not None:
            own.nodes = nodes
            own.taken_by = by
            own.taken_at = timezone.now()
            own.save(update_fields=["nodes", "taken_by", "taken_at"])
            return own
        return PlanVersion.objects.create(
            convention=convention, amendment=amendment, taken_by=by, nodes=nodes
        )
