"""The governance of a CTG in its JSON export: lossless round trip, readers' export, refusals."""

import copy
import json
import re

import pytest
from django.urls import reverse

from pilote.accounts.models import Organisation
from pilote.conventions.models import Convention
from pilote.demo.governance import generate_demo_governance
from pilote.demo.reviews import generate_demo_reviews
from pilote.demo.services import DATA_DIR, DEMO_SLUGS
from pilote.demo.versions import generate_demo_versions
from pilote.exchange.services import (
    ExchangeError,
    dumps,
    export_convention,
    import_convention,
    loads,
)
from pilote.governance.enums import ReviewStatus
from pilote.governance.models import Body, BodyMember, Decision, Meeting, PlanVersion, Review
from pilote.governance.versions.history import diff_rows, plan_rows, version_rows
from pilote.plans.models import PlanNode

from .demo import PAA, SALON, TARN, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_governance(demo_world, django_db_blocker):
    """Give the demo CTGs their governance, plan versions and bilans, once for the module.

    Written inside the module's transaction (see conftest.demo_world), rolled back at its end.
    """
    with django_db_blocker.unblock():
        generate_demo_governance(today=TODAY)
        generate_demo_versions()
        generate_demo_reviews(today=TODAY)


@pytest.fixture(scope="module")
def exported(demo_governance, django_db_blocker) -> dict[str, dict]:
    """Return the export of each demo CTG with its governance, computed once."""
    with django_db_blocker.unblock():
        return {c.slug: export_convention(c) for c in Convention.objects.all()}


@pytest.fixture
def governed(world, demo_governance):
    return {c.slug: c for c in Convention.objects.all()}


@pytest.fixture
def paa_document(governed, exported) -> dict:
    return copy.deepcopy(exported[PAA])


def empty_database() -> None:
    """Remove every CTG and organisation; accounts stay: they belong to the instance, not a CTG."""
    # Meeting.body is PROTECT: a CTG with meetings cannot be deleted in one go (yet).
    Meeting.objects.all().delete()
    Convention.objects.all().delete()
    Organisation.objects.all().delete()


@pytest.fixture
def tarn_document(governed, exported) -> dict:
    return copy.deepcopy(exported[TARN])


def governance_of(document: dict) -> dict:
    return document["governance"]


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("slug", [PAA, TARN, SALON])
def test_export_import_into_an_empty_database_and_export_again_is_identical(governed, slug):
    first = dumps(export_convention(governed[slug]))
    assert '"governance"' in first
    empty_database()

    imported = import_convention(json.loads(first))

    assert dumps(export_convention(imported)) == first


def test_the_export_holds_the_whole_governance(governed, tarn_document):
    convention = governed[TARN]
    section = governance_of(tarn_document)

    assert len(section["bodies"]) == Body.objects.filter(convention=convention).count()
    assert sum(len(b["members"]) for b in section["bodies"]) == (
        BodyMember.objects.filter(body__convention=convention).count()
    )
    assert len(section["meetings"]) == Meeting.objects.filter(convention=convention).count()
    decisions = [d for m in section["meetings"] for d in m["decisions"]]
    assert len(decisions) == Decision.objects.filter(meeting__convention=convention).count()
    assert any(d["action"] for d in decisions)
    assert [(r["kind"], r["year"], r["status"]) for r in section["reviews"]] == [
        ("annuel", 2024, "clos"),
        ("annuel", 2025, "clos"),
        ("final", 2026, "brouillon"),
    ]
    assert [v["amendment"] for v in section["plan_versions"]] == [None, 1]


def test_a_decision_names_its_action_as_facilities_do(governed):
    postponed = Decision.objects.get(
        meeting__convention=governed[PAA], node__number="3.7", kind="report"
    )
    section = governance_of(export_convention(governed[PAA]))

    exported = [
        d for m in section["meetings"] for d in m["decisions"] if d["text"] == postponed.text
    ]
    assert exported == [
        {
            "kind": "report",
            "text": postponed.text,
            "action": "3.7",
            "postponed_to": 2028,
            "postponed_quarter": None,
        }
    ]


def test_a_decision_postponed_to_a_quarter_keeps_it_through_export_and_import(governed):
    postponed = Decision.objects.get(
        meeting__convention=governed[PAA], node__number="3.7", kind="report"
    )
    Decision.objects.filter(pk=postponed.pk).update(postponed_quarter=3)
    document = export_convention(governed[PAA])
    exported = [
        d
        for m in governance_of(document)["meetings"]
        for d in m["decisions"]
        if d["text"] == postponed.text
    ]
    assert (exported[0]["postponed_to"], exported[0]["postponed_quarter"]) == (2028, 3)

    import_as_a_copy(document)
    copied = Decision.objects.get(meeting__convention__slug=COPY, text=postponed.text)
    assert (copied.postponed_to, copied.postponed_quarter) == (2028, 3)
    assert copied.postponed_label == "T3 2028"


def test_a_file_written_before_quarters_reads_the_year_alone(governed):
    document = export_convention(governed[PAA])
    for meeting in governance_of(document)["meetings"]:
        for decision in meeting["decisions"]:
            del decision["postponed_quarter"]
    import_as_a_copy(document)
    copied = Decision.objects.get(meeting__convention__slug=COPY, node__number="3.7")
    assert (copied.postponed_to, copied.postponed_quarter, copied.postponed_label) == (
        2028,
        None,
        "2028",
    )


def test_attendance_names_members_by_their_rank_in_the_body(governed):
    meeting = (
        Meeting.objects.filter(convention=governed[PAA], attendances__isnull=False)
        .order_by("date", "pk")
        .first()
    )
    members = list(meeting.body.members.order_by("position", "pk"))
    expected = sorted((members.index(a.member) + 1, a.status) for a in meeting.attendances.all())
    section = governance_of(export_convention(governed[PAA]))

    exported = next(m for m in section["meetings"] if m["title"] == meeting.title)
    assert [(a["member"], a["status"]) for a in exported["attendance"]] == expected
    assert exported["body"] == meeting.body.name


def test_a_closed_bilan_comes_back_frozen_with_its_author(governed, tarn_document):
    closed = Review.objects.get(convention=governed[TARN], kind="annuel", year=2025)
    empty_database()

    imported = import_convention(tarn_document)

    review = Review.objects.get(convention=imported, kind="annuel", year=2025)
    assert review.status == ReviewStatus.CLOSED
    assert review.snapshot == closed.snapshot
    assert review.closed_at == closed.closed_at
    assert review.closed_by.username == "cooperation.tarnagout"


def test_an_author_unknown_here_is_left_out_and_the_bilan_still_imported(tarn_document):
    for review in governance_of(tarn_document)["reviews"]:
        if review["closed_by"]:
            review["closed_by"] = "personne.inconnue"
    empty_database()

    imported = import_convention(tarn_document)

    closed = Review.objects.filter(convention=imported, status=ReviewStatus.CLOSED)
    assert closed.count() == 2
    assert not closed.filter(closed_by__isnull=False).exists()
    assert closed.first().snapshot["closed_by"]  # the name stays in the frozen content


def test_plan_versions_still_align_with_the_imported_plan(governed, tarn_document):
    before = PlanVersion.objects.get(convention=governed[TARN], amendment__number=1)
    before_changes = diff_rows(
        version_rows(PlanVersion.objects.get(convention=governed[TARN], amendment=None)),
        version_rows(before),
    ).summary
    keys = [row["key"] for v in governance_of(tarn_document)["plan_versions"] for row in v["nodes"]]
    # Ranks in the exported plan, negative for the element the avenant removed.
    assert min(keys) == -1
    assert max(keys) == PlanNode.objects.filter(convention=governed[TARN]).count()
    empty_database()

    imported = import_convention(tarn_document)

    signed = PlanVersion.objects.get(convention=imported, amendment=None)
    amended = PlanVersion.objects.get(convention=imported, amendment__number=1)
    assert amended.taken_at == before.taken_at
    assert diff_rows(version_rows(signed), version_rows(amended)).summary == before_changes
    # The plan after the avenant is today's plan: nothing moved, keys are the new elements'.
    assert not diff_rows(version_rows(amended), plan_rows(imported)).has_changes


@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_a_demo_file_without_governance_loads_and_exports_back_without_it(world, slug):
    # load_demo imports these files, which have no « governance » section.
    document = loads((DATA_DIR / f"{slug}.json").read_bytes())
    assert "governance" not in document

    convention = import_convention(document, slug=f"{slug}-copie")

    assert not Body.objects.filter(convention=convention).exists()
    assert not Review.objects.filter(convention=convention).exists()
    exported = export_convention(convention)
    assert "governance" not in exported
    assert exported["plan"] == document["plan"]


# --------------------------------------------------------------------------- readers


def test_the_export_for_readers_leaves_out_e_mails_and_accounts(governed):
    assert BodyMember.objects.filter(body__convention=governed[PAA]).exclude(email="").exists()

    document = export_convention(governed[PAA], include_internal=False)

    section = governance_of(document)
    assert {m["email"] for b in section["bodies"] for m in b["members"]} == {""}
    assert "@" not in dumps({"governance": section})
    assert all(r["closed_by"] is None for r in section["reviews"])
    assert document["convention"]["internal_notes"] == ""
    # What readers see in the application is still there: names, minutes, decisions.
    assert any(m["person"] for b in section["bodies"] for m in b["members"])


def test_a_reader_downloads_the_json_without_e_mails(client, governed, user_named):
    client.force_login(user_named("lecteur.paa"))

    response = client.get(reverse("conventions:export", kwargs={"slug": PAA}))

    assert response.status_code == 200
    text = response.content.decode()
    assert '"governance"' in text
    assert "demo.pilote-ctg.invalid" not in text


def test_a_coordinator_downloads_the_json_with_e_mails(client, governed, user_named):
    client.force_login(user_named("cooperation.paa"))

    response = client.get(reverse("conventions:export", kwargs={"slug": PAA}))

    assert "secretariat.ctg.paa@demo.pilote-ctg.invalid" in response.content.decode()


# --------------------------------------------------------------------------- refusals


COPY = "ctg-copie"


def import_as_a_copy(document: dict):
    return import_convention(document, slug=COPY)


def assert_nothing_written() -> None:
    assert not Convention.objects.filter(slug=COPY).exists()
    assert not PlanNode.objects.filter(convention__slug=COPY).exists()
    assert not Body.objects.filter(convention__slug=COPY).exists()
    assert not Meeting.objects.filter(convention__slug=COPY).exists()
    assert not Review.objects.filter(convention__slug=COPY).exists()
    assert not PlanVersion.objects.filter(convention__slug=COPY).exists()


def test_a_valid_document_imports_as_a_copy(paa_document):
    convention = import_as_a_copy(paa_document)

    section = export_convention(convention)["governance"]
    assert section == paa_document["governance"]


def _broken(document: dict, path: str, value) -> dict:
    document = copy.deepcopy(document)
    target = document["governance"]
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    target[int(last) if last.isdigit() else last] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("bodies.0.kind", "conseil", "type d'instance inconnu : 'conseil'"),
        ("bodies.1.name", "Comité de pilotage CTG", "une autre instance porte déjà le nom"),
        ("bodies.0.members.0.organisation", " ", "« organisation » est obligatoire"),
        ("bodies.0.members.2.email", "pas-une-adresse", "adresse de courriel invalide"),
        ("bodies.0.members.0.voting", "oui", "« voting » doit valoir true ou false"),
        ("meetings.0.body", "Conseil des sages", "instance « Conseil des sages » absente"),
        ("meetings.0.kind", "pique-nique", "type de réunion inconnu"),
        ("meetings.0.date", "14/04/2026", "« date » n'est pas une date valide"),
        ("meetings.0.date", "2026-02-30", "« date » n'est pas une date valide"),
        ("meetings.0.date", None, "« date » est obligatoire"),
        ("meetings.0.attendance.0.member", 99, "membre n° 99 inconnu"),
        ("meetings.0.attendance.0.status", "en retard", "présence inconnue"),
        ("meetings.0.decisions.0.action", "9.99", "aucun élément du plan ne porte"),
        ("meetings.0.decisions.0.text", "", "« text » est obligatoire"),
        ("meetings.0.decisions.0.postponed_to", 2028, "ne concerne qu'une décision de report"),
        ("meetings.0.decisions.0.postponed_quarter", 2, "ne va pas sans « postponed_to »"),
        ("meetings.0.decisions.0.postponed_quarter", 5, "doit être compris entre 1 et 4"),
        ("reviews.0.kind", "trimestriel", "type de bilan inconnu"),
        ("reviews.0.year", "2026", "« year » doit être un nombre entier"),
        ("reviews.0.meeting", 99, "réunion n° 99 absente"),
        ("reviews.0.closed_at", "demain", "n'est pas une date et heure valide"),
        ("reviews.0.snapshot", [], "« snapshot » doit être un objet"),
    ],
)
def test_invalid_governance_is_refused_in_french_and_nothing_is_written(
    paa_document, path, value, message
):
    document = _broken(paa_document, path, value)

    with pytest.raises(ExchangeError, match=re.escape(message)) as excinfo:
        import_as_a_copy(document)

    assert str(excinfo.value).startswith("Import impossible, rien n'a été enregistré")
    assert "gouvernance" in str(excinfo.value)
    assert_nothing_written()


def test_attendance_of_an_unknown_member_says_how_many_the_body_has(paa_document):
    copil = paa_document["governance"]["meetings"][1]
    copil["attendance"][0]["member"] = 18

    with pytest.raises(ExchangeError, match=re.escape("compte 17 membres")):
        import_as_a_copy(paa_document)


def test_the_same_bilan_twice_is_refused(tarn_document):
    reviews = tarn_document["governance"]["reviews"]
    reviews.append(copy.deepcopy(reviews[0]))

    with pytest.raises(ExchangeError, match=re.escape("un bilan annuel 2024 est déjà décrit")):
        import_as_a_copy(tarn_document)
    assert_nothing_written()


def test_a_closed_bilan_without_its_closing_date_is_refused(tarn_document):
    tarn_document["governance"]["reviews"][0]["closed_at"] = None

    with pytest.raises(ExchangeError, match="doit avoir sa date de clôture"):
        import_as_a_copy(tarn_document)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: v[1].update(amendment=7), "avenant n° 7 absent"),
        (lambda v: v[1].update(amendment=None), "le plan signé est décrit deux fois"),
        (lambda v: v[0]["nodes"][0].update(key=9999), "doit être le rang d'un élément du plan"),
        (lambda v: v[0].update(nodes="tout"), "« nodes » doit être une liste d'objets"),
    ],
)
def test_invalid_plan_versions_are_refused(tarn_document, change, message):
    change(tarn_document["governance"]["plan_versions"])

    with pytest.raises(ExchangeError, match=re.escape(message)):
        import_as_a_copy(tarn_document)
    assert_nothing_written()


def test_the_section_must_be_an_object(paa_document):
    paa_document["governance"] = ["COPIL"]

    with pytest.raises(ExchangeError, match="« governance » doit être un objet"):
        import_as_a_copy(paa_document)
    assert_nothing_written()


def test_every_problem_is_listed_at_once(paa_document):
    document = _broken(paa_document, "bodies.0.kind", "conseil")
    document = _broken(document, "meetings.0.date", "hier")

    with pytest.raises(ExchangeError) as excinfo:
        import_as_a_copy(document)

    assert "type d'instance inconnu" in str(excinfo.value)
    assert "n'est pas une date valide" in str(excinfo.value)
