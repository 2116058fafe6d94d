"""Invite, accept by the e-mailed link, and see the person on the Membres page and Mon compte.

The server of this module prints its e-mails (console backend) to a file, where the test
reads the invitation link as the invitee would in the mailbox.
"""

import re
import shutil
import socket
import subprocess
import sys
import time

import pytest

from .conftest import ROOT, _demo_database, _free_port, _server_env, log_in, new_page, screenshot

pytestmark = pytest.mark.browser
CTG = "provence-alpes-agglomeration-2026-2030"
LINK = re.compile(r"http://[^/\s]+(/invitation/[A-Za-z0-9_-]+/)")


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory, live_demo_server):
    """Serve the demo on a copy of its database, its e-mails written to a file; yield both."""
    folder = tmp_path_factory.mktemp("people")
    database = folder / "demo.sqlite3"
    shutil.copyfile(_demo_database(tmp_path_factory), database)
    outbox = folder / "outbox.txt"
    env = _server_env(database) | {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }
    port = _free_port()
    with outbox.open("wb") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "runserver",
                "--noreload",
                f"127.0.0.1:{port}",
            ],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", outbox
        server.terminate()
        server.wait(timeout=10)


def _link(outbox) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = LINK.findall(outbox.read_text(errors="replace"))
        if found:
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
    invitee.goto(_link(outbox))
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
