"""Browser tests: a real server on a scratch SQLite database with the demo data, driven by
Debian's Chromium through Playwright. They skip, saying why, when Chromium is absent."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser.demo_database import demo_database, server_env, shared_folder

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


LIVE: dict[str, Path] = {}  # what the running test server shares with the tests


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database: Path) -> dict[str, str]:
    return server_env(database)


def _demo_database(tmp_path_factory) -> Path:
    """Return a SQLite database with the territories and the demo, built once per test run.

    The xdist workers of a run share it (each serves a copy): see tests/browser/demo_database.py.
    """
    return demo_database(shared_folder(tmp_path_factory.getbasetemp()))


@pytest.fixture(scope="session")
def live_demo_server(tmp_path_factory):
    """Serve the app with the three demo CTGs; yield its base URL."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"Chromium absent ({CHROMIUM}) : installez les paquets Debian chromium.")
    pytest.importorskip("playwright.sync_api", reason="Playwright (Python) n'est pas installé.")
    database = tmp_path_factory.mktemp("browser") / "demo.sqlite3"
    shutil.copyfile(_demo_database(tmp_path_factory), database)
    env = _server_env(database)
    # The e-mails the server sends land in files that tests read (live_mailbox).
    mailbox = database.parent / "mail"
    mailbox.mkdir()
    env.update(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mailbox),
    )
    LIVE["mailbox"] = mailbox
    manage = [sys.executable, str(ROOT / "manage.py")]
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("Le serveur de test n'a pas démarré.")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def live_mailbox(live_demo_server) -> Path:
    """Return the folder where the test server writes each e-mail it sends (one file each)."""
    return LIVE["mailbox"]


@pytest.fixture(scope="package")
def browser(live_demo_server):
    """Chromium, for the browser tests only: Playwright's event loop, which Django's database
    calls refuse to run under, ends with them (the other tests run on the same xdist worker)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--lang=fr-FR",
            ],
        )
        yield browser
        browser.close()


def new_page(browser, base_url: str):
    """Open a page in a new browser context: its own cookies, another person's session."""
    context = browser.new_context(
        base_url=base_url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    return context.new_page()


def log_in(page, username: str):
    """Log in as a demo user on this page and return it."""
    page.goto("/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill("demo-pilote-ctg")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    return page


@pytest.fixture
def page(browser, live_demo_server):
    page = new_page(browser, live_demo_server)
    yield page
    page.context.close()


@pytest.fixture
def login(page):
    """Log in as a demo user and return the page."""
    return lambda username: log_in(page, username)


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under tests/browser/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
