"""The plan as version rows and the changes between two versions (governance.versions.history)."""

import pytest

from pilote.governance.versions.history import (
    ChangeKind,
    VersionRow,
    diff_rows,
    plan_rows,
)
from pilote.plans.models import PlanNode

from .demo import TARN

# A plan in the shape of seed 001 (Tarn-Agout): axe › orientation › fiche › objectif.
AXE, ORIENTATION, FICHE = "Axe", "Orientation stratégique", "Fiche action"
OBJECTIVE = "Objectif opérationnel"


def row(key, parent=None, depth=0, level=OBJECTIVE, number="", title="", period="", pilots=()):
    return VersionRow(
        key=key,
        parent_key=parent,
        depth=depth,
        level=level,
        number=number,
        title=title or f"Élément {key}",
        period=period,
        pilots=tuple(pilots),
        tracked=level == OBJECTIVE,
    )


def signed_plan() -> list[VersionRow]:
    return [
        row(1, None, 0, AXE, "1", "Garantir une offre de services adaptée"),
        row(2, 1, 1, ORIENTATION, "2", "Enrichir la politique Jeunesse"),
        row(3, 2, 2, FICHE, "11", "Développer l'offre de service", pilots=["CTG"]),
        row(4, 3, 3, OBJECTIVE, "24", "Développer l'Aller-Vers", "2024"),
        row(5, 3, 3, OBJECTIVE, "25", "Proposer des actions Hors-les-Murs", "2024"),
        row(6, 3, 3, OBJECTIVE, "26", "Créer un Point d'entrée Jeunesse", "2025"),
        row(7, None, 0, AXE, "3", "Favoriser un cadre de vie solidaire"),
        row(8, 7, 1, FICHE, "14", "Renforcer la coordination", pilots=["CCAS", "MD"]),
        row(9, 8, 2, OBJECTIVE, "31", "Remettre en place des Petits Déj'"),
        row(10, 8, 2, OBJECTIVE, "32", "Mettre en place un « Vis ma Vie »"),
    ]


def by_key(diff):
    return {change.key: change for change in diff.changes}


def test_identical_versions_have_no_change():
    diff = diff_rows(signed_plan(), signed_plan())

    assert not diff.has_changes
    assert diff.summary == "Aucun changement"
    assert [change.key for change in diff.changes] == list(range(1, 11))
    assert all(change.kinds == () for change in diff.changes)
    assert diff.changes[0].description == "Inchangé"


def test_an_element_only_in_the_new_version_is_added():
    new = signed_plan()
    new.insert(6, row(11, 3, 3, OBJECTIVE, "39", "Ouvrir un espace jeunes itinérant", "2025-2026"))

    diff = diff_rows(signed_plan(), new)

    change = by_key(diff)[11]
    assert change.kinds == (ChangeKind.ADDED,)
    assert change.old is None
    assert change.new.title == "Ouvrir un espace jeunes itinérant"
    assert diff.summary == "1 élément ajouté"
    # It stands where the new version has it: last objective of fiche 11.
    assert [c.key for c in diff.changes][5:8] == [6, 11, 7]


def test_an_element_only_in_the_old_version_is_removed_and_stays_in_its_place():
    new = [r for r in signed_plan() if r.key != 10]

    diff = diff_rows(signed_plan(), new)

    change = by_key(diff)[10]
    assert change.kinds == (ChangeKind.REMOVED,)
    assert change.new is None
    assert change.row.number == "32"
    assert [c.key for c in diff.changes] == list(range(1, 11))
    assert change.depth == 2
    assert change.path == "Axe 3 › Fiche action 14"
    assert diff.summary == "1 élément retiré"


def test_a_removed_first_child_comes_right_after_its_parent():
    new = [r for r in signed_plan() if r.key != 4]

    keys = [c.key for c in diff_rows(signed_plan(), new).changes]

    assert keys[:5] == [1, 2, 3, 4, 5]


def test_a_removed_subtree_keeps_its_shape():
    new = [r for r in signed_plan() if r.key not in (8, 9, 10)]

    diff = diff_rows(signed_plan(), new)

    assert [(c.key, c.depth) for c in diff.changes][-4:] == [(7, 0), (8, 1), (9, 2), (10, 2)]
    assert diff.counts[ChangeKind.REMOVED] == 3
    assert diff.summary == "3 éléments retirés"


@pytest.mark.parametrize(
    ("changes", "fields", "label"),
    [
        ({"title": "Créer un Point Information Jeunesse"}, ("title",), "intitulé"),
        ({"number": "26 bis"}, ("number",), "numéro"),
        ({"period": "2025-2026"}, ("period",), "période"),
        ({"pilots": ("CTG", "Services Jeunesse")}, ("pilots",), "pilotes"),
        ({"level": FICHE}, ("level",), "niveau"),
        (
            {"title": "Créer un PIJ", "pilots": ("Services Jeunesse",)},
            ("title", "pilots"),
            "intitulé, pilotes",
        ),
    ],
)
def test_each_compared_field_makes_the_element_modified(changes, fields, label):
    new = [
        VersionRow(**{**r.as_json(), "pilots": tuple(r.pilots), **changes}) if r.key == 6 else r
        for r in signed_plan()
    ]

    diff = diff_rows(signed_plan(), new)

    change = by_key(diff)[6]
    assert change.kinds == (ChangeKind.MODIFIED,)
    assert change.fields == fields
    assert change.description == f"Modifié : {label}"
    assert diff.summary == "1 élément modifié"


def test_the_modified_fields_are_told_with_their_old_and_new_texts():
    new = [
        VersionRow(**{**r.as_json(), "pilots": (), "period": "2025-2026"}) if r.key == 8 else r
        for r in signed_plan()
    ]

    change = by_key(diff_rows(signed_plan(), new))[8]

    assert change.field_changes == [
        ("période", "non renseignée", "2025-2026"),
        ("pilotes", "CCAS, MD", "aucun"),
    ]


def test_an_element_under_another_parent_is_moved_and_shown_under_it():
    old = signed_plan()
    new = [r for r in old if r.key != 9]
    moved = VersionRow(**{**old[8].as_json(), "pilots": (), "parent_key": 3, "depth": 3})
    new.insert(6, moved)

    diff = diff_rows(old, new)

    change = by_key(diff)[9]
    assert change.kinds == (ChangeKind.MOVED,)
    assert change.moved
    assert not change.fields
    assert (change.old_parent, change.new_parent) == ("Fiche action 14", "Fiche action 11")
    assert change.description == "Déplacé (de Fiche action 14 vers Fiche action 11)"
    assert [c.key for c in diff.changes][3:7] == [4, 5, 6, 9]
    assert change.depth == 3
    assert diff.summary == "1 élément déplacé"


def test_an_element_both_moved_and_retitled_has_both_kinds():
    old = signed_plan()
    new = [
        VersionRow(**{**r.as_json(), "pilots": (), "parent_key": 3, "title": "Petits Déj'"})
        if r.key == 9
        else r
        for r in old
    ]

    change = by_key(diff_rows(old, new))[9]

    assert change.kinds == (ChangeKind.MODIFIED, ChangeKind.MOVED)
    assert change.description.startswith("Modifié : intitulé ; déplacé (de Fiche action 14")


def test_the_counts_sentence_names_every_kind_in_french():
    old = signed_plan()
    new = [r for r in old if r.key != 10]
    new = [
        VersionRow(**{**r.as_json(), "pilots": tuple(r.pilots), "title": f"{r.title} (révisé)"})
        if r.key in (4, 5)
        else r
        for r in new
    ]
    new += [row(11, 7, 1, FICHE, "17"), row(12, 7, 1, FICHE, "18"), row(13, 7, 1, FICHE, "19")]

    diff = diff_rows(old, new)

    assert diff.summary == "3 éléments ajoutés, 1 retiré, 2 modifiés"
    assert [(kind.label, len(changes)) for kind, changes in diff.groups] == [
        ("Ajouté", 3),
        ("Retiré", 1),
        ("Modifié", 2),
    ]
    assert len(diff.changed) == 6


def test_rows_survive_their_json_storage():
    rows = signed_plan()

    assert [VersionRow.from_json(r.as_json()) for r in rows] == rows
    assert rows[2].label == "Fiche action 11"
    assert row(20, level=AXE, title="Jeunesse").label == "Axe « Jeunesse »"


@pytest.mark.django_db
def test_the_plan_is_read_as_rows_in_outline_order_in_two_queries(world, django_assert_num_queries):
    from pilote.conventions.models import Convention

    tarn = Convention.objects.get(slug=TARN)

    with django_assert_num_queries(2):
        rows = plan_rows(tarn)

    assert len(rows) == PlanNode.objects.filter(convention=tarn).count() == 67
    first, second, third = rows[:3]
    assert (first.level, first.number, first.depth, first.parent_key) == ("Axe", "1", 0, None)
    assert (second.level, second.parent_key, second.depth) == (
        "Orientation stratégique",
        first.key,
        1,
    )
    assert (third.level, third.number, third.pilots) == (
        "Fiche action",
        "1",
        ("Pôle Enfance CCTA",),
    )
    assert rows[3].tracked
    assert rows[3].period == "2024"
    fiche_7 = next(r for r in rows if r.level == "Fiche action" and r.number == "7")
    assert fiche_7.pilots == ("CTG", "LAEP", "RéseauParents81")
