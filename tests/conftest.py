"""Shared fixtures: the real territories are loaded once per test session."""

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped COG (régions, départements, EPCI, communes) once for the whole run."""
    with django_db_blocker.unblock():
        if settings.TERRITORIES_DATA_FILE.exists():
            call_command("load_territories", verbosity=0)
