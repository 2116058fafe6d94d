"""The taux de couverture: its formula, what counts as a place, which children, what is shown.

The last test runs on the demo CTG of seed 003: the register of annexe 2 and the figures of
annexe 1, as the demo loads them.
"""

from decimal import Decimal

import pytest

from pilote.facilities.enums import (
    AreaKind,
    CapacityUnit,
    FacilityKind,
    FacilityStatus,
    FigureKind,
    FundingMode,
)
from pilote.facilities.figures.coverage import (
    FacilityPlaces,
    Figure,
    Mode,
    build_coverage,
    coverage_chart,
    coverage_rate,
    load_coverage,
)

PAA_SIREN = "200067437"
DIGNE, MALIJAI, CHATEAU_ARNOUX = "04070", "04108", "04049"
COMMUNES = [(DIGNE, "Digne-les-Bains"), (MALIJAI, "Malijai")]


def eaje(name, places, commune=DIGNE, funding=FundingMode.PSU, **kwargs):
    capacity = None if places is None else Decimal(places)
    return FacilityPlaces(
        name=name, kind=FacilityKind.EAJE, funding=funding, commune_code=commune,
        capacity=capacity, **kwargs,
    )  # fmt: skip


def children(code, value, year, area_kind=AreaKind.COMMUNE):
    return Figure(area_kind, code, FigureKind.CHILDREN_UNDER_3, year, Decimal(value))


# --------------------------------------------------------------------------- the formula


def test_the_rate_is_places_per_hundred_children_and_is_never_clamped():
    assert coverage_rate(120, 100).value == Decimal(120)
    assert coverage_rate(281, 1151).rounded == Decimal("24.4")


def test_a_rate_over_one_hundred_stays_as_computed_in_the_table():
    table = build_coverage(
        communes=[(MALIJAI, "Malijai")],
        facilities=[eaje("Micro-crèche", 12, commune=MALIJAI, funding=FundingMode.PAJE)],
        figures=[children(MALIJAI, 10, 2022)],
    )
    assert table.rows[0].rate.value == Decimal(120)


@pytest.mark.parametrize(
    ("count", "reason"),
    [(None, "inconnu"), (0, "aucun enfant"), (Decimal(-1), "aucun enfant")],
)
def test_without_children_the_rate_is_none_and_says_why(count, reason):
    rate = coverage_rate(24, count)
    assert rate.value is None
    assert reason in rate.reason


# --------------------------------------------------------------------------- what is counted


def test_places_are_split_by_mode_with_collective_and_individual_sub_rates():
    facilities = [
        eaje("Les Premiers Pas", 40),
        eaje("Micro-crèche Les Lutins", 10, funding=FundingMode.PAJE),
        FacilityPlaces("MAM Les Petits Loups", FacilityKind.MAM, "", DIGNE, Decimal(12)),
        FacilityPlaces("Assistants maternels", FacilityKind.CHILDMINDERS, "", DIGNE, Decimal(30)),
        FacilityPlaces("Garde à domicile", FacilityKind.HOME_CARE, "", DIGNE, Decimal(8)),
    ]
    table = build_coverage(
        communes=COMMUNES, facilities=facilities, figures=[children(DIGNE, 200, 2022)]
    )
    digne = table.rows[0]
    assert digne.places == {
        Mode.EAJE_PSU: Decimal(40),
        Mode.EAJE_OTHER: Decimal(10),
        Mode.MAM: Decimal(12),
        Mode.CHILDMINDERS: Decimal(30),
        Mode.HOME_CARE: Decimal(8),
    }
    assert digne.rate.value == Decimal(50)
    assert digne.collective_rate.value == Decimal(25)
    assert digne.individual_rate.value == Decimal(25)
    assert digne.cells == [Decimal(40), Decimal(10), Decimal(12), Decimal(30), Decimal(8)]


def test_a_facility_without_capacity_is_reported_not_counted_as_zero():
    table = build_coverage(
        communes=COMMUNES,
        facilities=[eaje("Les Premiers Pas", 40), eaje("Halte-garderie sans fiche", None)],
        figures=[children(DIGNE, 100, 2022)],
    )
    digne = table.rows[0]
    assert digne.missing_capacity == ["Halte-garderie sans fiche"]
    assert table.missing_capacity == ["Halte-garderie sans fiche"]
    assert digne.total_places == Decimal(40)
    assert digne.has_under_3_facility


def test_with_some_capacities_missing_the_rate_is_a_lower_bound():
    table = build_coverage(
        communes=COMMUNES,
        facilities=[eaje("Les Premiers Pas", 40), eaje("Halte-garderie sans fiche", None)],
        figures=[children(DIGNE, 100, 2022)],
    )
    rate = table.rows[0].rate
    assert (rate.value, rate.lower_bound) == (Decimal(40), True)


def test_with_every_capacity_missing_there_is_no_rate_rather_than_zero():
    table = build_coverage(
        communes=COMMUNES,
        facilities=[eaje("Bédunia", None), eaje("La Ruche", None)],
        figures=[children(DIGNE, 100, 2022)],
    )
    rate = table.rows[0].rate
    assert rate.value is None
    assert rate.reason == "capacité non renseignée pour 2 équipements"


def test_only_existing_facilities_for_under_3s_with_places_count():
    facilities = [
        eaje("Crèche en projet", 20, status=FacilityStatus.PLANNED),
        eaje("Crèche fermée", 20, status=FacilityStatus.CLOSED),
        FacilityPlaces("RPE Digne", FacilityKind.RPE, "", DIGNE, Decimal("1.3")),
        FacilityPlaces("ALSH", FacilityKind.ALSH, "", DIGNE, Decimal(80)),
        eaje("Crèche comptée en ETP", 2, capacity_unit=CapacityUnit.FTE),
    ]
    table = build_coverage(communes=COMMUNES, facilities=facilities, figures=[])
    digne = table.rows[0]
    assert digne.total_places == 0
    assert digne.fte_only == ["Crèche comptée en ETP"]


def test_communes_without_any_facility_for_under_3s_are_flagged():
    table = build_coverage(
        communes=COMMUNES,
        facilities=[FacilityPlaces("ALSH de Malijai", FacilityKind.ALSH, "", MALIJAI, Decimal(40))],
        figures=[],
    )
    assert [row.name for row in table.communes_without_facility] == ["Digne-les-Bains", "Malijai"]


def test_an_eaje_without_funding_gets_its_own_column_only_when_there_is_one():
    without = build_coverage(communes=COMMUNES, facilities=[eaje("A", 10)], figures=[])
    assert Mode.EAJE_UNKNOWN not in without.modes
    table = build_coverage(communes=COMMUNES, facilities=[eaje("B", 10, funding="")], figures=[])
    assert Mode.EAJE_UNKNOWN in table.modes
    assert table.rows[0].collective_places == Decimal(10)


def test_facilities_without_commune_count_in_the_total_only():
    table = build_coverage(
        communes=COMMUNES, facilities=[eaje("Crèche itinérante", 15, commune=None)], figures=[]
    )
    assert table.total.total_places == Decimal(15)
    assert table.without_commune.total_places == Decimal(15)
    assert all(row.total_places == 0 for row in table.rows)


# --------------------------------------------------------------------------- which children


def test_an_empty_register_gives_no_ctg_rate_rather_than_zero():
    table = build_coverage(
        communes=COMMUNES,
        facilities=[],
        figures=[children(DIGNE, 100, 2022), children(MALIJAI, 20, 2022)],
    )
    assert table.rows[0].rate.value == 0  # a commune with children and no offer: 0 is a fact
    assert table.total.rate.value is None
    assert "registre ne contient aucun mode d'accueil" in table.total.rate.reason


def test_the_latest_millesime_of_a_commune_is_used():
    table = build_coverage(
        communes=COMMUNES,
        facilities=[eaje("Les Premiers Pas", 40)],
        figures=[children(DIGNE, 400, 2019), children(DIGNE, 320, 2022)],
    )
    digne = table.rows[0]
    assert digne.children.value == Decimal(320)
    assert digne.children.years_label == "2022"
    assert digne.rate.value == Decimal("12.5")


def test_the_ctg_total_adds_the_communes_when_each_has_its_figure():
    table = build_coverage(
        communes=COMMUNES,
        facilities=[eaje("A", 30), eaje("B", 10, commune=MALIJAI)],
        figures=[
            children(DIGNE, 320, 2022),
            children(MALIJAI, 80, 2021),
            children(PAA_SIREN, 1151, 2025, AreaKind.EPCI),
        ],
        epci_code=PAA_SIREN,
    )
    assert table.total.children.origin == "communes"
    assert table.total.children.value == Decimal(400)
    assert table.total.children.years_label == "2021–2022"
    assert table.total.rate.value == Decimal(10)


def test_the_ctg_total_falls_back_on_the_epci_figure_and_says_so():
    table = build_coverage(
        communes=COMMUNES,
        facilities=[eaje("A", 281)],
        figures=[children(DIGNE, 320, 2022), children(PAA_SIREN, 1151, 2025, AreaKind.EPCI)],
        epci_code=PAA_SIREN,
        epci_name="CA Provence-Alpes-Agglomération",
        epci_fully_covered=False,
    )
    total = table.total.children
    assert (total.origin, total.value, total.years_label) == ("epci", Decimal(1151), "2025")
    assert "CA Provence-Alpes-Agglomération" in total.note
    assert "ne couvre pas toutes les communes" in total.note


def test_without_any_children_figure_the_total_says_why():
    table = build_coverage(
        communes=COMMUNES, facilities=[], figures=[children(DIGNE, 320, 2022)], epci_code=PAA_SIREN
    )
    assert table.total.rate.value is None
    assert "1 commune sur 2" in table.total.rate.reason


# --------------------------------------------------------------------------- published rates


def test_published_rates_are_shown_as_published_next_to_the_computed_one():
    published = [
        Figure(AreaKind.EPCI, PAA_SIREN, FigureKind.PUBLISHED_COVERAGE, 2022, Decimal("57.4")),
        Figure(AreaKind.EPCI, PAA_SIREN, FigureKind.PUBLISHED_COVERAGE, 2023, Decimal("48.0")),
        Figure(AreaKind.DEPARTEMENT, "04", FigureKind.PUBLISHED_COVERAGE, 2023, Decimal("55.2")),
        Figure(AreaKind.DEPARTEMENT, "05", FigureKind.PUBLISHED_COVERAGE, 2023, Decimal("70.1")),
        Figure(AreaKind.FRANCE, "FR", FigureKind.PUBLISHED_COVERAGE, 2023, Decimal("60.9")),
        Figure(AreaKind.COMMUNE, DIGNE, FigureKind.PUBLISHED_COVERAGE, 2023, Decimal("81.3")),
    ]
    table = build_coverage(
        communes=COMMUNES,
        facilities=[eaje("A", 281)],
        figures=[*published, children(PAA_SIREN, 1151, 2025, AreaKind.EPCI)],
        epci_code=PAA_SIREN,
        departement_code="04",
    )
    assert (table.total.published.value, table.total.published.year) == (Decimal("48.0"), 2023)
    assert table.departement.value == Decimal("55.2")
    assert table.france.value == Decimal("60.9")
    assert table.rows[0].published.value == Decimal("81.3")
    assert table.rows[1].published is None
    assert table.total.rate.rounded == Decimal("24.4")  # the register's places only


def test_the_chart_is_an_image_with_a_title_and_a_description_of_every_bar():
    table = build_coverage(
        communes=COMMUNES,
        facilities=[eaje("A", 64)],
        figures=[children(DIGNE, 320, 2022)],
    )
    svg = str(coverage_chart(table))
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "Digne-les-Bains : 20 places pour 100 enfants" in svg
    assert "Malijai" not in svg  # no rate, no bar
    assert str(coverage_chart(build_coverage(communes=[], facilities=[], figures=[]))) == ""


# --------------------------------------------------------------------------- seed 003


def test_seed_003_coverage_counts_the_register_for_the_epci_children_next_to_the_published_58(
    paa, django_assert_num_queries
):
    with django_assert_num_queries(4):
        table = load_coverage(paa)
    assert len(table.rows) == 46
    total = table.total
    assert (total.children.value, total.children.years_label) == (Decimal(1151), "2025")
    assert total.children.origin == "epci"
    assert "ne couvre pas" not in total.children.note  # the CTG covers the 46 communes
    # Annexe 2 lists 14 EAJE without capacity; the schéma tables give the places of the only
    # EAJE of Château-Arnoux-Saint-Auban (25, PSU) and of Peyruis (21, PSU).
    assert total.places == {Mode.EAJE_PSU: Decimal(46)}
    assert len(total.missing_capacity) == 12
    # 100 × 46 / 1 151 = 3.99…: a lower bound, since 12 EAJE have no capacity yet.
    assert total.collective_rate.rounded == Decimal("4.0")
    assert total.rate.lower_bound
    # The seed's "taux de couverture combiné : 58 %" is places per 100 children, as published.
    assert (total.published.value, total.published.year) == (Decimal(58), 2025)
    assert total.published.source == "CAF"
    assert table.departement is None
    # The 14 EAJE are in 10 communes: Digne-les-Bains (4), Les Mées (2) and eight others.
    assert len(table.communes_without_facility) == 36
    château = next(row for row in table.rows if row.code == CHATEAU_ARNOUX)
    assert château.total_places == Decimal(25)
    assert château.rate.value is None
    assert "commune inconnu" in château.rate.reason
