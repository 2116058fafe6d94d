"""The « Corbeille » of a CTG: what its editors delete waits there 30 days, to be restored.

``discard`` replaces a plain deletion at every page that deletes something a user made (an
element of the plan, a facility, a member, a meeting… and the CTG itself): the rows go, kept in a
``TrashItem`` with the links they cut, and their files stay on disk. ``restore_item`` puts it all
back; ``purge_item`` and ``purge_expired`` delete the item and the files for good.

The items of a CTG belong to it: deleting the CTG takes them into its own item, restoring the
CTG brings them back.
"""

from __future__ import annotations

import datetime
from contextlib import nullcontext

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from pilote.accounts.audit import record
from pilote.accounts.enums import AuditAction
from pilote.core import trash as core_trash
from pilote.core.deletion import what_goes
from pilote.core.history import acting_as
from pilote.core.trash import TrashError

from . import signals
from .models import Convention, TrashItem, TrashKind

__all__ = [
    "TrashError",
    "discard",
    "discard_convention",
    "purge_expired",
    "purge_item",
    "restore_item",
    "retention",
]


def retention() -> datetime.timedelta:
    """Return how long a deleted thing stays in the trash."""
    return datetime.timedelta(days=settings.TRASH_RETENTION_DAYS)


def _user_name(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return (user.get_full_name() or user.get_username())[:150]


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _acting(user):
    return acting_as(user) if _user(user) else nullcontext()


def _discard(obj: models.Model, *, user, kind: str, label: str, **where) -> TrashItem:
    goes = what_goes(obj)
    payload = core_trash.snapshot(obj)
    now = timezone.now()
    obj.delete()  # files stay on disk until the item is purged
    record(
        AuditAction.DELETED,
        user=_user(user),
        convention=where.get("convention"),
        departement=where.get("departement"),
        target=label[:255],
        kind=kind,
    )
    return TrashItem.objects.create(
        kind=kind,
        label=label[:500],
        what_goes=[[name, count] for name, count in goes],
        payload=core_trash.pack(payload),
        deleted_by=_user(user),
        deleted_by_name=_user_name(user),
        deleted_at=now,
        expires_at=now + retention(),
        **where,
    )


def discard(obj: models.Model, *, convention: Convention, user, kind: str, label: str) -> TrashItem:
    """Delete obj and what it carries into the CTG's trash; return the item (one transaction).

    Raise ProtectedError or RestrictedError, as obj.delete() would, when something holds it.
    """
    with transaction.atomic(), _acting(user):
        return _discard(obj, user=user, kind=kind, label=label, convention=convention)


def discard_convention(convention: Convention, *, user) -> TrashItem:
    """Delete a whole CTG into the trash of its département; return the item."""
    with transaction.atomic(), _acting(user):
        return _discard(
            convention,
            user=user,
            kind=TrashKind.CONVENTION,
            label=convention.name,
            departement=convention.departement,
            convention_name=convention.name,
            convention_slug=convention.slug,
        )


def restore_item(item: TrashItem, user=None) -> core_trash.Restored:
    """Put back what the item holds and drop the item; raise TrashError (nothing restored)."""
    if item.expires_at <= timezone.now():
        raise TrashError(
            f"« {item.label} » a dépassé son délai dans la corbeille et ne peut plus être restauré."
        )
    if (
        item.kind == TrashKind.CONVENTION
        and Convention.objects.filter(slug=item.convention_slug).exists()
    ):
        raise TrashError(
            f"Impossible de restaurer la CTG « {item.convention_name} » : une autre CTG porte "
            f"désormais l'identifiant « {item.convention_slug} »."
        )
    with transaction.atomic(), _acting(user):
        # Lock the item: two clicks on « Restaurer » restore once.
        locked = TrashItem.objects.select_for_update().filter(pk=item.pk).first()
        if locked is None:
            raise TrashError(f"« {item.label} » n'est plus dans la corbeille.")
        try:
            restored = core_trash.restore(
                core_trash.unpack(locked.payload), deleted_at=locked.deleted_at
            )
        except TrashError as error:
            raise _named(error, locked) from error
        locked.delete()
        signals.trash_restored.send(sender=type(restored.obj), obj=restored.obj, item=locked)
        record(
            AuditAction.RESTORED,
            user=_user(user),
            convention=restored.obj if locked.kind == TrashKind.CONVENTION else locked.convention,
            target=locked.label[:255],
            kind=locked.kind,
        )
    return restored


def _named(error: TrashError, item: TrashItem) -> TrashError:
    """Return the error naming the trash item that holds the missing row, if one does."""
    if error.missing is None or item.convention_id is None:
        return error
    model_label, pk = error.missing
    for other in TrashItem.objects.filter(convention_id=item.convention_id).exclude(pk=item.pk):
        if core_trash.unpack(other.payload)["root"] == [model_label, pk]:
            return TrashError(
                f"Impossible de restaurer « {item.label} » : il se rattache à "
                f"« {other.label} » ({other.get_kind_display()}), qui est dans la corbeille. "
                "Restaurez-le d'abord.",
                missing=error.missing,
            )
    return error


def _nested_payloads(payload: dict) -> list[dict]:
    """Return the payloads of the trash items held by a CTG's payload (its own trash)."""
    return [
        core_trash.unpack(row["fields"]["payload"])
        for row in core_trash.rows_of(payload, TrashItem._meta.label_lower)
    ]


def purge_item(item: TrashItem, user=None) -> None:
    """Delete the item for good; its files (and those of items it holds) go after the commit."""
    with transaction.atomic():
        payload = core_trash.unpack(item.payload)
        for held in (payload, *_nested_payloads(payload)):
            core_trash.purge_files(held)
        item.delete()
        record(
            AuditAction.DELETED,
            user=_user(user),
            convention=item.convention,
            departement=item.departement,
            target=item.label[:255],
            kind=item.kind,
            definitive=True,
        )


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete for good every item past its retention period; return how many went."""
    count = 0
    for item in TrashItem.objects.expired(now or timezone.now()).order_by("pk").iterator():
        purge_item(item)
        count += 1
    return count
