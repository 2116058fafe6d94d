"""Keep what a deletion removes, to put it back: the rows, the links it cut, the stored files.

``snapshot(obj)`` walks the relations with Django's deletion Collector, as ``obj.delete()``
itself does, and serializes every row it is about to remove (many-to-many link rows included)
with the rows that only lose their link to obj (SET_NULL). ``restore(payload)`` saves them back
raw, in one transaction: no history row is written, the primary keys are those of before, and
the links cut are tied again where nobody has set them since. Files stay where they are while
their rows are in the trash; ``purge_files`` removes them when the trash is emptied.

History rows (django-simple-history) do not cascade and are not collected: the rows that the
deletion itself writes (type « - ») are removed by ``restore``, so that a restored row's history
reads as before its deletion.
"""

from __future__ import annotations

import base64
import datetime
import json
import zlib
from dataclasses import dataclass, field

from django.apps import apps
from django.core import serializers
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models.deletion import Collector

PAYLOAD_VERSION = 1


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder without its rounding: times keep their microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class TrashError(Exception):
    """A restore that cannot be done; the message, in French, names the obstacle."""

    def __init__(self, message: str, *, missing: tuple[str, object] | None = None):
        super().__init__(message)
        self.message = message
        # The row a restored row points to that is gone: (model label, primary key).
        self.missing = missing


@dataclass
class Restored:
    """What a restore gave back: the first row (the object deleted) and the files not found."""

    obj: models.Model
    rows: int
    missing_files: list[str] = field(default_factory=list)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _columns(model: type[models.Model]) -> list[str]:
    # Many-to-many relations travel as the rows of their own table, never as lists.
    return [f.name for f in model._meta.local_concrete_fields if not f.primary_key]


def _collect(obj: models.Model) -> Collector:
    collector = Collector(using=router.db_for_write(type(obj), instance=obj))
    collector.collect([obj])  # raises ProtectedError / RestrictedError as delete() would
    collector.sort()
    return collector


def _groups(collector: Collector) -> list[tuple[type[models.Model], list[models.Model]]]:
    """Return the rows the deletion removes, model by model, in the order it removes them."""
    groups: dict[type[models.Model], dict[object, models.Model]] = {}
    # Rows without signals or cascades of their own are "fast deleted" by a query: they go
    # first (Collector.delete runs them before the others).
    for queryset in collector.fast_deletes:
        rows = groups.setdefault(queryset.model, {})
        for row in queryset:
            rows[row.pk] = row
    for model, instances in collector.data.items():
        rows = groups.setdefault(model, {})
        # Descending here, ascending once reversed for the restore: parents usually first.
        for row in sorted(instances, key=lambda row: row.pk, reverse=True):
            rows[row.pk] = row
    return [(model, list(rows.values())) for model, rows in groups.items() if rows]


def _unlinked(collector: Collector) -> list[dict]:
    """Return the SET_NULL changes the deletion makes: which rows lose which link."""
    links = []
    for (fk, _value), batches in collector.field_updates.items():
        pairs: list[tuple[object, object]] = []
        for batch in batches:
            if isinstance(batch, models.QuerySet):
                pairs += list(batch.values_list("pk", fk.attname))
            else:
                pairs += [(row.pk, getattr(row, fk.attname)) for row in batch]
        if pairs:
            links.append(
                {"model": _label(fk.model), "field": fk.attname, "rows": [list(p) for p in pairs]}
            )
    return links


def snapshot(obj: models.Model) -> dict:
    """Return what deleting obj removes and unlinks, as a JSON-ready dict (see restore)."""
    collector = _collect(obj)
    rows, files = [], []
    for model, instances in _groups(collector):
        rows += serializers.serialize("python", instances, fields=_columns(model))
        for instance in instances:
            for file_field in _file_fields(model):
                name = getattr(instance, file_field.attname)
                if name:
                    files.append([_label(model), file_field.name, str(name)])
    # Restoring goes the other way: parents before the rows that point to them.
    rows.reverse()
    return {
        "version": PAYLOAD_VERSION,
        "root": [_label(type(obj)), obj.pk],
        "rows": json.loads(json.dumps(rows, cls=_Encoder)),
        "unlinked": json.loads(json.dumps(_unlinked(collector), cls=_Encoder)),
        "files": files,
    }


def pack(payload: dict) -> str:
    """Return the payload compressed, as text (zlib, then base64)."""
    raw = json.dumps(payload, cls=_Encoder, separators=(",", ":")).encode()
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def unpack(text: str) -> dict:
    """Return the payload that pack() gave as text."""
    return json.loads(zlib.decompress(base64.b64decode(text)))


def row_count(payload: dict) -> int:
    """Return how many rows a payload holds."""
    return len(payload["rows"])


def rows_of(payload: dict, model_label: str) -> list[dict]:
    """Return the serialized rows of one model ("conventions.trashitem") held by a payload."""
    return [row for row in payload["rows"] if row["model"] == model_label]


def _describe(model: type[models.Model], pk) -> str:
    try:
        shown = str(model._base_manager.get(pk=pk))
    except (model.DoesNotExist, ValueError, TypeError):
        shown = f"n° {pk}"
    return f"{model._meta.verbose_name} « {shown} »"


def _foreign_keys(payload: dict):
    """Yield (row, field, target model, target column, value) of every link a row holds."""
    held = {(row["model"], row["pk"]) for row in payload["rows"]}
    for row in payload["rows"]:
        model = apps.get_model(row["model"])
        for fk in model._meta.concrete_fields:
            if not fk.is_relation or fk.name not in row["fields"]:
                continue
            value = row["fields"][fk.name]
            target, column = fk.related_model, fk.target_field.name
            if value is None or (
                column == target._meta.pk.name and (_label(target), value) in held
            ):
                continue
            yield row, fk, target, column, value


def _check_parents(payload: dict) -> None:
    """Raise TrashError if a row points to a row that is neither in the payload nor in the base.

    A link that the deletion of its target would have emptied (SET_NULL: an author whose
    account is gone since) is emptied instead.
    """
    links = list(_foreign_keys(payload))
    wanted: dict[tuple[type[models.Model], str], set] = {}
    for _row, _fk, target, column, value in links:
        wanted.setdefault((target, column), set()).add(value)
    gone: dict[tuple[type[models.Model], str], set] = {}
    for (target, column), values in wanted.items():
        found = target._base_manager.filter(**{f"{column}__in": values})
        gone[target, column] = values - set(found.values_list(column, flat=True))
    for row, fk, target, column, value in links:
        if value not in gone[target, column]:
            continue
        if fk.null and fk.remote_field.on_delete is models.SET_NULL:
            row["fields"][fk.name] = None
            continue
        raise TrashError(
            f"Impossible de restaurer : ces données se rattachent à {target._meta.verbose_name}"
            f" n° {value}, qui n'existe plus (si cet élément est dans la corbeille, "
            "restaurez-le d'abord).",
            missing=(_label(target), value) if column == target._meta.pk.name else None,
        )


def _save_rows(payload: dict, using: str) -> list[models.Model]:
    saved = []
    try:
        objects = list(serializers.deserialize("python", payload["rows"], using=using))
    except DeserializationError as error:
        raise TrashError(
            "Impossible de restaurer : le contenu gardé dans la corbeille ne correspond plus "
            "à la structure de la base (une mise à jour l'a modifiée)."
        ) from error
    for item in objects:
        model = type(item.object)
        if model._base_manager.using(using).filter(pk=item.object.pk).exists():
            raise TrashError(
                f"Impossible de restaurer : {_describe(model, item.object.pk)} existe déjà."
            )
        try:
            with transaction.atomic(using=using):
                item.save(using=using, force_insert=True)
        except IntegrityError as error:
            raise TrashError(
                f"Impossible de restaurer {model._meta.verbose_name} « {item.object} » : "
                "une donnée enregistrée depuis porte déjà le même numéro ou le même nom. "
                "Modifiez-la, puis restaurez à nouveau."
            ) from error
        saved.append(item.object)
    return saved


def _relink(payload: dict, using: str) -> None:
    """Tie again the links the deletion cut, on the rows that still exist and are still unset."""
    for link in payload["unlinked"]:
        model = apps.get_model(link["model"])
        for pk, value in link["rows"]:
            model._base_manager.using(using).filter(pk=pk, **{link["field"]: None}).update(
                **{link["field"]: value}
            )


def _forget_deletion_history(payload: dict, deleted_at: datetime.datetime | None, using: str):
    """Remove the « - » history rows that the deletion wrote for the rows now restored."""
    if deleted_at is None:
        return
    pks_by_model: dict[type[models.Model], list] = {}
    for row in payload["rows"]:
        pks_by_model.setdefault(apps.get_model(row["model"]), []).append(row["pk"])
    for model, pks in pks_by_model.items():
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if not manager:
            continue
        historical = getattr(model, manager).model
        pk_name = model._meta.pk.attname
        historical._base_manager.using(using).filter(
            history_type="-", history_date__gte=deleted_at, **{f"{pk_name}__in": pks}
        ).delete()


def restore(payload: dict, *, deleted_at: datetime.datetime | None = None) -> Restored:
    """Put back what a snapshot holds, all or nothing; raise TrashError naming the obstacle.

    deleted_at, when given, is when the deletion happened: the history rows it wrote go.
    """
    if payload.get("version") != PAYLOAD_VERSION:
        raise TrashError("Impossible de restaurer : ce contenu de corbeille est d'un autre format.")
    model = apps.get_model(payload["root"][0])
    using = router.db_for_write(model)
    with transaction.atomic(using=using):
        _check_parents(payload)
        saved = _save_rows(payload, using)
        _relink(payload, using)
        _forget_deletion_history(payload, deleted_at, using)
        try:
            tables = {apps.get_model(row["model"])._meta.db_table for row in payload["rows"]}
            connections[using].check_constraints(table_names=sorted(tables))
        except IntegrityError as error:
            raise TrashError(
                "Impossible de restaurer : une donnée à laquelle ces éléments se rattachent "
                "n'existe plus."
            ) from error
    root = next(obj for obj in saved if obj.pk == model._meta.pk.to_python(payload["root"][1]))
    missing = [name for storage, name in stored_files(payload) if not storage.exists(name)]
    return Restored(obj=root, rows=len(saved), missing_files=missing)


def stored_files(payload: dict) -> list[tuple[object, str]]:
    """Return (storage, name) of every stored file that the payload's rows name."""
    found = []
    for model_label, field_name, name in payload["files"]:
        storage = apps.get_model(model_label)._meta.get_field(field_name).storage
        found.append((storage, name))
    return found


def purge_files(payload: dict) -> None:
    """Remove the payload's stored files once the current transaction commits."""
    files = stored_files(payload)

    def remove() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove)
