"""Building the compact COG file from the npm package (no database involved)."""

import gzip
from pathlib import Path

import pytest

from pilote.territories.build import (
    COLUMNS,
    KNOWN_RELEASES,
    PopulationMillesimes,
    TerritoriesDataError,
    build_dataset,
    compare_datasets,
    find_package_dir,
    read_dataset,
    write_dataset,
)

from .conftest import write_package

MILLESIMES = PopulationMillesimes.for_unknown_release(communes=2098, epci=2097)


def rows(dataset: dict, key: str) -> dict[str, dict]:
    return {row[0]: dict(zip(COLUMNS[key], row, strict=True)) for row in dataset[key]}


def test_build_keeps_current_communes_with_each_population_and_its_millesime(fake_package):
    dataset = build_dataset(fake_package, millesimes=MILLESIMES)

    communes = rows(dataset, "communes")
    assert list(communes) == ["04070", "04116", "2A004"]  # the commune déléguée is left out
    assert communes["04070"] == {
        "code": "04070",
        "name": "Digne-les-Bains",
        "departement": "04",
        "region": "93",
        "postal_codes": "04000",
        "population": 17979,
        "population_millesime": 2098,
        "population_totale": 18547,
        "population_totale_millesime": 2097,
        "epci": "200067437",
    }
    assert communes["04116"]["epci"] is None
    assert communes["04116"]["population_totale_millesime"] is None
    assert communes["2A004"]["postal_codes"] == "20000 20090"
    assert rows(dataset, "epci")["200067437"]["population_municipale"] == 17694
    assert dataset["meta"]["source"]["version"] == "9.9.9"
    assert dataset["meta"]["cog"] == 2099  # read from the README's table of releases
    assert dataset["meta"]["population_millesimes"]["communes"] == 2098


def test_build_refuses_a_release_whose_millesimes_are_unknown(fake_package):
    with pytest.raises(TerritoriesDataError, match="Millésimes des populations inconnus"):
        build_dataset(fake_package)


def test_release_6_gives_mayotte_and_the_com_their_own_millesimes():
    millesimes = KNOWN_RELEASES["6.0.0"]

    assert millesimes.for_commune("04") == 2023
    assert millesimes.for_epci_member("04") == 2022
    assert millesimes.for_commune("976") == millesimes.for_epci_member("976") == 2017
    assert millesimes.for_commune("987") == 2022
    assert millesimes.for_commune("988") is None


def test_millesimes_given_by_hand_leave_outre_mer_exceptions_unknown():
    millesimes = PopulationMillesimes.for_unknown_release(communes=2030, epci=2029)

    assert millesimes.for_commune("04") == 2030
    assert millesimes.for_epci_member("971") == 2029
    assert millesimes.for_commune("976") is None


def test_written_file_reads_back_identical_and_is_reproducible(fake_package, tmp_path):
    dataset = build_dataset(fake_package, millesimes=MILLESIMES)
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"

    write_dataset(dataset, first)
    write_dataset(dataset, second)

    assert read_dataset(first) == dataset
    assert first.read_bytes() == second.read_bytes()


def test_read_dataset_rejects_a_missing_or_foreign_file(tmp_path):
    with pytest.raises(TerritoriesDataError, match="introuvable"):
        read_dataset(tmp_path / "absent.json.gz")
    foreign = tmp_path / "foreign.json.gz"
    foreign.write_bytes(gzip.compress(b'{"hello": 1}'))
    with pytest.raises(TerritoriesDataError, match="Format de fichier non reconnu"):
        read_dataset(foreign)


def test_find_package_dir_explains_what_is_missing(tmp_path):
    with pytest.raises(TerritoriesDataError, match="Dossier source introuvable"):
        find_package_dir(tmp_path / "absent")
    with pytest.raises(TerritoriesDataError, match=r"data/communes\.json est absent"):
        find_package_dir(tmp_path)
    assert find_package_dir(write_package(tmp_path / "pkg").parent) == tmp_path / "pkg" / "package"


def test_compare_datasets_counts_additions_removals_and_population_changes(tmp_path):
    old = build_dataset(write_package(tmp_path / "old"), millesimes=MILLESIMES)
    new = build_dataset(write_package(tmp_path / "new", extra_commune=True), millesimes=MILLESIMES)
    digne = next(row for row in new["communes"] if row[0] == "04070")
    digne[COLUMNS["communes"].index("population")] += 1

    changes = compare_datasets(old, new)

    assert changes["communes"]["added"] == ["04001"]
    assert changes["communes"]["removed"] == []
    assert changes["communes"]["populations_changed"] == 1
    assert compare_datasets(new, old)["communes"]["removed"] == ["04001"]


def test_shipped_file_records_its_source_and_millesimes(settings):
    meta = read_dataset(Path(settings.TERRITORIES_DATA_FILE))["meta"]

    assert meta["source"]["package"] == "@etalab/decoupage-administratif"
    assert meta["source"]["version"] == "6.0.0"
    assert meta["cog"] == 2026
    assert meta["population_millesimes"]["communes"] == 2023
    assert meta["population_millesimes"]["epci"] == 2022
    assert Path(settings.TERRITORIES_DATA_FILE).stat().st_size < 1_500_000
