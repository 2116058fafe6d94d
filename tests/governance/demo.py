"""The three demo CTGs of the governance tests, loaded with their users and follow-up.

The demo world is loaded once per test session (see tests/demo_data.py), its activity generated
as of TODAY, so that tests do not depend on the clock.
"""

from tests.demo_data import DEMO_TODAY as TODAY

PAA = "provence-alpes-agglomeration-2026-2030"
TARN = "tarn-agout-2023-2026"
SALON = "pays-salonais-2025-2028"

__all__ = ["PAA", "SALON", "TARN", "TODAY"]
