"""load_territories: the shipped COG in the database (loaded once per session by tests/conftest)."""

import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from pilote.accounts.models import Organisation
from pilote.territories.build import read_dataset
from pilote.territories.models import EPCI, Commune, Departement, Region
from pilote.territories.services import load_territories

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "departements": Departement.objects.count(),
        "epci": EPCI.objects.count(),
        "communes": Commune.objects.count(),
        "communes_without_epci": Commune.objects.filter(epci=None).count(),
    }


def test_the_whole_cog_is_loaded():
    assert counts() == {
        "regions": 26,  # 18 régions and the 8 collectivités d'outre-mer of the COG
        "departements": 109,  # 101 départements and 8 COM
        "epci": 1255,
        "communes": 34969,
        "communes_without_epci": 98,
    }
    assert not Commune.objects.filter(is_current=False).exists()


def test_loading_again_changes_nothing(capsys):
    before = counts()
    digne = Commune.objects.values().get(code="04070")

    call_command("load_territories")

    output = capsys.readouterr().out
    assert "34\u202f969 communes, 1\u202f255 EPCI, 109 départements, 26 régions" in output
    assert "Aucun changement" in output
    assert counts() == before
    assert Commune.objects.values().get(code="04070") == digne


def test_provence_alpes_agglomeration_has_its_46_communes_and_48_726_inhabitants():
    paa = EPCI.objects.get(siren="200067437")

    assert paa.name == "CA Provence-Alpes-Agglomération"
    assert paa.kind == EPCI.Kind.CA
    assert paa.communes.count() == 46
    assert paa.population_municipale == 48726
    assert paa.population_millesime == 2022


def test_insee_codes_are_strings_with_their_leading_zero_and_corsican_letters():
    assert set(
        Commune.objects.filter(code__in=["01001", "2A004", "97101"]).values_list("code", flat=True)
    ) == {"01001", "2A004", "97101"}
    ajaccio = Commune.objects.select_related("departement__region").get(code="2A004")
    assert ajaccio.departement.code == "2A"
    assert ajaccio.departement.region.name == "Corse"


def test_each_commune_population_keeps_its_own_millesime():
    digne = Commune.objects.get(code="04070")

    assert (digne.population, digne.population_millesime) == (17979, 2023)
    assert (digne.population_totale, digne.population_totale_millesime) == (18547, 2022)
    assert digne.postal_codes == "04000"
    mamoudzou = Commune.objects.get(code="97611")
    assert mamoudzou.population_millesime == mamoudzou.population_totale_millesime == 2017


def test_a_missing_data_file_gives_a_french_error(tmp_path):
    with pytest.raises(CommandError, match="Fichier de données introuvable"):
        call_command("load_territories", file=tmp_path / "absent.json.gz", verbosity=0)


def test_communes_gone_from_the_cog_are_deleted_unless_referenced(caplog):
    Organisation.objects.create(name="Mairie de Digne-les-Bains", commune_id="04070")
    dataset = read_dataset(Path(settings.TERRITORIES_DATA_FILE))
    dataset["communes"] = [row for row in dataset["communes"] if row[0] not in {"04070", "04001"}]

    with caplog.at_level(logging.WARNING, logger="pilote.territories.services"):
        report = load_territories(dataset)

    assert not Commune.objects.filter(code="04001").exists()
    digne = Commune.objects.get(code="04070")
    assert not digne.is_current
    assert Organisation.objects.get(name="Mairie de Digne-les-Bains").commune == digne
    assert (report.communes.deleted, report.communes.kept) == (1, ["04070"])
    assert "04070" in caplog.text

    # Back in a later COG: the commune becomes current again.
    load_territories(read_dataset(Path(settings.TERRITORIES_DATA_FILE)))
    assert Commune.objects.get(code="04070").is_current
    assert Commune.objects.filter(code="04001").exists()
