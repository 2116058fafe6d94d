"""The content version of a CTG: moved by every write to what any of its pages shows.

Each app registers, in its AppConfig.ready(), its models and the path from one of them to its
CTG (register(Facility, "convention"), register(BudgetLine, "node__convention")); a save or a
delete of a registered model, or a change to one of its many-to-many links, then adds one to
its CTG's Convention.content_version (UPDATE … SET v = v + 1, never read first) right after
the writer's transaction commits, before its response. The writes that send no signal
(QuerySet.update, bulk_create, bulk_update, raw SQL) call bump() themselves. The cached
fragments of the CTG's pages are keyed by this version (pilote.core.fragments): a stale page
would be a bug, so when in doubt, bump.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import F, Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Convention

_registry: dict[type[Model], str] = {}
_CLEARED = "_pilote_cleared_conventions"


def register(model: type[Model], path: str) -> None:
    """Make every write to the model move the version of its CTG, found by this path.

    path: the foreign keys from the model to its Convention, joined by "__" as in a query
    ("convention", "indicator__convention"); "" for Convention itself.
    """
    _registry[model] = path
    uid = f"content-version-{model._meta.label}"
    post_save.connect(_saved, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_saved, sender=model, dispatch_uid=uid, weak=False)
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(
            _m2m_changed, sender=field.remote_field.through, dispatch_uid=uid, weak=False
        )


def registered_models() -> dict[type[Model], str]:
    """Return the registered models and their paths to their CTG."""
    return dict(_registry)


class PendingBump:
    """An on_commit callback moving the versions of these CTGs (one per CTG and transaction)."""

    def __init__(self, ids: set[int]) -> None:
        self.ids, self.done = ids, False

    def __call__(self) -> None:
        self.done = True
        _update(self.ids)


def bump(*conventions: Convention | int | None) -> None:
    """Add one to the content version of these CTGs (instances or ids; None is skipped).

    Within a transaction the bump runs right after the commit, in the same request, once per
    CTG however many writes: bumping inside the transaction would lock the CTG's row after
    the rows the writer already holds, against the order of conventions.locks (deadlocks).
    Outside a transaction it runs at once, after the write.
    """
    ids = {c if isinstance(c, int) else c.pk for c in conventions if c is not None}
    ids.discard(None)
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _update(ids)
        return
    # A bump registered inside a savepoint that is rolled back leaves the list with it.
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, PendingBump) and not callback.done:
            ids -= callback.ids
    if ids:
        transaction.on_commit(PendingBump(ids))


def _update(ids: set[int]) -> None:
    Convention.objects.filter(pk__in=ids).update(content_version=F("content_version") + 1)


def bump_all() -> None:
    """Move the version of every CTG (a restore, a data migration: anything may have changed)."""
    Convention.objects.update(content_version=F("content_version") + 1)


def convention_id_of(instance: Model, path: str | None = None) -> int | None:
    """Return the id of the CTG of a registered model's instance, following its path."""
    if path is None:
        path = _registry[type(instance)]
    if not path:
        return instance.pk
    *hops, last = path.split("__")
    current = instance
    for hop in hops:
        try:
            current = getattr(current, hop)
        except ObjectDoesNotExist:
            return None
        if current is None:
            return None
    return getattr(current, f"{last}_id")


def _saved(sender, instance, **kwargs) -> None:
    bump(convention_id_of(instance, _registry[sender]))


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """Bump the CTGs whose registered side of the link changed (either side may be given)."""
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            bump(convention_id_of(instance, _registry[type(instance)]))
        return
    # instance is on the other side (an organisation, a commune): model is the registered one.
    path = _registry[model]
    if action == "pre_clear":
        field = next(f for f in model._meta.local_many_to_many if f.remote_field.through is sender)
        rows = model._default_manager.filter(**{field.name: instance.pk})
        setattr(instance, _CLEARED, list(rows.values_list(path or "pk", flat=True)))
    elif action == "post_clear":
        bump(*getattr(instance, _CLEARED, ()))
    elif action in {"post_add", "post_remove"} and pk_set:
        rows = model._default_manager.filter(pk__in=pk_set)
        bump(*rows.values_list(path or "pk", flat=True).distinct())


def register_all(models: Iterable[tuple[type[Model], str]]) -> None:
    """Register several models at once (see register)."""
    for model, path in models:
        register(model, path)


def bump_for(objects: Iterable[Model]) -> None:
    """Bump the CTGs of these registered objects (after a bulk_create or a bulk_update)."""
    bump(*{convention_id_of(obj) for obj in objects})
