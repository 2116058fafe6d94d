"""refresh_territories: rebuild the COG file from a package, without touching the database."""

import pytest
from django.core.management import CommandError, call_command

from pilote.territories.build import read_dataset

from .conftest import write_package


def refresh(*args: str) -> None:
    call_command("refresh_territories", *args)


def test_refresh_from_a_source_dir_writes_the_file_and_reports_changes(tmp_path, capsys):
    output = tmp_path / "cog.json.gz"
    millesimes = ["--millesime-communes", "2023", "--millesime-epci", "2022"]
    refresh("--source", str(write_package(tmp_path / "old")), "--output", str(output), *millesimes)
    capsys.readouterr()

    new_source = write_package(tmp_path / "new", extra_commune=True)
    refresh("--source", str(new_source), "--output", str(output), *millesimes)

    out = capsys.readouterr().out
    assert "Communes : 4 (+1 ajout(s), −0 retrait(s)" in out
    assert "Codes ajoutés : 04001" in out
    assert "EPCI : 2 (+0 ajout(s), −0 retrait(s)" in out
    assert "load_territories" in out
    dataset = read_dataset(output)
    assert [row[0] for row in dataset["communes"]] == ["04001", "04070", "04116", "2A004"]
    assert dataset["meta"]["source"]["version"] == "9.9.9"


def test_refresh_says_when_nothing_changed(tmp_path, capsys):
    output = tmp_path / "cog.json.gz"
    args = ["--output", str(output), "--millesime-communes", "2023", "--millesime-epci", "2022"]
    source = str(write_package(tmp_path / "src"))
    refresh("--source", source, *args)

    refresh("--source", source, *args)

    assert "Aucun changement dans les données." in capsys.readouterr().out


def test_refresh_from_a_missing_source_dir_gives_a_french_error(tmp_path):
    output = tmp_path / "cog.json.gz"

    with pytest.raises(CommandError, match="Dossier source introuvable"):
        refresh("--source", str(tmp_path / "absent"), "--output", str(output))
    assert not output.exists()


def test_refresh_of_an_unknown_release_requires_its_millesimes(tmp_path):
    with pytest.raises(CommandError, match="--millesime-communes et --millesime-epci"):
        refresh("--source", str(write_package(tmp_path)), "--output", str(tmp_path / "o.gz"))


def test_refresh_without_npm_says_how_to_proceed(tmp_path, monkeypatch):
    monkeypatch.setattr("pilote.territories.build.shutil.which", lambda name: None)

    with pytest.raises(CommandError, match=r"npm est introuvable.*--source"):
        refresh("--version", "6.0.0", "--output", str(tmp_path / "cog.json.gz"))


def test_refresh_rejects_a_malformed_version(tmp_path):
    with pytest.raises(CommandError, match="Version invalide"):
        refresh("--version", "latest", "--output", str(tmp_path / "cog.json.gz"))
