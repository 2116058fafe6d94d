"""The import contract names every app, so that a new app cannot escape the one-way layers."""

import ast
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


def _python_modules():
    for path in sorted((ROOT / "pilote").rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_no_module_holds_more_than_600_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in _python_modules()
        if (lines := path.read_text().count("\n")) > 600
    }
    assert too_long == {}, "split these modules by job (docs/architecture.md)"


def test_no_function_holds_more_than_80_lines():
    too_long = {}
    for path in _python_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    too_long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = length
    assert too_long == {}
