"""Fixtures of the territories tests: a tiny fake `@etalab/decoupage-administratif` package."""

import json
from pathlib import Path

import pytest


def write_package(directory: Path, *, version: str = "9.9.9", extra_commune: bool = False) -> Path:
    """Write a minimal unpacked package (two régions, two EPCI, four communes) and return it."""
    data = directory / "package" / "data"
    data.mkdir(parents=True)
    (directory / "package" / "package.json").write_text(
        json.dumps({"name": "@etalab/decoupage-administratif", "version": version})
    )
    (directory / "package" / "README.md").write_text(
        f"| Année | Version du package |\n|-------|----|\n| 2099  | {version} |\n"
    )
    files = {
        "regions.json": [
            {"code": "93", "nom": "Provence-Alpes-Côte d'Azur"},
            {"code": "94", "nom": "Corse"},
        ],
        "departements.json": [
            {"code": "04", "nom": "Alpes-de-Haute-Provence", "region": "93"},
            {"code": "2A", "nom": "Corse-du-Sud", "region": "94"},
        ],
        "communes.json": [
            _commune("04070", "Digne-les-Bains", "04", "93", ["04000"], 17979),
            _commune("04116", "Les Mées", "04", "93", ["04190"], 3964),
            _commune("2A004", "Ajaccio", "2A", "94", ["20000", "20090"], 76320),
            {"code": "04070", "nom": "Gaubert", "type": "commune-deleguee", "departement": "04"},
        ],
        "epci.json": [
            _epci("200067437", "CA Provence-Alpes-Agglomération", "CA", [("04070", 18547, 17694)]),
            _epci("242010056", "CA du Pays Ajaccien", "CA", [("2A004", 76164, 75343)]),
        ],
    }
    if extra_commune:
        files["communes.json"].append(_commune("04001", "Aiglun", "04", "93", ["04510"], 1400))
    for name, content in files.items():
        (data / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return directory / "package"


def _commune(code, name, departement, region, postal_codes, population):
    return {
        "code": code,
        "nom": name,
        "type": "commune-actuelle",
        "departement": departement,
        "region": region,
        "codesPostaux": postal_codes,
        "population": population,
    }


def _epci(siren, name, kind, members):
    return {
        "code": siren,
        "nom": name,
        "type": kind,
        "populationTotale": sum(m[1] for m in members),
        "populationMunicipale": sum(m[2] for m in members),
        "membres": [
            {"code": code, "nom": "", "populationTotale": total, "populationMunicipale": municipale}
            for code, total, municipale in members
        ],
    }


@pytest.fixture
def fake_package(tmp_path: Path) -> Path:
    return write_package(tmp_path / "source")
