"""Who the changes recorded by django-simple-history are made by, outside a web request."""

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from simple_history.models import HistoricalRecords


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Record the changes made inside the block as made by this user (outside a request).

    Web requests get their user from simple_history's HistoryRequestMiddleware; commands, tasks
    and tests that call the services directly say who acts with this block.
    """
    previous = getattr(HistoricalRecords.context, "request", None)
    if previous is not None and getattr(previous, "user", None) == user:
        # The request being served already says who acts: keep it (the audit log reads the
        # client's address from it, pilote.accounts.audit).
        yield
        return
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous
