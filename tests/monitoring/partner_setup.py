"""Helpers of the partner links' tests (their fixtures are in conftest.py)."""

import pytest

from pilote.monitoring.periods import Quarter


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch):
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


def report(node, **values) -> dict:
    """Return the POST data of one action's block of the partner form."""
    prefix = f"action-{node.pk}-"
    data = {
        "status": "en_cours",
        "progress": "45",
        "done": "Trois séances du LAEP à Digne, 18 familles reçues.",
        "difficulties": "",
        "next_steps": "Ouvrir une deuxième permanence à Château-Arnoux.",
    }
    data.update(values)
    return {prefix + key: value for key, value in data.items()}


def form_data(*blocks, actions) -> dict:
    data = {"actions": [str(node.pk) for node in actions]}
    for block in blocks:
        data.update(block)
    return data
