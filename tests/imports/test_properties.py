"""Random documents: the importer never crashes nor hangs; it proposes a plan or says why not."""

import json
import time
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pilote.imports.exceptions import DocumentError
from pilote.imports.extract import read_document
from pilote.imports.proposal import propose_plan

from .builders import docx_bytes, walk

# No example database: the tests must not write into the repository.
FAST = settings(
    max_examples=200,
    deadline=timedelta(seconds=3),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SLOW = settings(
    max_examples=40,
    deadline=timedelta(seconds=5),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

PIECES = [
    "1. ",
    "1.1 ",
    "2.3.1 ",
    "12- ",
    "I - ",
    "II. ",
    "A) ",
    "a) ",
    "Fiche action N°3 : ",
    "FA 3 ",
    "Fiche 2 ",
    "Axe 2 : ",
    "OS 1.2 ",
    "OO 4 - ",
    "Actions clés :",
    "Orientations :",
    "Objectif : ",
    "Pilote(s) : ",
    "Partenaires associés",
    "Indicateurs",
    "• ",
    "o ",
    "e ",
    "« ",
    "- ",
    "\t",
    "<p>",
    "</p> ",
    "<b>",
    "</b>",
    "## ",
    "# ",
    "ARTICLE 4 - ",
    "ANNEXE 3 - PLAN D'ACTIONS ",
    "2025-2026",
    "T2 2026",
    " ........ 12",
    "| ",
    " |",
    "N°\tActions\tCalendrier",
]
words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t "),
    max_size=40,
)
line = st.lists(st.sampled_from(PIECES) | words, max_size=6).map("".join)
plan_like = st.lists(line, max_size=60).map("\n".join)


def check(proposal) -> None:
    """The proposal is well formed: valid JSON, known levels, titled and bounded elements."""
    data = proposal.to_dict()
    json.dumps(data)
    names = data["convention"]["level_names"]
    assert len(names) == len(set(names))

    def depth(nodes, level=1):
        return max((depth(node["children"], level + 1) for node in nodes), default=level - 1)

    assert depth(data["plan"]) <= 20
    for node in walk(data["plan"]):
        assert node["kind"] in names
        assert node["title"].strip()
        assert node["number"] is None or len(node["number"]) <= 30
    proposal.to_text()


def propose_or_refuse(data: bytes, filename: str = "plan.txt") -> None:
    try:
        proposal = propose_plan(data, filename)
    except DocumentError as error:
        message = error.message
    else:
        check(proposal)
        return
    assert message.strip()


@FAST
@given(st.text(max_size=3000))
def test_any_text_gives_a_plan_or_a_french_refusal(text):
    propose_or_refuse(text.encode("utf-8"))


@FAST
@given(plan_like)
def test_plan_like_text_gives_a_well_formed_plan_or_a_french_refusal(text):
    propose_or_refuse(text.encode("utf-8"))


@FAST
@given(plan_like)
def test_plan_like_text_in_windows_1252_is_read_too(text):
    propose_or_refuse(text.encode("cp1252", errors="replace"))


@FAST
@given(st.binary(max_size=4000))
def test_any_bytes_are_read_or_refused_with_a_document_error(data):
    try:
        read_document(data, "plan.pdf")
    except DocumentError as error:
        message = error.message
    else:
        return
    assert message.strip()


@FAST
@given(
    st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"]), st.binary(max_size=3000)
)
def test_damaged_files_with_a_known_signature_are_refused_cleanly(head, tail):
    propose_or_refuse(head + tail + b"\n%%EOF\n", "plan.docx")


@SLOW
@given(st.lists(line, min_size=1, max_size=25), st.integers(min_value=0, max_value=100))
def test_word_documents_random_or_cut_short(lines, cut):
    clean = ["".join(c for c in text if c.isprintable() or c == "\t") for text in lines]
    data = docx_bytes(*clean)
    propose_or_refuse(data, "plan.docx")
    propose_or_refuse(data[: len(data) * cut // 100], "plan.docx")


@pytest.mark.parametrize(
    "text",
    [
        "1." * 200_000,
        "« " + "A " * 200_000,
        "<" * 300_000 + "b>",
        "\t" * 300_000,
        "." * 300_000 + " 12",
        "Axe " * 100_000,
        "1.1.1.1.1.1.1.1.1.1" * 20_000,
        "\n".join(["1. Axe"] * 20_000 + ["1.1 Action"] * 20_000),
        "\n".join(f"{n}. Action numéro {n}" for n in range(1, 20_000)),
    ],
)
def test_hostile_documents_are_parsed_in_bounded_time(text):
    started = time.perf_counter()
    propose_or_refuse(text.encode("utf-8"))
    assert time.perf_counter() - started < 20
