"""The change history (django-simple-history rows) in the CTG's JSON exchange: « history ».

Each app names the history tables of its models that belong to a CTG (a HistoryTable: which
rows, and which fields hold the primary key of another object of the CTG). Primary keys never
leave the database: an object of the CTG is named by its key in the export (the rank of a plan
element, of a follow-up point…), and an object no longer in the CTG by a negative number, in
the order it first appears. An author is an account name, or the name kept for an account
absent from the instance (`history_user_name`, and `<field>_name` for a user field).

On import the rows are written as they were (dates, types, authors, values), in bulk: no
"modified now" row is added, and the rows the import itself made for the new objects are
replaced by those of the document.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from .exchange import Reader, account_name, find_accounts, iso_moment, refused

SECTION = "history"
OWN_FIELDS = {
    "history_id",
    "history_date",
    "history_type",
    "history_user",
    "history_user_name",
    "history_change_reason",
}
HISTORY_TYPES = {"+", "~", "-"}


class Keys:
    """How the export names the objects of one model: live ones by key, others negative."""

    def __init__(self, keys: dict[int, Any]) -> None:
        self.keys = keys
        self.gone: dict[Any, int] = {}
        self.pks = {json.dumps(key): pk for pk, key in keys.items()}

    def key(self, pk: Any) -> Any:
        if pk is None:
            return None
        if pk in self.keys:
            return self.keys[pk]
        return self.gone.setdefault(pk, -(len(self.gone) + 1))

    def pk(self, key: Any) -> Any:
        """Return the object's primary key here (a negative key stays: the object is gone)."""
        if key is None:
            return None
        found = self.pks.get(json.dumps(key))
        if found is not None:
            return found
        if isinstance(key, int) and key < 0:
            return key
        raise ValueError(key)


@dataclass
class HistoryTable:
    """The history rows of one model that belong to a CTG, and its fields naming objects."""

    model: type
    rows: QuerySet  # of model.history.model
    keys: dict[str, Keys] = field(default_factory=dict)  # attname -> Keys

    @property
    def label(self) -> str:
        return self.model._meta.label


def _user_fields(history_model) -> dict[str, str | None]:
    """Return the user fields (attname -> name of their kept-name field, if any)."""
    names = {f.name for f in history_model._meta.concrete_fields}
    return {
        f.attname: (f"{f.name}_name" if f"{f.name}_name" in names else None)
        for f in history_model._meta.concrete_fields
        if f.is_relation
        and f.related_model is not None
        and f.related_model._meta.label == settings.AUTH_USER_MODEL
        and f.name not in OWN_FIELDS
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return iso_moment(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def export_history(tables: list[HistoryTable]) -> dict[str, list[dict]]:
    """Return the history section: per model label, its rows in the order they were written."""
    section = {}
    for table in tables:
        history_model = table.rows.model
        users = _user_fields(history_model)
        kept = {name for name in users.values() if name}
        rows = list(
            table.rows.select_related("history_user").order_by("history_date", "history_id")
        )
        accounts = _accounts(rows, users)
        section[table.label] = [
            {
                "date": iso_moment(row.history_date),
                "type": row.history_type,
                "user": account_name(row.history_user, row.history_user_name),
                "reason": row.history_change_reason,
                "fields": {
                    f.attname: _value(row, f, table, users, accounts)
                    for f in history_model._meta.concrete_fields
                    if f.name not in OWN_FIELDS and f.name not in kept
                },
            }
            for row in rows
        ]
    return section


def _accounts(rows: list, users: dict[str, str | None]) -> dict[int, Any]:
    ids = {getattr(row, attname) for row in rows for attname in users}
    if not ids - {None}:
        return {}
    return {user.pk: user for user in get_user_model().objects.filter(pk__in=ids - {None})}


def _value(row, f, table: HistoryTable, users: dict, accounts: dict) -> Any:
    value = getattr(row, f.attname)
    if f.attname in table.keys:
        return table.keys[f.attname].key(value)
    if f.attname in users:
        name_field = users[f.attname]
        return account_name(accounts.get(value), getattr(row, name_field) if name_field else "")
    return _plain(value)


def import_history(tables: list[HistoryTable], data: dict[str, Any]) -> None:
    """Replace the tables' rows by the document's, as they were (caller's transaction)."""
    if SECTION not in data:
        return
    reader = Reader()
    section = reader.object(data.get(SECTION), SECTION, SECTION)
    by_label = {table.label: table for table in tables}
    for label in section:
        if label not in by_label:
            reader.error(SECTION, f"historique inconnu : {label!r}.")
    prepared = []
    for label, table in by_label.items():
        items = reader.object_list(section, label, SECTION)
        prepared.append((table, [_read_row(reader, table, item, label) for item in items]))
    if reader.errors:
        raise refused(reader.errors)
    _write(prepared)


def _read_row(reader: Reader, table: HistoryTable, item: dict, label: str) -> dict:
    where = f"{SECTION}.{label}"
    history_model = table.rows.model
    users = _user_fields(history_model)
    kept = {name for name in users.values() if name}
    if item.get("type") not in HISTORY_TYPES:
        reader.error(where, f"type de modification inconnu : {item.get('type')!r}.")
    row = {
        "history_date": reader.moment(item, "date", where),
        "history_type": item.get("type"),
        "history_user": reader.account(item, "user", where),
        "history_change_reason": reader.text(item, "reason", where) or None,
        "fields": {},
    }
    if row["history_date"] is None:
        reader.error(where, "« date » est obligatoire.")
    values = reader.object(item.get("fields"), where, "fields")
    for f in history_model._meta.concrete_fields:
        if f.name in OWN_FIELDS or f.name in kept or f.attname not in values:
            continue
        value = values[f.attname]
        try:
            if f.attname in table.keys:
                value = table.keys[f.attname].pk(value)
            elif f.attname in users:
                value = ("account", users[f.attname], reader.account(values, f.attname, where))
            elif value is not None:
                value = f.to_python(value)
        except (ValidationError, ValueError, TypeError):
            reader.error(where, f"valeur invalide pour « {f.attname} » : {value!r}.")
            continue
        row["fields"][f.attname] = value
    return row


def _write(prepared: list[tuple[HistoryTable, list[dict]]]) -> None:
    names = []
    for _table, rows in prepared:
        for row in rows:
            names.append(row["history_user"])
            names += [v[2] for v in row["fields"].values() if isinstance(v, tuple)]
    accounts = find_accounts(names)
    for table, rows in prepared:
        table.rows.delete()  # the rows the import itself made ("created now")
        history_model = table.rows.model
        instances = []
        for row in rows:
            fields = {}
            for attname, value in row["fields"].items():
                if isinstance(value, tuple):
                    _kind, name_field, name = value
                    user = accounts.get(name)
                    fields[attname] = user.pk if user else None
                    if name_field:
                        fields[name_field] = "" if user else name
                else:
                    fields[attname] = value
            user = accounts.get(row["history_user"])
            instances.append(
                history_model(
                    history_date=row["history_date"],
                    history_type=row["history_type"],
                    history_user_id=user.pk if user else None,
                    history_user_name="" if user else row["history_user"],
                    history_change_reason=row["history_change_reason"],
                    **fields,
                )
            )
        history_model.objects.bulk_create(instances, batch_size=500)
