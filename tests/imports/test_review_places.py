"""Nothing lost silently (issue 15): the lines of a document left out of the proposal, the levels
found but not kept, a level inserted between two others and elements re-attached to a new
parent; as functions on the proposal, then on the review page (htmx and without JavaScript)."""

import copy
import html
import json
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.core.models import PendingImport
from pilote.imports import review, review_places
from pilote.imports.proposal import propose_plan
from pilote.imports.review import ReviewError
from pilote.imports.services import apply_proposal, check_proposal
from pilote.imports.views import SESSION_KEY
from pilote.plans.models import PlanNode
from tests.factories import SignedConventionFactory as ConventionFactory
from tests.factories import user_with_role

from .builders import SEED_000, SEED_001, SEED_003

# A plan whose two numbered headings only group fiches: the parser dissolves them.
HEADINGS = """# Plan d'actions de la CTG 2026-2030

## Axe 1 : Accès aux droits

Fiche action 1 : Créer un guichet unique

Fiche action 2 : Former les agents d'accueil

## Les principaux constats

1. Un taux de pauvreté élevé

2. Peu de places d'accueil

## Axe 2 : Parentalité

Fiche action 3 : Ouvrir un lieu d'accueil enfants-parents

Fiche action 4 : Soutenir les réseaux d'écoute
""".encode()


def blank(kind, number, title, line, children=()):
    node = review.blank_like({"kind": kind, "source": {"line": line, "page": None}})
    node.update(number=number, title=title, children=list(children))
    return node


@pytest.fixture
def axes():
    """Axe 1 › fiches 1.1 and 1.3 (line 5 « 1.2 » left out), Axe 2 › fiche 2.1."""
    proposal = {
        "convention": {"level_names": ["Axe", "Fiche action"], "tracked_levels": []},
        "plan": [
            blank(
                "Axe",
                "1",
                "Petite enfance",
                2,
                [
                    blank("Fiche action", "1.1", "Ouvrir une crèche", 3),
                    blank("Fiche action", "1.3", "Soutenir les assistantes maternelles", 7),
                ],
            ),
            blank("Axe", "2", "Jeunesse", 10, [blank("Fiche action", "2.1", "Espace jeunes", 11)]),
        ],
        "unplaced": [
            {
                "text": "1.2 Créer un relais petite enfance",
                "line": 5,
                "page": None,
                "number": "1.2",
                "title": "Créer un relais petite enfance",
                "kind": None,
                "parent_line": 2,
            },
            {
                "text": "Axe 3 : Accès aux droits",
                "line": 14,
                "page": None,
                "number": "3",
                "title": "Accès aux droits",
                "kind": "Axe",
                "parent_line": 11,
            },
        ],
        "dropped_levels": ["Orientation"],
    }
    return review_places.link_unplaced(review.ensure_ids(proposal))


def titles(items):
    return [item["title"] for item in items]


# --------------------------------------------------------------------------- finding them


def test_the_numbered_lines_off_the_plan_are_listed_as_not_placed():
    proposal = propose_plan(HEADINGS, "plan.md")

    assert [(line.line_no, line.number) for line in proposal.unplaced] == [(11, "1"), (13, "2")]
    assert [node["number"] for node in proposal.to_dict()["plan"]] == ["1", "2"]
    data = proposal.to_dict()
    assert data["unplaced"][0] == {
        "text": "1. Un taux de pauvreté élevé",
        "line": 11,
        "page": None,
        "number": "1",
        "level": None,
        "parent_key": None,
        "parent_path": [],
        "reason": "hors du plan d'actions",
    }


@pytest.mark.parametrize("seed", [SEED_000, SEED_001, SEED_003], ids=["000", "001", "003"])
def test_the_seeds_read_whole_leave_nothing_out(seed):
    if not seed.exists():
        pytest.skip("graine absente")
    proposal = propose_plan(seed.read_bytes(), seed.name)
    # What a seed leaves out is off its plan (its diagnostic, its evaluation) or an unnumbered
    # thematic line: no numbered line of the plan itself.
    for line in proposal.unplaced:
        assert line.reason.startswith("hors") or not line.number, line
    assert proposal.dropped_levels == []


# --------------------------------------------------------------------------- adding them back


def test_a_line_goes_back_under_its_parent_in_document_order(axes):
    message = review_places.add_unplaced(axes, 5)

    assert message == (
        "« Fiche action 1.2 » a été ajouté au plan sous « Axe 1 », niveau « Fiche action »."
    )
    assert titles(axes["plan"][0]["children"]) == [
        "Ouvrir une crèche",
        "Créer un relais petite enfance",
        "Soutenir les assistantes maternelles",
    ]
    assert [line["line"] for line in review_places.unplaced(axes)] == [14]
    check_proposal(review.without_ids(axes))


def test_a_line_naming_an_upper_level_goes_back_at_its_level(axes):
    review_places.add_unplaced(axes, 14)  # « Axe 3 », read after fiche 2.1

    assert [(item["kind"], item["number"]) for item in axes["plan"]] == [
        ("Axe", "1"),
        ("Axe", "2"),
        ("Axe", "3"),
    ]


def test_a_line_whose_parent_was_removed_goes_to_the_first_level(axes):
    review.drop(axes, axes["plan"][0]["id"], keep_children=False)

    review_places.add_unplaced(axes, 5)

    assert [(item["kind"], item["title"]) for item in axes["plan"]] == [
        ("Axe", "Créer un relais petite enfance"),
        ("Axe", "Jeunesse"),
    ]


def test_a_line_in_the_parsers_shape_goes_back_by_its_path_in_the_plan(axes):
    """The parser's own records name the parent by its path and the level, not the title."""
    axes["unplaced"] = [
        {
            "text": "2.2 Accompagner les projets de jeunes",
            "line": 12,
            "page": None,
            "number": "2.2",
            "level": "Fiche action",
            "parent_key": "Axe 2",
            "parent_path": [1],
            "reason": "numérotation interrompue",
        }
    ]
    review_places.link_unplaced(axes)
    review.move(axes, axes["plan"][1]["id"], offset=-1)  # the review moves Axe 2 first

    review_places.add_unplaced(axes, 12)

    assert titles(axes["plan"][0]["children"]) == [
        "Espace jeunes",
        "Accompagner les projets de jeunes",
    ]


def test_a_line_already_added_is_refused_and_nothing_changes(axes):
    review_places.add_unplaced(axes, 5)
    before = copy.deepcopy(axes)
    with pytest.raises(ReviewError, match="n'est plus dans « Non repris »"):
        review_places.add_unplaced(axes, 5)
    assert axes == before


# --------------------------------------------------------------------------- levels and parents


def test_a_level_found_but_not_kept_is_named_until_it_is_inserted(axes):
    assert review_places.dropped_levels(axes) == ["Orientation"]

    message = review_places.insert_level(axes, "Orientation", 1)

    assert message.startswith("Le niveau « Orientation » a été inséré entre « Axe » et « Fiche")
    assert review.levels(axes) == ["Axe", "Orientation", "Fiche action"]
    assert review_places.dropped_levels(axes) == []


def test_a_level_cannot_be_inserted_twice_beyond_eight_or_nowhere(axes):
    with pytest.raises(ReviewError, match="existe déjà"):
        review_places.insert_level(axes, "axe", 1)
    with pytest.raises(ReviewError, match="Cette place n'existe plus"):
        review_places.insert_level(axes, "Orientation", 3)
    for index in range(6):
        review_places.insert_level(axes, f"Niveau {index}", 1)
    with pytest.raises(ReviewError, match="au plus 8 niveaux"):
        review_places.insert_level(axes, "Neuvième", 1)


def test_children_are_re_attached_to_a_new_parent_of_the_inserted_level(axes):
    review_places.insert_level(axes, "Orientation", 1)
    first, third = axes["plan"][0]["children"]

    message = review_places.reattach(
        axes,
        [first["id"], third["id"]],
        new_kind="Orientation",
        new_title="Accueil du jeune enfant",
        new_number="1.A",
    )

    assert message == "2 éléments ont été rattachés à « Orientation 1.A »."
    (orientation,) = axes["plan"][0]["children"]
    assert (orientation["kind"], orientation["title"]) == ("Orientation", "Accueil du jeune enfant")
    assert titles(orientation["children"]) == [
        "Ouvrir une crèche",
        "Soutenir les assistantes maternelles",
    ]
    check_proposal(review.without_ids(axes))


def test_elements_are_re_attached_to_an_existing_parent(axes):
    fiche = axes["plan"][1]["children"][0]

    message = review_places.reattach(axes, [fiche["id"]], parent_id=axes["plan"][0]["id"])

    assert message == "« Fiche action 2.1 » a été rattaché à « Axe 1 »."
    assert titles(axes["plan"][0]["children"])[-1] == "Espace jeunes"
    assert axes["plan"][1]["children"] == []


def test_an_element_cannot_be_re_attached_under_itself_and_nothing_changes(axes):
    axis = axes["plan"][0]
    before = copy.deepcopy(axes)
    with pytest.raises(ReviewError, match="ne peut pas être rattaché à lui-même"):
        review_places.reattach(axes, [axis["id"]], parent_id=axis["children"][0]["id"])
    with pytest.raises(ReviewError, match="Cochez"):
        review_places.reattach(axes, [], parent_id=axis["id"])
    with pytest.raises(ReviewError, match="intitulé du nouvel élément parent"):
        review_places.reattach(axes, [axis["children"][0]["id"]], new_kind="Axe", new_title=" ")
    assert axes == before


def test_the_re_attached_plan_is_what_gets_saved(axes, db):
    ctg = ConventionFactory(levels=["Axe", "Fiche action"])
    review_places.insert_level(axes, "Orientation", 1)
    fiches = axes["plan"][0]["children"]
    review_places.reattach(
        axes, [fiche["id"] for fiche in fiches], new_kind="Orientation", new_title="Accueil"
    )

    apply_proposal(ctg, review.without_ids(axes))

    orientation = PlanNode.objects.get(convention=ctg, level__name="Orientation")
    assert orientation.parent.title == "Petite enfance"
    assert list(orientation.children.order_by("position").values_list("title", flat=True)) == [
        "Ouvrir une crèche",
        "Soutenir les assistantes maternelles",
    ]


# --------------------------------------------------------------------------- the page


@pytest.fixture
def page(client, db):
    """A coordinator reviewing HEADINGS for an empty CTG: (client, ctg, token)."""
    ctg = ConventionFactory()
    client.force_login(user_with_role(Role.COORDINATOR, convention=ctg))
    response = client.post(
        reverse("imports:upload", kwargs={"slug": ctg.slug}),
        {"file": SimpleUploadedFile("plan.md", HEADINGS)},
    )
    assert response.status_code == 302
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return client, ctg, token


def url(ctg, name, token):
    return reverse(f"imports:{name}", kwargs={"slug": ctg.slug, "token": token})


def stored(token) -> dict:
    entry = PendingImport.objects.get(key=SESSION_KEY, token=token)
    return json.loads(zlib.decompress(entry.data))["proposal"]


def test_the_review_page_lists_the_lines_left_out_with_a_button_each(page):
    client, ctg, token = page
    text = client.get(url(ctg, "review", token)).content.decode()

    assert "Non repris : 2 lignes du document" in text
    assert "ligne 11</span>" in text
    assert "1. Un taux de pauvreté élevé" in text
    assert text.count(">Ajouter au plan<") == 2


def test_adding_a_line_back_keeps_the_other_corrections_and_can_be_undone(page):
    client, ctg, token = page
    fiche = next(i for i in review.walk(stored(token)["plan"]) if i["number"] == "4")
    client.post(
        url(ctg, "edit", token),
        {"node": fiche["id"], "number": "4", "title": "Soutenir l'écoute", "kind": fiche["kind"]}
        | {"action": "save"},
    )

    response = client.post(url(ctg, "add_unplaced", token), {"line": "11"}, HTTP_HX_REQUEST="true")

    text = response.content.decode()
    assert response.status_code == 200
    assert "« Axe 1 » a été ajouté au plan au premier niveau du plan, niveau « Axe »" in text
    assert "Non repris : 1 ligne du document" in text
    proposal = stored(token)
    assert "Soutenir l'écoute" in titles(review.walk(proposal["plan"]))
    assert proposal["plan"][0]["title"] == "Accès aux droits"
    client.post(url(ctg, "undo", token))
    assert [line["line"] for line in stored(token)["unplaced"]] == [11, 13]
    assert "Soutenir l'écoute" in titles(review.walk(stored(token)["plan"]))


def test_inserting_a_level_and_re_attaching_through_the_page_without_javascript(page):
    client, ctg, token = page
    response = client.post(url(ctg, "insert_level", token), {"name": "Thème", "position": "0"})
    assert response.status_code == 302
    assert review.levels(stored(token)) == ["Thème", "Axe", "Fiche action"]
    axes = [item for item in review.walk(stored(token)["plan"]) if item["kind"] == "Axe"]

    response = client.post(
        url(ctg, "reattach", token),
        {
            "node": [str(axe["id"]) for axe in axes],
            "parent": "new",
            "new_kind": "Thème",
            "new_number": "1",
            "new_title": "Solidarités",
        },
    )

    assert response.status_code == 302
    page_html = client.get(response["Location"]).content.decode()
    assert "2 éléments ont été rattachés à « Thème 1 »." in page_html
    plan = stored(token)["plan"]
    assert [(item["kind"], item["title"]) for item in plan] == [("Thème", "Solidarités")]
    assert titles(plan[0]["children"]) == ["Accès aux droits", "Parentalité"]


def test_a_bad_request_on_the_new_corrections_changes_nothing(page):
    client, ctg, token = page
    before = stored(token)
    for name, data, message in (
        ("add_unplaced", {"line": "abc"}, "Cette ligne n'a pas été comprise"),
        ("add_unplaced", {"line": "999"}, "n'est plus dans « Non repris »"),
        ("insert_level", {"name": "Thème"}, "Choisissez où insérer le niveau"),
        ("reattach", {"node": ["1"], "parent": ""}, "Choisissez le nouveau parent"),
    ):
        response = client.post(url(ctg, name, token), data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert message in html.unescape(response.content.decode())
    assert stored(token) == before


def test_an_expired_review_sends_back_to_the_upload_page(page):
    client, ctg, _token = page
    response = client.post(url(ctg, "add_unplaced", "x" * 20), {"line": "3"})
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:upload", kwargs={"slug": ctg.slug})


def test_the_review_page_with_lines_left_out_runs_a_fixed_number_of_queries(
    page, django_assert_max_num_queries
):
    client, ctg, token = page
    with django_assert_max_num_queries(20):
        response = client.get(url(ctg, "review", token))
    assert response.status_code == 200
