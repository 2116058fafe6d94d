"""Every number shown is written by pilote.core.formats: no other formatter may creep back in.

The patterns below are the ways numbers were formatted by hand before (issue 14): a thousands
separator from Python's format spec, a decimal comma or a grouping space put in by replace(),
Django's humanize and floatformat filters, Babel called directly, a unit glued to a raw number
in a template or an f-string. A line that legitimately matches (an SVG coordinate, a number
read rather than written) says why with a "# format-ok: <reason>" comment, on that line or the
line before.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "pilote"
THE_FORMATTER = ROOT / "core" / "formats.py"
ALLOWED = "format-ok:"

PYTHON_PATTERNS = {
    "thousands separator of a format spec ({:,} / {:_})": re.compile(
        r"\{[^{}]*:[^{}]*[,_](\.\d+)?[dfgn%]?\}"
    ),
    "str.format with a thousands separator": re.compile(
        r"['\"][^'\"]*\{:[^}]*,[^}]*\}[^'\"]*['\"]\.format"
    ),
    "decimal comma put in by replace": re.compile(
        r"\.replace\(\s*['\"]\.['\"]\s*,\s*['\"],['\"]\s*\)"
    ),
    "grouping space put in by replace": re.compile(
        r"\.replace\(\s*['\"],['\"]\s*,\s*['\"](?: |\\u202f|\\u00a0|\\xa0|\u202f|\u00a0)['\"]\s*\)"
    ),
    "Babel called outside pilote.core.formats": re.compile(r"^\s*(from|import) babel"),
    "Django humanize or floatformat": re.compile(
        r"\b(intcomma|intword|floatformat|numberformat)\b"
    ),
    "locale-dependent formatting": re.compile(r"\blocale\.(format_string|currency|str)\b"),
    "a percent or euro sign glued to a raw number": re.compile(r"\{[^{}:]+\}\s?(%|€)"),
}
TEMPLATE_PATTERNS = {
    "Django humanize or floatformat": re.compile(
        r"\|\s*(intcomma|intword|floatformat)\b|load humanize"
    ),
    "a unit after a raw number (use |fr_percent, |fr_euros)": re.compile(
        r"(?<!width: )(?<!width:)\{\{(?![^}]*\|fr_)[^}]*\}\}\s?(%|€)"
    ),
}


def _offences(paths, patterns) -> list[str]:
    found = []
    for path in paths:
        if path == THE_FORMATTER:
            continue
        previous = ""
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line, previous = f"{previous}\n{line}", line
            if ALLOWED in line:
                continue
            line = line.split("\n", 1)[1]
            for name, pattern in patterns.items():
                if pattern.search(line):
                    found.append(
                        f"{path.relative_to(ROOT.parent)}:{number}: {name}: {line.strip()}"
                    )
    return found


def test_python_code_formats_numbers_with_pilote_core_formats_only():
    assert _offences(sorted(ROOT.rglob("*.py")), PYTHON_PATTERNS) == []


def test_templates_format_numbers_with_the_formats_filters_only():
    assert _offences(sorted(ROOT.rglob("*.html")), TEMPLATE_PATTERNS) == []


@pytest.mark.parametrize(
    ("line", "caught"),
    [
        ('text = f"{count:,} lignes"', True),
        ('text = f"{rate:,.1f}"', True),
        ('text = "{:,}".format(total)', True),
        ('text = str(value).replace(".", ",")', True),
        ('text = f"{total:,}".replace(",", " ")', True),
        ('text = raw.replace(",", ".")', False),  # reading a French number, not writing one
        ("from babel.numbers import format_decimal", True),
        ('label = f"{progress} %"', True),
        ('point = f"{x:.1f},{y:.1f}"', False),  # SVG coordinates
        ('label = f"{french_percent(progress)}"', False),
        ('label = f"{progress} %"  # format-ok: a CSS width', False),
    ],
)
def test_the_python_patterns_catch_hand_made_formatting_and_spare_the_rest(line, caught):
    offences = [
        name
        for name, pattern in PYTHON_PATTERNS.items()
        if ALLOWED not in line and pattern.search(line)
    ]
    assert bool(offences) is caught, (line, offences)


@pytest.mark.parametrize(
    ("line", "caught"),
    [
        ("{{ group.mean_progress }} %", True),
        ("{{ trajectory.step }} €", True),
        ("{{ value|floatformat:1 }}", True),
        ("{{ group.mean_progress|fr_percent }}", False),
        ('style="width: {{ group.mean_progress }}%"', False),  # a CSS width
        ("{{ total|fr_number }} places", False),
    ],
)
def test_the_template_patterns_catch_raw_numbers_with_units(line, caught):
    offences = [name for name, pattern in TEMPLATE_PATTERNS.items() if pattern.search(line)]
    assert bool(offences) is caught, (line, offences)
