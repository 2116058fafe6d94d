"""The catalogue version: one counter for the data that many CTGs' pages show.

A CTG's own content has its version on its row (pilote.conventions.versioning); what is shared
by many CTGs (people's and organisations' names, the territories and their populations) moves
this one counter instead, which every cached fragment's key includes
(pilote.core.fragments). The apps that own such models register them in their
AppConfig.ready(): a save or delete of a registered model (or of the watched fields only,
when given) adds one, right after the writer's transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import CatalogueVersion

_ROW = 1
_registry: dict[type, frozenset[str] | None] = {}


def catalogue_version() -> int:
    """Return the current catalogue version (one query)."""
    value = CatalogueVersion.objects.filter(pk=_ROW).values_list("value", flat=True).first()
    return value or 0


def catalogue_version_subquery() -> Subquery:
    """Return the catalogue version as a subquery, to read it with another row."""
    return Subquery(CatalogueVersion.objects.filter(pk=_ROW).values("value")[:1])


def bump_catalogue() -> None:
    """Add one to the catalogue version, without reading it first.

    Within a transaction, once, right after the commit (as pilote.conventions.versioning
    does, and for the same reason: no lock taken after the writer's own).
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump_now()
        return
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, PendingCatalogueBump) and not callback.done:
            return
    transaction.on_commit(PendingCatalogueBump())


class PendingCatalogueBump:
    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _bump_now()


def _bump_now() -> None:
    if not CatalogueVersion.objects.filter(pk=_ROW).update(value=F("value") + 1):
        # The row is made by the migration; a flushed test database lacks it.
        _, created = CatalogueVersion.objects.get_or_create(pk=_ROW, defaults={"value": 1})
        if not created:
            CatalogueVersion.objects.filter(pk=_ROW).update(value=F("value") + 1)


def move_catalogue_past(value: int) -> None:
    """Set the catalogue version above both this value and the current one (a restore).

    Restored rows come back with old versions: every key made before them, in any process's
    memory too, becomes unreachable only if the catalogue goes where it never was.
    """
    highest = max(value, catalogue_version())
    CatalogueVersion.objects.update_or_create(pk=_ROW, defaults={"value": highest + 1})


def register_catalogue(model: type, *, fields: Iterable[str] | None = None) -> None:
    """Make every save or delete of the model (or of these fields only) bump the catalogue."""
    _registry[model] = frozenset(fields) if fields is not None else None
    uid = f"catalogue-{model._meta.label}"
    post_save.connect(_saved, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid, weak=False)
    for field in model._meta.many_to_many:
        m2m_changed.connect(
            _m2m_changed, sender=field.remote_field.through, dispatch_uid=uid, weak=False
        )


def catalogue_models() -> dict[type, frozenset[str] | None]:
    """Return the registered models and their watched fields (None: all of them)."""
    return dict(_registry)


def _saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    watched = _registry.get(sender)
    shown = watched is None or update_fields is None or watched & set(update_fields)
    if not created and not shown:
        return  # e.g. last_login, written at every login, is shown nowhere
    bump_catalogue()


def _deleted(sender, instance, **kwargs) -> None:
    bump_catalogue()


def _m2m_changed(sender, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        bump_catalogue()
