"""Internal items in the JSON exchange: the editors' export keeps them with their flag and
round-trips; a reader's export leaves them out and still imports; older files hold none."""

import copy

import pytest

from pilote.exchange.services import export_convention, import_convention
from pilote.monitoring.models import ActionUpdate
from pilote.plans.models import PlanNode
from tests.exchange.test_exchange import make_document

pytestmark = pytest.mark.django_db

ACTION = "Réunir le COPIL"


def _update(internal: bool, done: str) -> dict:
    return {
        "action": 3,  # « Réunir le COPIL », third in reading order
        "year": 2026,
        "quarter": 2,
        "status": "en_cours",
        "progress": 20,
        "done": done,
        "difficulties": "",
        "next_steps": "",
        "author": None,
        "created_at": "2026-05-04T10:00:00+02:00",
        "internal": internal,
        "attachments": [],
    }


def document_with_internal_items() -> dict:
    document = make_document()
    fiche = document["plan"][0]["children"][0]
    fiche["internal"] = True  # its action « Réunir le COPIL » is internal too
    document["monitoring"]["updates"] = [
        _update(False, "Point partagé"),
        _update(True, "Remarque de la coordination"),
    ]
    return document


def _flags(convention) -> dict[str, bool]:
    return dict(PlanNode.objects.filter(convention=convention).values_list("title", "is_internal"))


def test_the_editors_export_keeps_the_flags_and_round_trips():
    convention = import_convention(document_with_internal_items())
    flags = _flags(convention)
    assert flags["Actualiser le projet social de territoire"] is True
    assert flags[ACTION] is True  # under an internal element
    assert flags["Coordination"] is False
    assert sorted(
        ActionUpdate.objects.filter(convention=convention).values_list("is_internal", flat=True)
    ) == [False, True]

    exported = export_convention(convention)
    again = import_convention(copy.deepcopy(exported), slug="ctg-copie")

    assert _flags(again) == flags
    assert export_convention(again)["plan"] == exported["plan"]
    updates = export_convention(again)["monitoring"]["updates"]
    assert [u.get("internal", False) for u in updates] == [
        False,
        True,
    ]


def test_a_readers_export_leaves_internal_items_out_and_still_imports():
    convention = import_convention(document_with_internal_items())

    exported = export_convention(convention, include_internal=False)

    text = str(exported)
    assert "Actualiser le projet social" not in text
    assert ACTION not in text
    assert "Remarque de la coordination" not in text
    assert "Point partagé" not in text  # a point of an internal action
    copy_of = import_convention(exported, slug="ctg-lecteur")
    assert set(_flags(copy_of)) == {"Coordination", "Accès aux droits"}


def test_a_file_written_before_the_flag_existed_holds_no_internal_item():
    document = make_document()
    document["monitoring"]["updates"] = [_update(False, "Point")]
    for update in document["monitoring"]["updates"]:
        del update["internal"]

    convention = import_convention(document)

    assert set(_flags(convention).values()) == {False}
    assert not ActionUpdate.objects.filter(convention=convention, is_internal=True).exists()


def test_a_flag_that_is_not_a_boolean_is_refused_in_french():
    from pilote.exchange.services import ExchangeError

    document = make_document()
    document["plan"][0]["internal"] = "oui"
    with pytest.raises(ExchangeError, match="« internal » doit valoir true ou false"):
        import_convention(document)
