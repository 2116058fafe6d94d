"""The one order in which writes to a CTG take their locks (PostgreSQL; SQLite ignores them).

Every write that changes several elements of a CTG's plan (create, move, reorder, delete,
renumber, levels) first locks the CTG's row, then the elements it rewrites in primary-key order.
Two such writes on one CTG thus wait for each other instead of ending in "deadlock detected".
"""

from .models import Convention


def lock_convention(convention: Convention | int) -> None:
    """Lock the CTG's row until the end of the current transaction (FOR NO KEY UPDATE).

    NO KEY: rows that merely refer to the CTG (a follow-up point, a new element) can still be
    written meanwhile; only the writers that take this lock wait for each other.
    """
    pk = convention if isinstance(convention, int) else convention.pk
    list(Convention.objects.select_for_update(no_key=True).filter(pk=pk).values_list("pk"))
