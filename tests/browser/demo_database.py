"""The SQLite database with the territories and the demo that the browser tests' servers serve.

It is built once per test run, in one process (rather than one per management command), and as
soon as the run knows it holds browser tests: in the background, while the first tests run
(tests/conftest.py), so that no xdist worker sits idle waiting for it. Whoever comes first
builds it under a file lock; the others wait on the lock and find it built.

Run as a script (python -m tests.browser.demo_database FOLDER), it builds FOLDER's database
(with --build DATABASE, it builds DATABASE, lock and all left to its caller).
"""

import fcntl
import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.browser.server_settings"


def server_env(database: Path) -> dict[str, str]:
    """Return the environment of a process that works on `database` as the test server does."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "1",
        "PYTHONWARNINGS": "ignore",
        # A test may send X-Forwarded-For to be locked out (django-axes) under an address of its
        # own; without the header, every test is 127.0.0.1 (tests/browser/test_security_browser.py).
        "TRUSTED_PROXY_COUNT": "1",
    }


def shared_folder(basetemp: Path) -> Path:
    """Return the folder shared by the xdist workers of a run, from a process's basetemp."""
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


def demo_database(shared: Path, *, in_this_process: bool = False) -> Path:
    """Return the demo database of the folder `shared`, built there first if need be."""
    template = shared / "browser-demo.sqlite3"
    with (shared / "browser-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            building = shared / "browser-demo.building.sqlite3"
            building.unlink(missing_ok=True)
            if in_this_process:
                _build(building)
            else:
                subprocess.run(
                    [sys.executable, "-m", "tests.browser.demo_database", "--build", str(building)],
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                )
            building.rename(template)
    return template


def start_building(shared: Path) -> subprocess.Popen:
    """Start building the demo database of `shared` in another process; return that process."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.browser.demo_database", str(shared)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _build(database: Path) -> None:
    """Migrate `database` and load the territories and the demo into it, in this process."""
    os.environ.update(server_env(database))
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable")
    call_command("load_territories", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    connections.close_all()  # SQLite writes its WAL back into the file before it is renamed


if __name__ == "__main__":
    if sys.argv[1] == "--build":
        _build(Path(sys.argv[2]))
    else:
        demo_database(Path(sys.argv[1]), in_this_process=True)
