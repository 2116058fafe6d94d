"""The tables of an instance: which a backup holds, in which order, and what a database holds.

A backup holds one file per table, read and written through Django's serializers: the rows of
every model of every installed app, the tables of many-to-many relations and the history tables
(django-simple-history) included. Many-to-many relations travel as the rows of their own table,
never as lists on the model's rows: loading them so writes rows and nothing else, where setting
them (as `loaddata` does) would make django-simple-history write "changed now" history rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models
from django.db.migrations.recorder import MigrationRecorder

# Sessions are the browsers logged in, not data: never saved, emptied by a restore (a session
# kept across a restore could name a user who is now someone else).
SKIPPED = {"sessions.session"}

# What `migrate` and `load_territories` put in any instance: such rows do not make a database
# "non-empty", and a restore replaces them with the backup's own.
REFERENCE = {
    "contenttypes.contenttype",
    "auth.permission",
    "territories.region",
    "territories.departement",
    "territories.epci",
    "territories.commune",
    # The counter of the cached pages' shared data (pilote.core.versions): load_territories
    # moves it; a restore moves it past every value the backup's instance used.
    "core.catalogueversion",
}


def label(model: type[models.Model]) -> str:
    """Return the name of a model in a backup ("plans.plannode")."""
    return model._meta.label_lower


def saved_models() -> list[type[models.Model]]:
    """Return the models whose rows a backup holds, each after the models it refers to."""
    found = [
        model
        for app_config in apps.get_app_configs()
        for model in sorted(app_config.get_models(include_auto_created=True), key=label)
        if model._meta.managed and not model._meta.proxy and label(model) not in SKIPPED
    ]
    return _in_dependency_order(found)


def _in_dependency_order(found: list[type[models.Model]]) -> list[type[models.Model]]:
    """Order models so that each comes after those its foreign keys point to (cycles kept)."""
    remaining = list(found)
    needs = {
        model: {
            field.related_model
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model not in (None, model)
        }
        & set(found)
        for model in found
    }
    ordered: list[type[models.Model]] = []
    while remaining:
        ready = next((m for m in remaining if needs[m].issubset(ordered)), remaining[0])
        ordered.append(ready)
        remaining.remove(ready)
    return ordered


def serialized_fields(model: type[models.Model]) -> list[str]:
    """Return the fields written for a model's rows: its columns, no many-to-many list."""
    return [field.name for field in model._meta.local_concrete_fields if not field.primary_key]


def _reference_rows(model: type[models.Model]) -> models.QuerySet | None:
    """Return the rows of a model that migrations create in any instance, if any."""
    if label(model) in REFERENCE:
        return model._base_manager.all()
    if label(model) == "plans.thematic":  # the national list, created by plans' migration 0002
        return model._base_manager.filter(convention__isnull=True)
    return None


def content(models_: Iterable[type[models.Model]]) -> dict[type[models.Model], int]:
    """Return the number of rows of each model that a database holds beyond the reference."""
    found = {}
    for model in models_:
        rows = model._base_manager.count()
        reference = _reference_rows(model)
        if reference is not None:
            rows -= reference.count()
        if rows:
            found[model] = rows
    return found


def describe(found: dict[type[models.Model], int]) -> str:
    """Return, in French, what the rows found are: "3 CTG, 7 utilisateurs…"."""
    main = [
        f"{rows} {model._meta.verbose_name if rows == 1 else model._meta.verbose_name_plural}"
        for model, rows in found.items()
        if not _is_history(model) and not model._meta.auto_created
    ]
    history = sum(rows for model, rows in found.items() if _is_history(model))
    links = sum(rows for model, rows in found.items() if model._meta.auto_created)
    if links:
        main.append(f"{links} lien(s) entre éléments")
    if history:
        main.append(f"{history} ligne(s) d'historique")
    return ", ".join(main)


def _is_history(model: type[models.Model]) -> bool:
    return model.__name__.startswith("Historical")


def applied_migrations() -> list[str]:
    """Return the migrations applied to the database, of the installed apps ("app.name")."""
    installed = {app_config.label for app_config in apps.get_app_configs()}
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted(
        f"{app}.{name}" for app, name in recorder.applied_migrations() if app in installed
    )


def empty_all_tables() -> None:
    """Delete the rows of every table of the installed apps (the migrations' record kept)."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    if connection.vendor == "postgresql":
        # PostgreSQL truncates no table with foreign-key checks still deferred in the transaction
        # (rows written earlier in it, by a caller): run them now.
        connection.check_constraints()
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    connection.ops.execute_sql_flush(statements)


def reset_sequences(models_: list[type[models.Model]]) -> None:
    """Set the sequences of the identifiers after the rows loaded (PostgreSQL; none on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
