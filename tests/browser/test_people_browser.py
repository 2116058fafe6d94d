"""Invite, accept by the e-mailed link, and see the person on the Membres page and Mon compte.

The shared demo server writes each e-mail to a file (live_mailbox), where the test reads the
invitation link as the invitee would in the mailbox.
"""

import re
import time

import pytest

from .conftest import log_in, new_page, screenshot

pytestmark = pytest.mark.browser
CTG = "provence-alpes-agglomeration-2026-2030"
LINK = re.compile(r"http://[^/\s]+(/invitation/[A-Za-z0-9_-]+/)")


@pytest.fixture
def mail_server(live_demo_server, live_mailbox):
    """Return the shared demo server's URL and the folder where it writes each e-mail."""
    return live_demo_server, live_mailbox


def _link(mailbox, recipient: str) -> str:
    """Return the invitation link of the newest e-mail to `recipient`, as its mailbox shows it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        messages = sorted(mailbox.iterdir(), key=lambda path: path.stat().st_mtime)
        for message in reversed(messages):
            text = message.read_text(encoding="utf-8", errors="replace")
            found = LINK.findall(text)
            if recipient in text and found:
                return found[-1]
        time.sleep(0.2)
    pytest.fail("Aucun courriel d’invitation n’a été écrit par le serveur.")


def test_an_invitee_accepts_and_appears_on_the_members_page(browser, mail_server):
    base_url, outbox = mail_server
    coordinator = log_in(new_page(browser, base_url), "cooperation.paa")
    coordinator.goto(f"/ctg/{CTG}/")
    coordinator.locator("#ctg-nav").get_by_role("link", name="Membres").click()
    assert coordinator.get_by_role("heading", name="Membres de la CTG").is_visible()
    assert "elue.digne@demo.pilote-ctg.invalid" in coordinator.locator("main").inner_text()
    coordinator.get_by_role("link", name="Inviter une personne").click()
    coordinator.locator("#id_email").fill("nadia.benali@digne.fr")
    coordinator.locator("#id_role").select_option("reader")
    screenshot(coordinator, "people_invite")
    coordinator.get_by_role("button", name="Envoyer l’invitation").click()
    coordinator.wait_for_load_state()
    assert coordinator.get_by_text("Invitation envoyée à nadia.benali@digne.fr").is_visible()

    invitee = new_page(browser, base_url)
    invitee.goto(_link(outbox, "nadia.benali@digne.fr"))
    assert invitee.get_by_role("heading", name="Créer votre compte").is_visible()
    screenshot(invitee, "people_invitation")
    invitee.locator("#id_first_name").fill("Nadia")
    invitee.locator("#id_last_name").fill("Benali")
    invitee.locator("#id_password1").fill("Lavande-et-Durance-77")
    invitee.locator("#id_password2").fill("Lavande-et-Durance-77")
    invitee.get_by_role("button", name="Créer mon compte et accepter").click()
    invitee.wait_for_load_state()
    assert invitee.url.endswith(f"/ctg/{CTG}/")
    assert invitee.get_by_text("Bienvenue sur Pilote CTG").is_visible()
    invitee.get_by_role("link", name="Nadia Benali").click()
    invitee.wait_for_load_state()
    account = invitee.locator("main").inner_text()
    assert "Lecteur·rice" in account
    assert "Télécharger mes données" in account
    screenshot(invitee, "people_account")
    with invitee.expect_download() as download:
        invitee.get_by_role("link", name="Télécharger mes données (JSON)").click()
    assert download.value.suggested_filename.startswith("pilote-ctg-mes-donnees-")

    coordinator.reload()
    rows = coordinator.locator("table").first.inner_text()
    assert "Nadia Benali" in rows
    assert "nadia.benali@digne.fr" not in coordinator.locator("table").nth(1).inner_text()
    screenshot(coordinator, "people_members")
    invitee.context.close()
    coordinator.context.close()
