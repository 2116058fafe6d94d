"""Run axe-core (tests/browser/vendor/axe.min.js, MPL-2.0) in a page and return its violations."""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")


def violations(page, *, impacts=BLOCKING) -> list[str]:
    """Return "rule: target (message)" for each failing node of these impacts on the page."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in impacts:
            continue
        for node in violation["nodes"]:
            found.append(f"{violation['id']}: {node['target']} ({node['failureSummary']})")
    return found
