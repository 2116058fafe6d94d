"""Corrections on the review screen, on the plan of seed 001 (Tarn-Agout: axes → orientations
stratégiques → fiches actions → objectifs opérationnels): as functions on the proposal, then
through the page, with htmx and without JavaScript."""

import copy
import json
import zlib

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.core.models import PendingImport
from pilote.imports import review
from pilote.imports.proposal import propose_plan
from pilote.imports.review import ReviewError
from pilote.imports.services import check_proposal
from pilote.imports.views import SESSION_KEY
from pilote.plans.models import PlanNode
from tests.factories import SignedConventionFactory as ConventionFactory
from tests.factories import user_with_role

from .builders import SEED_001

LEVELS = ["Axe", "Orientation stratégique", "Fiche action", "Objectif opérationnel"]


@pytest.fixture(scope="module")
def seed_proposal():
    if not SEED_001.exists():
        pytest.skip(f"seed 001 absente ({SEED_001})")
    return review.ensure_ids(
        propose_plan(SEED_001.read_bytes(), "001.txt").to_dict(with_sources=True)
    )


@pytest.fixture
def proposal(seed_proposal):
    return copy.deepcopy(seed_proposal)


def node(proposal, kind, number):
    return next(
        i for i in review.walk(proposal["plan"]) if i["kind"] == kind and i["number"] == number
    )


def numbers(items) -> list[str]:
    return [f"{item['kind']} {item['number']}" for item in items]


def total(proposal) -> int:
    return sum(1 for _ in review.walk(proposal["plan"]))


# --------------------------------------------------------------------------- levels


def test_the_seed_proposal_is_what_the_review_starts_from(proposal):
    assert review.levels(proposal) == LEVELS
    assert total(proposal) == 67
    axis = proposal["plan"][0]
    assert numbers(axis["children"][0]["children"]) == [
        "Fiche action 1",
        "Fiche action 2",
        "Fiche action 3",
    ]


def test_renaming_a_level_renames_all_its_elements(proposal):
    message = review.update_levels(
        proposal,
        ["Axe", "Orientation", "Fiche action", "Action"],
        tracked={"Objectif opérationnel"},
    )
    assert message == (
        "Niveaux renommés : « Orientation stratégique » devient « Orientation », "
        "« Objectif opérationnel » devient « Action »."
    )
    assert review.level_counts(proposal) == {
        "Axe": 4,
        "Orientation": 9,
        "Fiche action": 16,
        "Action": 38,
    }
    assert proposal["convention"]["tracked_levels"] == ["Action"]
    check_proposal(review.without_ids(proposal))


def test_two_levels_cannot_take_the_same_name(proposal):
    before = copy.deepcopy(proposal)
    with pytest.raises(ReviewError, match="Deux niveaux porteraient le même nom : « Axe »"):
        review.update_levels(
            proposal, ["Axe", "axe", "Fiche action", "Objectif opérationnel"], set()
        )
    with pytest.raises(ReviewError, match="ne peut pas être vide"):
        review.update_levels(proposal, ["Axe", " ", "Fiche action", "Objectif opérationnel"], set())
    assert proposal == before


def test_a_level_is_added_under_the_last_and_removed_only_when_unused(proposal):
    assert (
        review.add_level(proposal, "Étape")
        == "Le niveau « Étape » a été ajouté sous « Objectif opérationnel »."
    )
    with pytest.raises(ReviewError, match="existe déjà"):
        review.add_level(proposal, "étape")
    with pytest.raises(ReviewError, match="« Axe » a encore 4 éléments"):
        review.update_levels(proposal, [*LEVELS, "Étape"], set(), removed={"Axe"})
    review.update_levels(proposal, [*LEVELS, "Étape"], set(), removed={"Étape"})
    assert review.levels(proposal) == LEVELS


# --------------------------------------------------------------------------- elements


def test_dropping_an_element_drops_its_sub_elements(proposal):
    fiche = node(proposal, "Fiche action", "1")
    assert review.drop(proposal, fiche["id"], keep_children=False) == (
        "« Fiche action 1 » a été retiré avec ses 2 sous-éléments."
    )
    assert total(proposal) == 64


def test_dropping_an_element_can_lift_its_sub_elements_to_its_place(proposal):
    orientation = proposal["plan"][0]["children"][0]
    review.drop(proposal, node(proposal, "Fiche action", "1")["id"], keep_children=True)
    assert numbers(orientation["children"])[:3] == [
        "Objectif opérationnel 1",
        "Objectif opérationnel 2",
        "Fiche action 2",
    ]
    assert total(proposal) == 66


def test_moving_up_and_down_stays_among_siblings(proposal):
    orientation = proposal["plan"][0]["children"][0]
    second = node(proposal, "Fiche action", "2")
    assert (
        review.move(proposal, second["id"], offset=-1)
        == "« Fiche action 2 » a été déplacé vers le haut."
    )
    assert numbers(orientation["children"]) == [
        "Fiche action 2",
        "Fiche action 1",
        "Fiche action 3",
    ]
    with pytest.raises(ReviewError, match="est déjà le premier de son groupe"):
        review.move(proposal, second["id"], offset=-1)


def test_indenting_needs_a_level_below_and_outdenting_goes_to_the_parents_level(proposal):
    fiche_2 = node(proposal, "Fiche action", "2")
    with pytest.raises(ReviewError, match="« Objectif opérationnel 3 » n'aurait plus de niveau"):
        review.indent(proposal, fiche_2["id"])  # its objectives would fall below the last level
    review.add_level(proposal, "Étape")
    objective_2 = node(proposal, "Objectif opérationnel", "2")
    assert review.indent(proposal, objective_2["id"]) == (
        "« Étape 2 » a été placé sous « Objectif opérationnel 1 »."
    )
    assert numbers(node(proposal, "Objectif opérationnel", "1")["children"]) == ["Étape 2"]
    assert review.outdent(proposal, objective_2["id"]) == (
        "« Objectif opérationnel 2 » a été placé après « Objectif opérationnel 1 », au même niveau."
    )
    objective_1 = node(proposal, "Objectif opérationnel", "1")
    review.outdent(proposal, objective_1["id"])
    orientation = proposal["plan"][0]["children"][0]
    assert numbers(orientation["children"])[:2] == ["Fiche action 1", "Fiche action 1"]
    assert orientation["children"][1]["title"].startswith("Recenser les besoins")
    with pytest.raises(ReviewError, match="est déjà au premier niveau du plan"):
        review.outdent(proposal, proposal["plan"][0]["id"])


def test_merging_joins_titles_fields_and_sub_elements(proposal):
    first, second = node(proposal, "Fiche action", "1"), node(proposal, "Fiche action", "2")
    assert review.merge_previous(proposal, second["id"]) == (
        "« Fiche action 2 » a été fusionné avec « Fiche action 1 »."
    )
    assert first["title"] == (
        "Répondre aux besoins spécifiques des Familles "
        "Promouvoir tous les métiers de la Petite enfance"
    )
    assert first["pilots"] == ["EAJE", "Pôle Enfance CCTA", "RPE"]
    assert numbers(first["children"]) == [f"Objectif opérationnel {n}" for n in (1, 2, 3, 4)]
    assert total(proposal) == 66
    with pytest.raises(ReviewError, match="n'a pas d'élément précédent avec lequel fusionner"):
        review.merge_previous(proposal, first["id"])


def test_splitting_cuts_the_title_and_adds_a_sibling_right_after(proposal):
    objective = node(proposal, "Objectif opérationnel", "6")
    assert review.suggest_cut(objective["title"]) == (
        "Organiser une Journée de la Famille",
        "(/des Enfants) (moment convivial)",
    )
    assert review.suggest_cut("Recenser les besoins ; informer les familles") == (
        "Recenser les besoins",
        "Informer les familles",
    )
    review.split(
        proposal,
        objective["id"],
        first="Organiser une Journée de la Famille",
        second="Organiser un moment convivial",
    )
    fiche = node(proposal, "Fiche action", "3")
    assert [child["title"] for child in fiche["children"]] == [
        "Elaborer / retravailler un guide du Parent en Tarn-Agout",
        "Organiser une Journée de la Famille",
        "Organiser un moment convivial",
    ]
    twin = fiche["children"][2]
    assert (twin["kind"], twin["number"], twin["children"]) == ("Objectif opérationnel", None, [])
    assert twin["id"] not in {i["id"] for i in review.walk(proposal["plan"]) if i is not twin}
    with pytest.raises(ReviewError, match="Indiquez l'intitulé de chacun des deux éléments"):
        review.split(proposal, objective["id"], first="x", second=" ")


def test_changing_a_level_moves_the_sub_elements_with_it(proposal):
    fiche = node(proposal, "Fiche action", "1")
    message = review.edit(
        proposal, fiche["id"], number="1.1", title=fiche["title"], kind="Orientation stratégique"
    )
    assert message == "« Orientation stratégique 1.1 » : niveau, numéro modifiés."
    assert numbers(fiche["children"]) == ["Fiche action 1", "Fiche action 2"]
    with pytest.raises(ReviewError, match="L'intitulé ne peut pas être vide"):
        review.edit(proposal, fiche["id"], number="1", title="  ", kind="Axe")


def test_an_element_that_is_gone_is_reported(proposal):
    with pytest.raises(ReviewError, match="n'est plus dans le plan proposé"):
        review.move(proposal, 99_999, offset=1)


# --------------------------------------------------------------------------- the page


@pytest.fixture
def page(client, db, seed_proposal):
    """A coordinator reviewing seed 001 for an empty CTG: (client, ctg, token)."""
    ctg = ConventionFactory(start_date="2023-01-01", end_date="2026-12-31")
    client.force_login(user_with_role(Role.COORDINATOR, convention=ctg))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("imports:upload", kwargs={"slug": ctg.slug}),
        {"file": SimpleUploadedFile("ctg-tarn-agout.txt", SEED_001.read_bytes())},
    )
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return client, ctg, token


def url(ctg, name, token, **kwargs):
    return reverse(f"imports:{name}", kwargs={"slug": ctg.slug, "token": token, **kwargs})


def stored(client, token) -> dict:
    entry = PendingImport.objects.get(key=SESSION_KEY, token=token)
    return json.loads(zlib.decompress(entry.data))["proposal"]


def row_fields(item, action):
    return {
        "node": item["id"],
        "number": item["number"] or "",
        "title": item["title"],
        "kind": item["kind"],
        "action": action,
    }


def test_the_review_page_shows_levels_tree_sources_and_warnings(page):
    client, ctg, token = page
    html = client.get(url(ctg, "review", token)).content.decode()
    assert 'value="Orientation stratégique"' in html
    assert "Arbre proposé : 67 éléments" in html
    assert "Pilotes : Pôle Enfance CCTA" in html
    assert "ligne 21 du document" in html
    assert 'aria-label="vous êtes ici :"' in html
    source = client.get(url(ctg, "source", token) + "?ligne=21").content.decode()
    assert "Répondre aux besoins spécifiques des Familles" in source


def test_a_correction_without_javascript_redirects_back_with_a_message(page):
    client, ctg, token = page
    fiche = node(stored(client, token), "Fiche action", "1")
    response = client.post(url(ctg, "edit", token), row_fields(fiche, "drop"))
    assert response.status_code == 302
    next_fiche = node(stored(client, token), "Fiche action", "2")
    assert response["Location"] == url(ctg, "review", token) + f"#element-{next_fiche['id']}"
    followed = client.get(response["Location"])
    assert "« Fiche action 1 » a été retiré avec ses 2 sous-éléments." in followed.content.decode()
    assert total(stored(client, token)) == 64


def test_a_correction_with_htmx_returns_the_review_in_place_with_the_focus(page):
    client, ctg, token = page
    fiche = node(stored(client, token), "Fiche action", "2")
    fields = row_fields(fiche, "up") | {"title": "Promouvoir les métiers de la petite enfance"}
    response = client.post(url(ctg, "edit", token), fields, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="relecture"')
    assert (
        "« Fiche action 2 » : intitulé modifié. « Fiche action 2 » a été déplacé vers le haut."
        in html
    )
    title = "Promouvoir les métiers de la petite enfance"
    field = f'id="titre-element-{fiche["id"]}" name="title" value="{title}" required'
    assert f"{field} data-review-focus" in html
    assert '<div id="relecture-annonce" hx-swap-oob="innerHTML">« Fiche action 2 »' in html
    assert "<html" not in html


def test_an_impossible_correction_changes_nothing(page):
    client, ctg, token = page
    before = stored(client, token)
    first = node(before, "Fiche action", "1")
    response = client.post(
        url(ctg, "edit", token), row_fields(first, "merge"), HTTP_HX_REQUEST="true"
    )
    assert (
        "n&#x27;a pas d&#x27;élément précédent avec lequel fusionner" in response.content.decode()
    )
    assert stored(client, token) == before


def test_levels_are_renamed_and_the_last_correction_undone(page):
    client, ctg, token = page
    fields = {
        f"level-{i}": name
        for i, name in enumerate(["Axe", "Orientation", "Fiche action", "Action"])
    }
    client.post(url(ctg, "levels", token), {**fields, "tracked": ["3"], "action": "levels"})
    assert review.levels(stored(client, token)) == ["Axe", "Orientation", "Fiche action", "Action"]
    client.post(url(ctg, "levels", token), {"action": "add", "new_level": "Étape"})
    assert review.levels(stored(client, token))[-1] == "Étape"
    client.post(url(ctg, "undo", token))
    assert review.levels(stored(client, token)) == ["Axe", "Orientation", "Fiche action", "Action"]
    client.post(url(ctg, "undo", token))
    assert review.levels(stored(client, token)) == LEVELS
    response = client.post(url(ctg, "undo", token))
    assert (
        "Il n&#x27;y a aucune modification à annuler."
        in client.get(response["Location"]).content.decode()
    )


def test_the_split_page_suggests_a_cut_and_applies_it(page):
    client, ctg, token = page
    objective = node(stored(client, token), "Objectif opérationnel", "6")
    split_url = url(ctg, "split", token, node_id=objective["id"])
    form = client.get(split_url)
    assert form.context["form"].initial["first"]
    response = client.post(
        split_url,
        {"first": "Organiser une Journée de la Famille", "second": "Organiser un moment convivial"},
    )
    assert response["Location"] == url(ctg, "review", token) + f"#element-{objective['id']}"
    assert total(stored(client, token)) == 68


def test_the_reviewed_plan_is_what_gets_saved(page):
    client, ctg, token = page
    proposal = stored(client, token)
    fields = {
        f"level-{i}": name
        for i, name in enumerate(["Axe", "Orientation", "Fiche action", "Action"])
    }
    client.post(url(ctg, "levels", token), {**fields, "tracked": ["3"], "action": "levels"})
    client.post(url(ctg, "edit", token), row_fields(node(proposal, "Fiche action", "1"), "drop"))
    response = client.post(url(ctg, "save", token))
    assert response["Location"] == reverse("plans:tree", kwargs={"slug": ctg.slug})
    assert [level.name for level in ctg.levels.order_by("position")] == [
        "Axe",
        "Orientation",
        "Fiche action",
        "Action",
    ]
    assert PlanNode.objects.filter(convention=ctg).count() == 64
    assert not PlanNode.objects.filter(
        convention=ctg, title="Répondre aux besoins spécifiques des Familles"
    ).exists()
    assert not PendingImport.objects.filter(token=token).exists()
