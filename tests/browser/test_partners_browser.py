"""A partner without an account reports through a personal link; the coordinator accepts it."""

import re

import pytest

from .conftest import new_page, screenshot

pytestmark = pytest.mark.browser

PAA = "/ctg/provence-alpes-agglomeration-2026-2030"


def _link_in_mailbox(mailbox) -> str:
    messages = sorted(mailbox.iterdir(), key=lambda path: path.stat().st_mtime)
    body = messages[-1].read_text(encoding="utf-8")
    return re.search(r"https?://[^\s]+/partenaire/[\w-]+/", body).group(0)


def test_a_partner_reports_and_the_coordinator_accepts(
    browser, live_demo_server, login, live_mailbox
):
    page = login("cooperation.paa")
    page.goto(f"{PAA}/suivi/")
    first_row = page.locator("tbody tr[id^='action-']").first
    action_title = first_row.locator("td a").first.inner_text()
    first_row.get_by_role("link", name=re.compile("^Demander au partenaire")).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Demander le point à un partenaire").is_visible()
    page.get_by_label("Nom du destinataire").fill("Claire Martin")
    page.get_by_label("Courriel du destinataire").fill("claire.martin@ccas-digne.fr")
    page.get_by_role("button", name="Envoyer le lien").click()
    page.wait_for_load_state()
    assert "Lien envoyé à Claire Martin" in page.locator(".fr-alert--success").inner_text()
    url = _link_in_mailbox(live_mailbox)

    partner = new_page(browser, live_demo_server)
    partner.goto(url)
    assert partner.get_by_role("heading", name=re.compile("^Point de suivi du T")).is_visible()
    assert partner.locator("#navigation-principale").count() == 0
    block = partner.locator("fieldset.partner-action").first
    block.get_by_label("Statut").select_option("en_cours")
    block.get_by_label("Avancement (%)").fill("55")
    block.get_by_label("Ce qui a été fait").fill("Deux ateliers parents-enfants, 14 familles.")
    screenshot(partner, "partner_form")
    partner.get_by_role("button", name="Envoyer mon point de suivi").click()
    partner.wait_for_load_state()
    assert "votre point de suivi est envoyé" in partner.locator("h1").inner_text()
    screenshot(partner, "partner_thanks", full_page=False)
    partner.context.close()

    page.goto(f"{PAA}/suivi/a-valider/")
    card = page.locator("article.partner-submission").filter(
        has_text="Deux ateliers parents-enfants, 14"
    )
    assert "Claire Martin" in card.inner_text()
    screenshot(page, "partner_review")
    card.get_by_role("button", name=re.compile("^Accepter")).click()
    page.wait_for_load_state()
    assert "il compte désormais dans le suivi" in page.locator(".fr-alert--success").inner_text()
    page.goto(f"{PAA}/suivi/")
    page.locator("tbody tr[id^='action-']").first.locator("td a").first.click()
    page.wait_for_load_state()
    assert "Envoyé par Claire Martin" in page.locator("#suivi").inner_text()
    assert page.locator("h1").inner_text().strip() in action_title
