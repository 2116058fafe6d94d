"""The demo CTGs loaded once per test session (or xdist worker), in a transaction kept open.

Loading the three demo CTGs takes about a second, with their users and follow-up several: rather
than for each test or module, each demo is loaded on the first test that asks for it, inside a
transaction left open while the tests that ask for it run. Each of those tests runs in a savepoint
of it (pytest-django's own transaction), so that each sees the demo exactly as loaded, whatever
the tests before it changed. tests/conftest.py orders the tests so that those needing no demo run
first, then those of each demo in turn (each worker loads each demo once), and closes (rolls back)
the open demo before any test that does not ask for it, so that no test ever sees a demo it did
not ask for, whatever the order.
"""

import contextlib
import datetime
from collections.abc import Callable, Iterator

import pytest
from django.db import transaction

from pilote.demo.activity import generate_activity
from pilote.demo.services import load_demo_conventions, load_demo_users
from tests.facilities.demo import import_demo

# The demo activity is generated as of this day, so that tests do not depend on the clock.
DEMO_TODAY = datetime.date(2026, 11, 23)


def _load_demo_world() -> None:
    load_demo_conventions()
    load_demo_users()
    generate_activity(today=DEMO_TODAY)


class DemoData:
    """One demo, loaded in a transaction that stays open until a test needs another state."""

    open: "DemoData | None" = None  # the demo whose transaction is open, if any
    blocker = None  # pytest-django's database blocker, kept by django_db_setup

    def __init__(self, fixture: str, load: Callable[[], object], rank: int):
        self.fixture, self.load, self.rank = fixture, load, rank
        self._atomic = None
        self._savepoints: list = []  # the open savepoints of test modules, innermost last

    @classmethod
    def wanted_by(cls, item: pytest.Item) -> "DemoData | None":
        names = getattr(item, "fixturenames", ())
        wanted = [demo for fixture, demo in DEMOS.items() if fixture in names]
        if len(wanted) > 1:
            raise pytest.UsageError(f"{item.nodeid} asks for two demos: {wanted}")
        return wanted[0] if wanted else None

    @classmethod
    def switch_to(cls, demo: "DemoData | None") -> None:
        """Leave the open demo (rolled back) unless it is `demo`, then open `demo`."""
        if cls.open is demo:
            return
        with cls.blocker.unblock():
            if cls.open is not None:
                cls.open._rollback()
            if demo is not None:
                demo._load()

    def _load(self) -> None:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        DemoData.open = self
        try:
            self.load()
        except BaseException:
            self._rollback()
            raise

    @classmethod
    @contextlib.contextmanager
    def savepoint(cls) -> Iterator[None]:
        """Keep what a test module adds to the open demo until the module ends, then roll back.

        Should another state be needed meanwhile, the savepoint is rolled back with the demo.
        """
        demo = cls.open
        if demo is None:
            raise RuntimeError("No demo is open: ask for the demo's fixture first.")
        with cls.blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
        demo._savepoints.append(atomic)
        try:
            yield
        finally:
            if demo._savepoints and demo._savepoints[-1] is atomic:
                with cls.blocker.unblock():
                    demo._savepoints.pop()
                    transaction.set_rollback(True)
                    atomic.__exit__(None, None, None)

    def _rollback(self) -> None:
        while self._savepoints:
            transaction.set_rollback(True)
            self._savepoints.pop().__exit__(None, None, None)
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        self._atomic = None
        DemoData.open = None

    def __repr__(self) -> str:
        return self.fixture


DEMOS = {
    demo.fixture: demo
    for demo in (
        DemoData("session_demo_paa", import_demo, rank=1),  # seed 003 alone, as facilities test it
        DemoData("session_demo_ctgs", load_demo_conventions, rank=2),
        DemoData("session_demo_world", _load_demo_world, rank=3),
    )
}
