"""Many-valued fields of a page of rows, read in one query each and set as plain lists.

prefetch_related builds a related manager and a queryset per row and per relation, which cost
more than the rows themselves on a page of 50 plan elements (measured by bench/api.py); these
helpers read (row id, value) pairs once per relation and give each row a list.
"""

from collections import defaultdict
from collections.abc import Sequence

from django.db import models


def attach_values(
    objects: Sequence[models.Model],
    through: type[models.Model],
    owner: str,
    value: str,
    attr: str,
    order_by: Sequence[str] = (),
) -> None:
    """Set on each object `attr`: the `value` of its rows of `through` (owner: the FK to it)."""
    found: dict[int, list] = defaultdict(list)
    ids = [obj.pk for obj in objects]
    if ids:
        rows = through.objects.filter(**{f"{owner}__in": ids}).order_by(*order_by, "pk")
        for owner_id, item in rows.values_list(owner, value):
            found[owner_id].append(item)
    for obj in objects:
        setattr(obj, attr, found.get(obj.pk, []))


def attach_children(
    objects: Sequence[models.Model], queryset: models.QuerySet, owner: str, attr: str
) -> None:
    """Set on each object `attr`: its rows of `queryset` (owner: their FK field to it)."""
    found: dict[int, list] = defaultdict(list)
    ids = [obj.pk for obj in objects]
    if ids:
        for child in queryset.filter(**{f"{owner}__in": ids}):
            found[getattr(child, f"{owner}_id")].append(child)
    for obj in objects:
        setattr(obj, attr, found.get(obj.pk, []))
