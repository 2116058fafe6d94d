"""The three demo CTGs, their users and their follow-up, loaded once per test module.

Loading them takes a few seconds: a module-scoped fixture (see `demo_world`) loads them inside a
transaction rolled back when the module ends; each test runs in a savepoint of it.
"""

import datetime

from pilote.demo.activity import generate_activity
from pilote.demo.services import load_demo_conventions, load_demo_users

PAA = "provence-alpes-agglomeration-2026-2030"
TARN = "tarn-agout-2023-2026"
SALON = "pays-salonais-2025-2028"
# The demo activity is generated as of this day, so that tests do not depend on the clock.
TODAY = datetime.date(2026, 11, 23)


def load_world() -> None:
    load_demo_conventions()
    load_demo_users()
    generate_activity(today=TODAY)
