"""import_plan: a dry run prints the proposal in the export's node shape and writes nothing;
a real run fills an empty CTG through the plan services, or refuses and writes nothing."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from pilote.accounts.models import Organisation
from pilote.conventions.models import Convention
from pilote.exchange.services import export_convention
from pilote.imports.exceptions import ApplyError
from pilote.imports.proposal import propose_plan
from pilote.imports.services import apply_proposal
from pilote.plans.models import Indicator, PlanLevel, PlanNode, Thematic
from pilote.plans.services import IndicatorData, NodeData, create_node
from tests.factories import LastLevelNodeFactory as PlanNodeFactory
from tests.factories import SignedConventionFactory as ConventionFactory
from tests.factories import UserFactory

from .builders import SEED_001, SEED_003, docx_bytes, walk

pytestmark = pytest.mark.django_db

MODELS = (Convention, PlanLevel, PlanNode, Organisation, Thematic, Indicator)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_plan", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def seed_003():
    if not SEED_003.exists():
        pytest.skip("seed 003 absente")
    return SEED_003


@pytest.fixture
def empty_ctg():
    """A CTG of PAA for 2026–2030 with the default levels and no plan, as after its creation."""
    return ConventionFactory(communes=True)


def exported_node_shape(convention) -> tuple[set, set, set]:
    level = convention.levels.order_by("position").first()
    create_node(
        convention,
        by=None,
        parent=None,
        data=NodeData(level=level, title="Coordination", indicators=[IndicatorData(name="Taux")]),
    )
    node = export_convention(convention)["plan"][0]
    return set(node), set(node["period"]), set(node["indicators"][0])


def test_a_dry_run_prints_json_in_the_export_node_shape_and_writes_nothing(seed_003, empty_ctg):
    node_keys, period_keys, indicator_keys = exported_node_shape(empty_ctg)
    before = counts()

    out, _err = run(seed_003, "--dry-run", "--format", "json")

    assert counts() == before
    proposal = json.loads(out)
    assert proposal["convention"]["level_names"] == [
        "Axe stratégique",
        "Action",
        "Fiche action",
        "Action clé",
    ]
    nodes = list(walk(proposal["plan"]))
    assert len(nodes) == 72
    for node in nodes:
        assert set(node) == node_keys
        assert set(node["period"]) == period_keys
        assert all(set(indicator) == indicator_keys for indicator in node["indicators"])
        assert node["kind"] in proposal["convention"]["level_names"]


def test_a_dry_run_in_text_prints_an_indented_tree(seed_003):
    out, _err = run(seed_003, "--dry-run")

    assert "Niveaux : Axe stratégique › Action › Fiche action › Action clé" in out
    assert "\nFiche action 1 — Coordination\n" in out
    assert "\n  Action clé 1.1 — Actualiser le projet social de territoire" in out


def test_a_dry_run_with_a_ctg_writes_nothing_either(seed_003, empty_ctg):
    before = counts()
    run(seed_003, "--dry-run", "--ctg", empty_ctg.slug)
    assert counts() == before


def test_the_plan_of_seed_003_fills_an_empty_ctg(seed_003, empty_ctg):
    out, _err = run(seed_003, "--ctg", empty_ctg.slug)

    assert "72 éléments" in out
    levels = list(empty_ctg.levels.order_by("position").values_list("name", "tracked"))
    assert levels == [
        ("Axe stratégique", False),
        ("Action", True),
        ("Fiche action", False),
        ("Action clé", True),
    ]
    coordination = PlanNode.objects.get(
        convention=empty_ctg, level__name="Fiche action", number="1"
    )
    assert coordination.title == "Coordination"
    assert coordination.objective.startswith("Renforcer la cohérence")
    assert coordination.indicators.count() == 5
    assert "Réseau REAAP" in {partner.name for partner in coordination.partners.all()}
    keys = list(coordination.children.order_by("position").values_list("number", flat=True))
    assert keys == ["1.1", "1.2", "1.3", "1.4", "1.5"]


def test_the_imported_plan_exports_as_it_was_proposed(seed_003, empty_ctg):
    proposal = propose_plan(seed_003.read_bytes(), seed_003.name).to_dict()
    apply_proposal(empty_ctg, proposal)

    exported = export_convention(empty_ctg)

    def essentials(nodes):
        return [(n["kind"], n["number"], n["title"], essentials(n["children"])) for n in nodes]

    assert essentials(exported["plan"]) == essentials(proposal["plan"])


def test_a_ctg_whose_plan_is_not_empty_is_refused_and_left_unchanged(seed_003):
    node = PlanNodeFactory()
    before = counts()

    with pytest.raises(CommandError, match="contient déjà 1 élément"):
        run(seed_003, "--ctg", node.convention.slug)

    assert counts() == before


def test_without_ctg_nor_dry_run_the_command_explains_the_options(seed_003):
    before = counts()
    with pytest.raises(CommandError, match="Ajoutez --dry-run") as error:
        run(seed_003)
    assert "écran de relecture" in str(error.value)
    assert counts() == before


def test_an_unknown_ctg_or_file_is_refused():
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("/nulle/part/plan.docx", "--dry-run")


def test_an_unreadable_document_says_why_and_writes_nothing(tmp_path, empty_ctg):
    path = tmp_path / "plan.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<<")
    before = counts()

    with pytest.raises(CommandError, match=r"tronqué ou endommagé.*Rien n'a été enregistré"):
        run(path, "--ctg", empty_ctg.slug)

    assert counts() == before


# ------------------------------------------------------------------ apply_proposal


def test_years_outside_the_ctg_period_are_left_out_with_a_warning(empty_ctg):
    data = docx_bytes("Fiche action 1 : Créer un LAEP", "Calendrier : 2024-2027")
    proposal = propose_plan(data, "plan.docx").to_dict()

    result = apply_proposal(empty_ctg, proposal)

    node = PlanNode.objects.get(convention=empty_ctg)
    assert (node.start_year, node.end_year) == (None, 2027)
    assert result.warnings == [
        "L'année 2024 est hors de la période de la CTG (2026–2030) pour 1 élément "
        "(« Fiche action 1 ») : l'année sera ignorée à l'enregistrement, l'élément gardera son "
        "autre date s'il en a une."
    ]


def test_a_reviewed_proposal_with_an_unknown_level_is_refused_whole(empty_ctg):
    proposal = propose_plan(docx_bytes("1. Créer un LAEP", "2. Ouvrir un RPE"), "p.docx").to_dict()
    proposal["plan"][1]["kind"] = "Sous-action"
    before = counts()

    with pytest.raises(ApplyError, match="niveau « Sous-action » absent des niveaux"):
        apply_proposal(empty_ctg, proposal)

    assert counts() == before


def test_only_an_editor_of_the_ctg_may_apply_a_proposal(empty_ctg):
    proposal = propose_plan(docx_bytes("1. Créer un LAEP"), "p.docx").to_dict()
    with pytest.raises(ApplyError, match="pas le droit de modifier"):
        apply_proposal(empty_ctg, proposal, by=UserFactory())


def test_seed_001_imports_into_a_ctg_of_its_period():
    if not SEED_001.exists():
        pytest.skip("seed 001 absente")
    ctg = ConventionFactory(
        start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2026, 12, 31)
    )
    out, _err = run(SEED_001, "--ctg", ctg.slug)

    assert "67 éléments" in out
    objective = PlanNode.objects.get(
        convention=ctg, level__name="Objectif opérationnel", number="22"
    )
    assert objective.parent.number == "10"
    assert objective.start_year == 2024
    fiche = objective.parent
    assert {pilot.name for pilot in fiche.pilots.all()} == {"CTG", "Services Jeunesse"}
