"""Refuse a save made from a stale edit page: every edit form carries the version it was read at.

The version is a hash of what the unbound forms show (each field's value as the page would
display it), so no column is needed and a change that does not touch the form (a move, a
follow-up point) is no conflict. A view compares, inside the transaction that holds the row
lock, the version posted back with the version of freshly built forms; when they differ it
raises ``StaleEdit`` with the fields where the stored values and the user's input part ways.
The page then shows both side by side, keeps the user's input in the form and carries the
fresh version, so that saving again re-applies it knowingly.
"""

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator

from django import forms
from django.db import models, transaction
from django.http import HttpRequest
from django.shortcuts import render

VERSION_FIELD = "version"
EMPTY = "(vide)"


@dataclasses.dataclass(frozen=True)
class ConflictRow:
    label: str
    theirs: str
    yours: str


@dataclasses.dataclass(frozen=True)
class Conflict:
    """What the other person saved, who and when, and the version to re-apply from."""

    rows: list[ConflictRow]
    version: str
    by: str = ""
    at: datetime.datetime | None = None


class StaleEdit(Exception):
    """The edited object changed since the page was read; carries the conflict to show."""

    def __init__(self, conflict: Conflict):
        super().__init__("Cette page a été modifiée par quelqu'un d'autre entre-temps.")
        self.conflict = conflict


def form_parts(*parts) -> Iterator[tuple[forms.BaseForm, str]]:
    """Yield (form, label prefix) for forms, formsets and bundles with conflict_parts()."""
    for part in parts:
        if hasattr(part, "conflict_parts"):
            yield from part.conflict_parts()
        elif isinstance(part, forms.BaseFormSet):
            label = getattr(part, "conflict_label", "Ligne")
            for number, form in enumerate(part.forms, 1):
                yield form, f"{label} {number} – "
        else:
            yield part, ""


def _visible(form: forms.BaseForm) -> Iterator[forms.BoundField]:
    return (field for field in form if not field.is_hidden)


def _normal(value) -> object:
    if isinstance(value, list | tuple | set | models.QuerySet):
        return sorted(str(item) for item in value)
    if value is None:
        return ""
    return str(value)


def version_of(*parts) -> str:
    """Return the version of the values that these unbound forms show."""
    items = [
        (field.html_name, _normal(field.value()))
        for form, _ in form_parts(*parts)
        for field in form
    ]
    encoded = json.dumps(items, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:20]


def submitted_version(data) -> str | None:
    """Return the version an edit page posted back (None: a client that sent none)."""
    if data is None:
        return None
    return data.get(VERSION_FIELD) or None


def _display(field: forms.Field, value) -> str:
    if isinstance(field, forms.BooleanField):
        return "Oui" if field.to_python(value) else "Non"
    values = value if isinstance(value, list | tuple) else [value]
    values = [v for v in values if v not in (None, "")]
    if not values:
        return EMPTY
    choices = getattr(field, "choices", None)
    if choices is not None:
        labels = {}
        for key, label in choices:
            if isinstance(label, list | tuple):  # option groups
                labels.update({str(k): str(text) for k, text in label})
            else:
                labels[str(key)] = str(label)
        return ", ".join(labels.get(str(_pk(v)), str(v)) for v in values)
    return ", ".join(str(field.prepare_value(v)) for v in values)


def _pk(value) -> object:
    return value.pk if isinstance(value, models.Model) else value


def _lines(value):
    """Return posted text with the browser's CRLF line ends as the stored LF ones."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, list):
        return [_lines(item) for item in value]
    return value


def conflict_rows(submitted: Iterable, fresh: Iterable) -> list[ConflictRow]:
    """Return, field by field, where the stored values and the user's input differ."""
    stored = {field.html_name: field for form, _ in form_parts(*fresh) for field in _visible(form)}
    rows = []
    for form, prefix in form_parts(*submitted):
        for field in _visible(form):
            current = stored.get(field.html_name)
            initial = current.initial if current is not None else None
            data = _lines(field.data)
            if not field.field.has_changed(initial, data):
                continue
            rows.append(
                ConflictRow(
                    label=f"{prefix}{field.label}",
                    theirs=_display(field.field, initial),
                    yours=_display(field.field, data),
                )
            )
    return rows


def last_change(*sources) -> tuple[str, datetime.datetime | None]:
    """Return who made the latest history row of these objects or history querysets, and when."""
    newest = None
    for source in sources:
        history = source.history.all() if isinstance(source, models.Model) else source
        record = history.order_by("-history_date").select_related("history_user").first()
        if record is not None and (newest is None or record.history_date > newest.history_date):
            newest = record
    if newest is None:
        return "", None
    user = newest.history_user
    return (str(user) if user is not None else ""), newest.history_date


def ensure_current(data, *, submitted, fresh, changed=()) -> None:
    """Raise StaleEdit when the posted version is not the version of the fresh forms.

    Call it inside the transaction that locked the edited rows (select_for_update), before
    the service writes: submitted are the bound forms, fresh the same forms built unbound from
    the locked rows, changed the objects (or history querysets) whose history says who changed.
    """
    posted = submitted_version(data)
    submitted, fresh = list(submitted), list(fresh)
    current = version_of(*fresh)
    if posted is None or posted == current:
        return
    rows = conflict_rows(submitted, fresh)
    if not rows:
        return  # the input matches what is stored: saving it loses nothing
    by, at = last_change(*changed)
    raise StaleEdit(Conflict(rows=rows, version=current, by=by, at=at))


def page_context(request: HttpRequest, *shown, conflict: Conflict | None = None) -> dict:
    """Return the template context of an edit page: the version to carry and any conflict.

    On a first display the version is that of the forms shown; after a refused or invalid
    save it stays the one the page was read at, unless a conflict hands over the fresh one.
    """
    if conflict is not None:
        version = conflict.version
    else:
        version = submitted_version(request.POST if request.method == "POST" else None)
        version = version or version_of(*shown)
    return {"edit_version": version, "edit_conflict": conflict}


def save_if_current(data, submitted, *, lock, fresh, save, changed=None):
    """Lock the edited rows, refuse a stale input (StaleEdit), then save; return what save does.

    lock() reads the edited object under select_for_update, fresh(locked) builds the page's
    forms unbound from it, changed(locked) lists whose history tells who changed it (default:
    the locked object itself) and save() calls the service, in the same transaction.
    """
    with transaction.atomic():
        locked = lock()
        sources = changed(locked) if changed is not None else [locked]
        ensure_current(
            data, submitted=as_list(submitted), fresh=as_list(fresh(locked)), changed=sources
        )
        return save()


def as_list(parts) -> list:
    return list(parts) if isinstance(parts, list | tuple) else [parts]


def lock_row(model: type[models.Model], pk) -> None:
    """Take the row lock of one object (select_for_update) before reading it again."""
    list(model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def relock(model: type[models.Model], pk, read):
    """Lock the row of the object edited, then read it again (read()) as its page does."""
    lock_row(model, pk)
    return read()


def render_edit(request: HttpRequest, template: str, context: dict, shown, conflict):
    """Render an edit page with the version it carries (and a stale save's conflict: 409)."""
    context = context | page_context(request, shown, conflict=conflict)
    return render(request, template, context, status=409 if conflict else 200)
