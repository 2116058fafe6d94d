"""The AO rules of CASF L. 214-1-3: thresholds, transfers to the EPCI, and what is missing.

Pure rules first (cases at and around each threshold), then seed 003 on the shipped COG: the
récapitulatif of the CTG Provence-Alpes-Agglomération says 38 193 inhabitants for the communes
that transferred their competences to the EPCI.
"""

import datetime

import pytest

from pilote.facilities.enums import Competence, PopulationBasis
from pilote.facilities.petite_enfance import ao
from pilote.facilities.petite_enfance.ao import CommunePopulation, Holder, Level, Register, assess
from pilote.facilities.petite_enfance.overview import assess_convention
from pilote.territories.models import Commune

NEEDS, INFORM, PLAN, QUALITY = (
    Competence.NEEDS,
    Competence.INFORM,
    Competence.PLAN,
    Competence.QUALITY,
)
ALL = [NEEDS, INFORM, PLAN, QUALITY]
JAN_2026 = datetime.date(2026, 1, 1)
PAA = ("200067437", "CA Provence-Alpes-Agglomération")


def commune(population, code="04999", name="Commune test", *, municipale=None):
    return CommunePopulation(
        code=code,
        name=name,
        population_totale=population,
        population_totale_year=2022,
        population_municipale=municipale,
        population_municipale_year=2023,
    )


def alone(population, **kwargs):
    """Return the assessment of a commune that transferred nothing."""
    return assess([commune(population)], {}, today=JAN_2026, **kwargs).communes[0]


def holders(result) -> list[Holder]:
    return [cell.holder for cell in result.cells]


# ----------------------------------------------------------------------------- one commune


@pytest.mark.parametrize("population", [0, 1, 3_499, 3_500])
def test_a_commune_of_3500_inhabitants_or_fewer_only_recenses_and_informs(population):
    result = alone(population)
    assert holders(result) == [Holder.COMMUNE, Holder.COMMUNE, Holder.NONE, Holder.NONE]
    assert result.obligations == (ao.BASE_ONLY,)
    assert not result.schema_required
    assert not result.rpe_required


@pytest.mark.parametrize("population", [3_501, 9_999, 10_000])
def test_a_commune_over_3500_inhabitants_also_plans_and_supports_quality(population):
    result = alone(population)
    assert holders(result) == [Holder.COMMUNE] * 4
    assert not result.schema_required
    assert not result.rpe_required
    assert result.obligations == (ao.PLANNING_WITHOUT_SCHEMA,)


def test_exactly_10000_inhabitants_is_not_more_than_10000():
    result = alone(10_000, register=Register())
    assert not result.schema_required
    assert not result.rpe_required
    assert result.alerts == ()


def test_a_commune_of_10001_inhabitants_needs_a_schema_and_an_rpe():
    result = alone(10_001)
    assert result.schema_required
    assert result.rpe_required
    assert result.obligations == (
        ao.SCHEMA_REQUIRED,
        "Relais petite enfance obligatoire depuis le 1ᵉʳ janvier 2026",
    )
    messages = [alert.message for alert in result.alerts]
    assert all(alert.level == Level.ERROR for alert in result.alerts)
    assert any("aucun schéma pluriannuel" in message for message in messages)
    assert any("aucun relais petite enfance" in message for message in messages)
    assert any("obligatoire depuis le 1ᵉʳ janvier 2026" in message for message in messages)


def test_the_rpe_is_due_from_1_january_2026():
    before = assess([commune(10_001)], {}, today=datetime.date(2025, 12, 31)).communes[0]
    assert any("à compter du 1ᵉʳ janvier 2026" in o for o in before.obligations)
    on_the_day = assess([commune(10_001)], {}, today=JAN_2026).communes[0]
    assert any("depuis le 1ᵉʳ janvier 2026" in o for o in on_the_day.obligations)


def test_a_schema_and_an_rpe_in_the_register_meet_the_obligations():
    register = Register(rpe_communes=frozenset({"04999"}), schemas=frozenset({"04999"}))
    result = alone(25_000, register=register)
    assert result.has_schema
    assert result.has_rpe
    assert result.alerts == ()


def test_an_rpe_in_another_commune_does_not_count():
    register = Register(rpe_communes=frozenset({"04070"}), schemas=frozenset({"04999"}))
    result = alone(25_000, register=register)
    assert [alert.level for alert in result.alerts] == [Level.ERROR]


def test_the_population_basis_is_a_setting_totale_by_default():
    # Totale 10 001, municipale 9 990: the basis decides whether a schéma is required.
    communes = [commune(10_001, municipale=9_990)]
    by_default = assess(communes, {}, today=JAN_2026).communes[0]
    assert (by_default.population, by_default.millesime) == (10_001, 2022)
    assert by_default.schema_required
    municipale = assess(communes, {}, basis=PopulationBasis.MUNICIPALE, today=JAN_2026).communes[0]
    assert (municipale.population, municipale.millesime) == (9_990, 2023)
    assert not municipale.schema_required


def test_an_unknown_population_is_said_and_keeps_only_the_base_competences():
    result = alone(None)
    assert holders(result) == [Holder.COMMUNE, Holder.COMMUNE, Holder.NONE, Holder.NONE]
    assert result.alerts[0].level == Level.WARNING
    assert "population totale inconnue" in result.alerts[0].message


def test_a_schema_for_a_commune_that_does_not_plan_is_indicative():
    result = alone(2_841, register=Register(schemas=frozenset({"04999"})))
    assert [alert.level for alert in result.alerts] == [Level.INFO]
    assert "indicatif" in result.alerts[0].message


# ----------------------------------------------------------------------------- transfers


def test_a_transferred_competence_is_exercised_by_the_epci():
    result = assess([commune(18_547)], {"04999": {PLAN}}, epci=PAA, today=JAN_2026)
    cells = holders(result.communes[0])
    assert cells == [Holder.COMMUNE, Holder.COMMUNE, Holder.EPCI, Holder.COMMUNE]
    assert not result.communes[0].schema_required  # the EPCI plans for it
    assert result.communes[0].rpe_required  # it kept (2) and (4)
    assert result.epci.schema_required


def test_the_epci_threshold_sums_the_population_totale_of_the_transferring_communes_only():
    communes = [
        commune(6_000, "04001", "A", municipale=1),
        commune(4_001, "04002", "B", municipale=1),
        commune(50_000, "04003", "C (garde ses compétences)"),
    ]
    # The municipale basis applies to communes acting alone, never to the EPCI.
    result = assess(
        communes,
        {"04001": ALL, "04002": ALL},
        basis=PopulationBasis.MUNICIPALE,
        epci=PAA,
        today=JAN_2026,
    )
    assert result.epci.population == 10_001
    assert result.epci.schema_required
    assert result.epci.rpe_required
    assert result.epci.cell(PLAN).communes == ("A", "B")


def test_an_epci_whose_transferring_communes_total_10000_needs_no_schema():
    communes = [commune(6_000, "04001", "A"), commune(4_000, "04002", "B")]
    result = assess(communes, {"04001": ALL, "04002": ALL}, epci=PAA, today=JAN_2026)
    assert result.epci.population == 10_000
    assert result.epci.plans
    assert not result.epci.schema_required
    assert not result.epci.rpe_required


def test_the_epci_population_is_counted_per_competence():
    communes = [commune(9_000, "04001", "A"), commune(2_000, "04002", "B")]
    result = assess(communes, {"04001": ALL, "04002": [NEEDS, INFORM]}, epci=PAA, today=JAN_2026)
    assert result.epci.cell(INFORM).population == 11_000
    assert result.epci.cell(PLAN).population == 9_000
    assert not result.epci.schema_required
    assert result.epci.rpe_required  # (2) over 10 000 inhabitants
    assert result.epci.uniform_population is None


@pytest.mark.parametrize(("population", "held"), [(3_500, False), (3_501, True)])
def test_planning_transferred_by_3500_inhabitants_or_fewer_is_without_object(population, held):
    result = assess([commune(population)], {"04999": ALL}, epci=PAA, today=JAN_2026)
    assert result.epci.cell(PLAN).transferred
    assert result.epci.cell(PLAN).held is held
    assert result.epci.cell(NEEDS).held
    assert any(alert.level == Level.INFO for alert in result.epci.alerts) is not held


def test_an_rpe_in_a_transferring_commune_serves_the_epci():
    communes = [commune(18_547, "04070", "Digne-les-Bains"), commune(5_218, "04049", "Château")]
    result = assess(
        communes,
        {"04070": ALL},
        epci=PAA,
        register=Register(rpe_communes=frozenset({"04070"}), schemas=frozenset({None})),
        today=JAN_2026,
    )
    assert result.epci.has_rpe
    assert result.epci.alerts == ()
    # Château-Arnoux keeps its competences: an RPE in Digne is not its own, but it needs none.
    assert not result.communes[1].rpe_required


def test_an_epci_without_schema_nor_rpe_is_told_what_is_missing():
    result = assess([commune(18_547)], {"04999": ALL}, epci=PAA, today=JAN_2026)
    assert len(result.missing) == 2
    assert "aucun schéma pluriannuel n'est enregistré pour l'EPCI" in result.missing[0].message


def test_an_rpe_run_by_the_epci_counts_for_it():
    result = assess(
        [commune(18_547)],
        {"04999": ALL},
        epci=PAA,
        register=Register(epci_runs_rpe=True, schemas=frozenset({None})),
        today=JAN_2026,
    )
    assert result.missing == []


def test_transfers_are_ignored_without_an_epci():
    result = assess([commune(18_547)], {"04999": ALL}, epci=None, today=JAN_2026)
    assert result.epci is None
    assert holders(result.communes[0]) == [Holder.COMMUNE] * 4
    assert result.alerts[0].level == Level.WARNING


def test_the_labels_are_those_of_the_recapitulatif():
    assert Holder.COMMUNE.label == "Exercée par la commune"
    assert Holder.EPCI.label == "Transférée à l'EPCI"
    assert Holder.NONE.label == "Sans objet"
    assert ao.format_int(38_193) == "38\u202f193"


# ----------------------------------------------------------------------------- seed 003


@pytest.mark.django_db
def test_the_transferring_communes_of_seed_003_total_38193_inhabitants_in_the_cog():
    """The 43 communes of PAA other than Château-Arnoux-Saint-Auban, Les Mées and Peyruis."""
    members = Commune.objects.filter(epci_id=PAA[0])
    assert members.count() == 46
    kept = {"04049", "04116", "04149"}
    transferring = members.exclude(code__in=kept)
    totale = sum(c.population_totale for c in transferring)
    municipale = sum(c.population for c in transferring)
    assert totale == 38_193  # population totale, millésime 2022: the figure of seed 003
    assert municipale == 37_133  # the municipale would not give it
    assert {c.population_totale_millesime for c in transferring} == {2022}


@pytest.mark.django_db
def test_the_demo_reproduces_the_recapitulatif_of_seed_003(paa):
    summary = assess_convention(paa, today=JAN_2026)

    aos = {c.name: c for c in summary.communes if c.is_ao}
    assert sorted(aos) == ["Château-Arnoux-Saint-Auban", "Les Mées", "Peyruis"]
    for name in ("Château-Arnoux-Saint-Auban", "Les Mées"):  # +3 500 (moins de 10 000)
        assert 3_500 < aos[name].population < 10_000
        assert holders(aos[name]) == [Holder.COMMUNE] * 4
        assert not aos[name].schema_required
    assert aos["Peyruis"].population < 3_500  # -3 500
    assert holders(aos["Peyruis"]) == [Holder.COMMUNE, Holder.COMMUNE, Holder.NONE, Holder.NONE]

    epci = summary.epci
    assert epci.name == "CA Provence-Alpes-Agglomération"
    assert epci.transferring_count == 43
    assert [cell.population for cell in epci.cells] == [38_193] * 4
    assert epci.uniform_population == 38_193
    assert all(cell.held for cell in epci.cells)
    assert epci.schema_required
    assert epci.has_schema
    assert epci.millesime == 2022
    # The register of annexe 2 has two RPE: Les Frimousses in Digne-les-Bains, which transferred
    # its competences and whose manager is the agglomération, serves the EPCI; that of Les Mées,
    # which kept its competences, serves Les Mées (not bound to have one under 10 000 inhabitants).
    assert epci.rpe_required
    assert epci.has_rpe
    assert aos["Les Mées"].has_rpe
    assert not aos["Les Mées"].rpe_required
    assert summary.missing == []
