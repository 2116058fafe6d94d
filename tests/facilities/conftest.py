"""The demo CTG of seed 003, imported once per test session (see tests/demo_data.py).

Importing it (plan, 76 facilities with their history, figures, petite enfance) takes about half a
second: it is imported once, in a transaction kept open while the tests that ask for it run, each
of them in a savepoint of it (pytest-django's own transaction), so every test sees the demo exactly
as imported, whatever the tests before it changed.
"""

import pytest

from pilote.conventions.models import Convention
from tests.facilities.demo import PAA


@pytest.fixture
def paa(db, session_demo_paa):
    """The demo CTG of seed 003: 46 communes, plan, register, diagnostic and petite enfance.

    Read as the pages read it (pilote.conventions.access), with its département and EPCI.
    """
    return Convention.objects.select_related("departement", "epci").get(slug=PAA)
