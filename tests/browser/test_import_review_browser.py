"""Nothing lost silently, in headless Chromium (issue 15): a Caf adviser uploads a plan whose
two headings the reader left out, sees them under « Non repris » with the dates to check, adds
one back, inserts a level above the fiches and re-attaches two fiches to a new parent of it."""

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.browser

PLAN = """# Plan d'actions de la CTG 2026-2029

## Axe 1 : Accès aux droits

Fiche action 1 : Créer un guichet unique

Fiche action 2 : Former les agents d'accueil

## Les principaux constats

1. Un taux de pauvreté élevé

2. Peu de places d'accueil

## Axe 2 : Parentalité

Fiche action 3 : Ouvrir un lieu d'accueil enfants-parents

Fiche action 4 : Soutenir les réseaux d'écoute

Calendrier : 2031
"""


def test_an_adviser_brings_back_what_the_reader_left_out(login):
    page = login("conseiller.caf")
    page.goto("/ctg/importer-un-plan/")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "plan.md", "mimeType": "text/markdown", "buffer": PLAN.encode()}],
    )
    page.get_by_role("button", name="Lire le fichier").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Relire le plan proposé"

    dates = page.locator("#dates")
    assert "L’année 2031" in dates.inner_text() or "L'année 2031" in dates.inner_text()
    assert "l'année sera ignorée à l'enregistrement" in dates.inner_text().replace("’", "'")
    panel = page.locator("#non-repris")
    assert "Non repris : 2 lignes du document" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    screenshot(page, "import_review_unplaced", full_page=False)

    # Insert a level above the axes: a line left out becomes its first element.
    page.get_by_label("Insérer un niveau").fill("Thème")
    page.get_by_label("Place du niveau inséré").select_option(label="au-dessus de « Axe »")
    page.get_by_role("button", name="Insérer le niveau", exact=True).click()
    status = page.locator("#relecture-statut")
    status.filter(has_text="a été inséré").wait_for()
    expect(page.locator("#titre-rattacher")).to_be_focused()

    # One key press puts « 1. Un taux de pauvreté élevé » back, on the new level.
    page.get_by_role("button", name="Ajouter au plan : ligne 11").focus()
    page.keyboard.press("Enter")
    status.filter(has_text="a été ajouté au plan").wait_for()
    assert status.inner_text() == (
        "« Thème 1 » a été ajouté au plan au premier niveau du plan, niveau « Thème »."
    )
    assert "Non repris : 1 ligne du document" in page.locator("#non-repris").inner_text()
    expect(page.locator("#titre-non-repris")).to_be_focused()

    # Both axes go under it (an existing parent). The DSFR box is the label's.
    page.locator("#titre-arbre").evaluate("element => element.scrollIntoView()")
    screenshot(page, "import_review_added_back", full_page=False)
    page.get_by_label("Rattacher « Axe 1 »").check(force=True)
    page.get_by_label("Rattacher « Axe 2 »").check(force=True)
    page.get_by_label("Nouveau parent des éléments cochés").select_option(
        label="Thème : « Thème 1 »"
    )
    page.locator("#rattacher").scroll_into_view_if_needed()
    screenshot(page, "import_review_reattach_form", full_page=False)
    page.get_by_role("button", name="Rattacher les éléments cochés").click()
    status.filter(has_text="rattachés").wait_for()
    assert status.inner_text() == "2 éléments ont été rattachés à « Thème 1 »."
    expect(page.locator("#titre-rattacher")).to_be_focused()
    tree = page.locator("#titre-arbre")
    assert "Arbre proposé : 7 éléments" in tree.inner_text()
    assert page.locator("#relecture .plan-node--depth-1").count() == 2
    tree.evaluate("element => element.scrollIntoView()")
    screenshot(page, "import_review_reattached", full_page=False)
