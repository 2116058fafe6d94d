"""The import contract names every app, so that a new app cannot escape the one-way layers."""

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _layers() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = config["importlinter:contract:layers"]["layers"]
    return [name for line in layers.split("\n") for name in re.split(r"[|:]", line) if name.strip()]


def test_every_app_of_pilote_sits_in_a_layer_of_the_import_contract():
    apps = {f"pilote.{path.parent.name}" for path in (ROOT / "pilote").glob("*/__init__.py")}
    assert apps, "no app found under pilote/"
    assert apps == {name.strip() for name in _layers()}


def test_the_layers_run_from_the_pages_down_to_core():
    layers = [name.strip() for name in _layers()]
    assert layers.index("pilote.core") == len(layers) - 1
    assert layers.index("pilote.pages") < layers.index("pilote.reports")
    assert layers.index("pilote.governance") < layers.index("pilote.monitoring")
    assert layers.index("pilote.plans") < layers.index("pilote.conventions")
