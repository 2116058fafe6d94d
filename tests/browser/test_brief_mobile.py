"""The "en bref" page and the public page on a phone (375 × 812): nothing wider than the screen."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PAA = "provence-alpes-agglomeration-2026-2030"
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser, live_demo_server):
    context = browser.new_context(
        base_url=live_demo_server,
        locale="fr-FR",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()


def _login(page, username: str):
    page.goto("/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill("demo-pilote-ctg")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _horizontal_overflow(page) -> int:
    """Return by how many pixels the page is wider than the screen (0: no horizontal scroll)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def test_the_brief_fits_a_phone_screen(phone):
    _login(phone, "lecteur.paa")
    phone.goto(f"/ctg/{PAA}/en-bref/")

    assert phone.get_by_role("heading", level=1).inner_text().startswith("CTG Provence-Alpes")
    assert phone.get_by_role("heading", name="Par axe").is_visible()
    assert phone.get_by_role("heading", name="Indicateurs clés").is_visible()
    assert _horizontal_overflow(phone) == 0
    # Every block keeps within the screen, not only the document.
    widest = phone.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= PHONE["width"]
    screenshot(phone, "brief_mobile")
    phone.get_by_role("link", name="Tableau de bord complet").click()
    phone.wait_for_load_state()
    assert phone.url.endswith(f"/ctg/{PAA}/tableau-de-bord/")


def test_a_published_page_fits_a_phone_screen(phone):
    _login(phone, "cooperation.paa")
    phone.goto(f"/ctg/{PAA}/publication/")
    phone.get_by_text("J’ai relu les intitulés").click()
    phone.get_by_role("button", name="Publier la page").click()
    phone.wait_for_load_state()
    assert phone.get_by_text("La page publique est en ligne").is_visible()
    phone.context.clear_cookies()  # an inhabitant, without an account

    phone.goto(f"/public/{PAA}/")
    for button in phone.locator(".fr-accordion__btn").all()[:3]:
        button.click()
    phone.wait_for_timeout(300)  # the accordions' animation

    assert phone.get_by_role("heading", level=1).inner_text().startswith("CTG Provence-Alpes")
    assert _horizontal_overflow(phone) == 0
    screenshot(phone, "public_mobile")
