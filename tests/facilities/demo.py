"""The demo CTG of seed 003 (Provence-Alpes-Agglomération), as the facilities tests load it.

Its JSON holds the whole CTG: plan, register of annexe 2 (76 facilities), diagnostic of annexe 1
(58 figures) and the petite-enfance tables. The two CSV files next to it are example files for
users to try the imports; they hold the same register and figures.
"""

from typing import Any

from pilote.demo.services import DATA_DIR
from pilote.exchange.services import import_convention, loads

PAA = "provence-alpes-agglomeration-2026-2030"
DEMO_JSON = DATA_DIR / f"{PAA}.json"
DEMO_CSV = DATA_DIR / f"{PAA}.equipements.csv"
DEMO_FIGURES = DATA_DIR / f"{PAA}.diagnostic.csv"


def demo_data() -> dict[str, Any]:
    """Return the demo JSON of the PAA CTG, as a fresh dict."""
    return loads(DEMO_JSON.read_bytes())


def import_demo(slug: str | None = None, *, without: tuple[str, ...] = ()):
    """Import the demo CTG (under another slug if given), leaving out the sections named."""
    data = demo_data()
    for section in without:
        del data[section]
    return import_convention(data, slug=slug)
