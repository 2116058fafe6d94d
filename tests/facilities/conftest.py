"""The demo CTG of seed 003, imported once per test module.

Importing it (plan, 76 facilities with their history, figures, petite enfance) takes about half a
second: the module imports it once, inside a transaction rolled back when the module ends, and
each test runs in a savepoint of it (pytest-django's own transaction), so every test sees the
demo exactly as imported, whatever the tests before it changed.
"""

import pytest
from django.db import transaction

from pilote.conventions.models import Convention
from tests.facilities.demo import import_demo


@pytest.fixture(scope="module")
def demo_pk(django_db_setup, django_db_blocker):
    """Return the pk of the demo CTG, imported for the whole test module."""
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            pk = import_demo().pk
        except BaseException:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)
            raise
    yield pk
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)


@pytest.fixture
def paa(db, demo_pk):
    """The demo CTG of seed 003: 46 communes, plan, register, diagnostic and petite enfance.

    Read as the pages read it (pilote.conventions.access), with its département and EPCI.
    """
    return Convention.objects.select_related("departement", "epci").get(pk=demo_pk)
