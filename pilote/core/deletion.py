"""What a deletion takes along, told the same way on every confirmation page, and its files.

Django's deletion Collector walks the same relations as ``delete()`` itself, so the counts shown
are the rows that will go (or be unlinked), not a guess kept in step by hand.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import models, router, transaction
from django.db.models.deletion import Collector


def _collect(obj: models.Model) -> Collector:
    collector = Collector(using=router.db_for_write(type(obj), instance=obj))
    collector.collect([obj])
    return collector


def _deleted(collector: Collector) -> Iterable[tuple[type[models.Model], int]]:
    for model, instances in collector.data.items():
        yield model, len(instances)
    for queryset in collector.fast_deletes:
        yield queryset.model, queryset.count()


def _shown(model: type[models.Model]) -> bool:
    # Many-to-many link rows and history rows are bookkeeping, not something a user names.
    return not model._meta.auto_created and not model.__name__.startswith("Historical")


def what_goes(obj: models.Model) -> list[tuple[str, int]]:
    """Return (French plural label, count) of what deleting obj removes or unlinks, obj excluded.

    Rows of obj's own model (an element's descendants) count without obj itself; rows that only
    lose their link to obj (SET_NULL) are labelled « … détaché(e)s ».
    """
    collector = _collect(obj)
    counts: Counter[type[models.Model]] = Counter()
    for model, count in _deleted(collector):
        if _shown(model):
            counts[model] += count
    counts[type(obj)] -= 1
    rows = [
        (str(model._meta.verbose_name_plural), count) for model, count in counts.items() if count
    ]
    unlinked: Counter[type[models.Model]] = Counter()
    for (field, _value), querysets in collector.field_updates.items():
        for queryset in querysets:
            if _shown(field.model):
                unlinked[field.model] += len(queryset)
    rows += [
        (f"{model._meta.verbose_name_plural} détaché(e)s", count)
        for model, count in unlinked.items()
        if count
    ]
    return rows


def files_of(obj: models.Model) -> list[tuple[object, str]]:
    """Return (storage, name) of every stored file that deleting obj removes along with rows."""
    collector = _collect(obj)
    # Rows without signals or cascades of their own are "fast deleted" by a query, not loaded.
    groups = [*collector.data.items(), *((qs.model, qs) for qs in collector.fast_deletes)]
    files = []
    for model, instances in groups:
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for instance in instances if file_fields else ():
            for field in file_fields:
                value = getattr(instance, field.attname)
                if value:
                    files.append((field.storage, str(value)))
    return files


def delete_with_files(obj: models.Model) -> None:
    """Delete obj and everything it carries; remove their stored files once the deletion commits."""
    files = files_of(obj)
    obj.delete()

    def remove() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove)
