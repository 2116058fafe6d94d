"""Helpers for the tests of the content and catalogue versions (pilote.conventions.versioning).

A test runs inside a transaction that never commits, so the version bumps, run after the
commit, wait forever; these run them as the commit would.
"""

from django.db import transaction

from pilote.conventions.versioning import PendingBump
from pilote.core.versions import PendingCatalogueBump


def commit_bumps() -> None:
    """Run the version bumps waiting for the commit of the test's transaction."""
    for _savepoints, callback, _robust in transaction.get_connection().run_on_commit:
        if isinstance(callback, PendingBump | PendingCatalogueBump) and not callback.done:
            callback()
