"""A write is run again when the database asks for it, and never dropped silently."""

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from pilote.core.transactions import must_retry, retry_transaction


class DeadlockDetected(Exception):
    """Stands for psycopg's error, which Django wraps in its own OperationalError."""

    sqlstate = "40P01"


class SerializationFailure(Exception):
    sqlstate = "40001"


def deadlock() -> OperationalError:
    try:
        raise OperationalError("deadlock detected") from DeadlockDetected()
    except OperationalError as error:
        return error


class FlakyWrite:
    """A write that fails with the given errors first, then succeeds."""

    def __init__(self, *errors: Exception):
        self.errors = list(errors)
        self.calls = 0

    def __call__(self, value):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return value


@pytest.fixture
def pauses():
    taken: list[float] = []
    assert not connection.in_atomic_block
    return taken


def test_a_deadlocked_write_is_run_again_until_it_succeeds(pauses):
    write = FlakyWrite(deadlock(), deadlock())

    assert retry_transaction(write, sleep=pauses.append)("saved") == "saved"
    assert write.calls == 3
    assert len(pauses) == 2
    assert 0 < pauses[0] < pauses[1]  # each pause longer than the one before


def test_a_write_still_refused_after_every_attempt_raises_the_error(pauses):
    write = FlakyWrite(*(deadlock() for _ in range(4)))

    with pytest.raises(OperationalError, match="deadlock detected"):
        retry_transaction(write, attempts=4, sleep=pauses.append)("saved")
    assert write.calls == 4


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("database is locked"),
        IntegrityError("UNIQUE constraint failed"),
    ],
)
def test_other_database_errors_are_not_run_again(pauses, error):
    write = FlakyWrite(error)

    with pytest.raises(type(error)):
        retry_transaction(write, sleep=pauses.append)("saved")
    assert write.calls == 1
    assert pauses == []


def test_serialization_failures_and_deadlocks_are_the_errors_to_run_again():
    serialization = OperationalError("could not serialize access")
    serialization.__cause__ = SerializationFailure()

    assert must_retry(serialization)
    assert must_retry(deadlock())
    assert not must_retry(OperationalError("database is locked"))


@pytest.mark.django_db
def test_inside_an_outer_transaction_the_write_runs_once_and_the_outer_one_decides():
    write = FlakyWrite(deadlock())

    with pytest.raises(OperationalError), transaction.atomic():
        retry_transaction(write, sleep=lambda pause: None)("saved")
    assert write.calls == 1
