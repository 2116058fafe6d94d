"""Run a write again when the database asks for it (deadlock, serialization failure).

PostgreSQL may end one of two transactions that wait for each other ("deadlock detected") or
that it cannot serialise; it then expects the application to run the whole transaction again.
Locks taken in one order (see pilote.conventions.locks) make this rare; this makes it harmless.
SQLite never asks: its writers wait for each other (settings: IMMEDIATE transactions and a busy
timeout).
"""

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

# serialization_failure, deadlock_detected: the whole transaction may succeed if run again.
RETRY_SQLSTATES = frozenset({"40001", "40P01"})
ATTEMPTS = 4
# The first pause, doubled at each attempt, with jitter so that the two sides do not meet again.
FIRST_PAUSE = 0.05

P = ParamSpec("P")
R = TypeVar("R")


def must_retry(error: BaseException) -> bool:
    """Return True when the database ended the transaction and asks for it to be run again."""
    cause = error.__cause__ if error.__cause__ is not None else error
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return sqlstate in RETRY_SQLSTATES


# What SQLite says when its busy timeout ran out while another writer held the lock.
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked")


def is_busy(error: BaseException) -> bool:
    """Return True when the write failed only because others were writing (try again later)."""
    if must_retry(error):
        return True
    return any(message in str(error).lower() for message in SQLITE_BUSY_MESSAGES)


def retry_transaction(
    func: Callable[P, R] | None = None,
    *,
    attempts: int = ATTEMPTS,
    using: str = DEFAULT_DB_ALIAS,
    sleep: Callable[[float], None] = time.sleep,
):
    """Run the decorated write again (up to attempts times) when the database asks for it.

    Put it outside the function's transaction.atomic. Inside another transaction it runs the
    function once: only the outermost transaction can be run again, by its own decorator. When
    every attempt fails, the last error is raised: a write is never dropped silently.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if connections[using].in_atomic_block:
                return function(*args, **kwargs)
            for attempt in range(1, attempts + 1):
                try:
                    return function(*args, **kwargs)
                except DatabaseError as error:
                    if attempt == attempts or not must_retry(error):
                        raise
                    # ±25 % of jitter: two writers part, and each pause is longer than the last.
                    pause = random.uniform(0.75, 1.25) * FIRST_PAUSE * 2 ** (attempt - 1)  # noqa: S311
                    logger.warning(
                        "%s: %s, attempt %s of %s in %.2f s",
                        getattr(function, "__qualname__", function),
                        str(error).splitlines()[0] if str(error) else type(error).__name__,
                        attempt + 1,
                        attempts,
                        pause,
                    )
                    sleep(pause)
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    return decorate(func) if func is not None else decorate
