"""The example files shipped with the demo hold the same register and figures as its JSON.

The demo JSON of seed 003 carries the register of annexe 2 and the figures of annexe 1; the two
CSV files next to it are there for users to try the imports on the register and diagnostic pages.
"""

import pytest

from pilote.demo.services import DATA_DIR
from pilote.facilities.exchange.figures import export_figures
from pilote.facilities.exchange.register import export_facilities
from pilote.facilities.figures.services import apply_import
from pilote.facilities.models import Facility, Schema, TerritoryFigure
from pilote.facilities.register.imports import import_register_file
from tests.facilities.demo import DEMO_CSV, DEMO_FIGURES, PAA, demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_json_holds_the_register_the_figures_and_the_petite_enfance_tables(paa):
    assert Facility.objects.filter(convention=paa).count() == 76
    assert TerritoryFigure.objects.filter(convention=paa).count() == 58
    assert Schema.objects.filter(convention=paa).count() == 4
    # The petite-enfance tables live in the JSON only: no separate file any more.
    assert not (DATA_DIR / f"{PAA}.petite-enfance.json").exists()


def test_the_example_register_file_is_the_register_of_the_demo(paa):
    report = import_register_file(paa, DEMO_CSV.read_bytes(), DEMO_CSV.name)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 76)

    # Into an empty register, it gives exactly the JSON's section.
    Facility.objects.filter(convention=paa).delete()
    report = import_register_file(paa, DEMO_CSV.read_bytes(), DEMO_CSV.name)

    assert report.created == 76
    assert export_facilities(paa) == demo_data()["facilities"]


def test_the_example_figures_file_is_the_diagnostic_of_the_demo(paa):
    result = apply_import(paa, DEMO_FIGURES.read_bytes(), DEMO_FIGURES.name, by=None)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 58)

    # Into an empty diagnostic, it gives exactly the JSON's section.
    TerritoryFigure.objects.filter(convention=paa).delete()
    result = apply_import(paa, DEMO_FIGURES.read_bytes(), DEMO_FIGURES.name, by=None)

    assert result.created == 58
    assert export_figures(paa) == demo_data()["figures"]
