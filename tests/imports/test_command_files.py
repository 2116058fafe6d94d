"""import_plan reads what the browser reads (issue 15): spreadsheets (XLSX, ODS, CSV, the same
columns and synonyms) as well as documents, prints the review's warnings in French, and refuses
absurd input (more than 8 levels, more than 5,000 elements), as the upload page does."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.core.table_writers import TableExport, to_ods
from pilote.plans.models import PlanLevel, PlanNode
from tests.factories import SignedConventionFactory as ConventionFactory
from tests.factories import user_with_role

from .test_review_places import HEADINGS

pytestmark = pytest.mark.django_db

# « Titre » spelled « Intitulé », « Niveau » spelled « Type », as people fill the template.
ROWS = [
    ["Type", "N°", "Intitulé", "Pilote", "Début", "Fin"],
    ["Axe", "1", "Petite enfance", "", "", ""],
    ["Fiche action", "1.1", "Ouvrir une crèche", "Caf", "2026", "2034"],
    ["Fiche action", "1.2", "Soutenir les assistantes maternelles", "", "T2 2027", ""],
    ["Axe", "2", "Jeunesse", "", "", ""],
]


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_plan", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def write_csv(path, rows):
    path.write_text("\n".join(";".join(row) for row in rows), encoding="utf-8")
    return path


def write_ods(path, rows):
    columns = [(header, 20, lambda row, i=i: row[i]) for i, header in enumerate(rows[0])]
    path.write_bytes(to_ods(TableExport("Plan", "Plan", columns, rows[1:])))
    return path


@pytest.fixture
def ctg():
    return ConventionFactory(levels=["Axe", "Fiche action"])


def plan_of(ctg) -> list[tuple[str, str, str]]:
    return list(
        PlanNode.objects.filter(convention=ctg)
        .order_by("level__position", "number")
        .values_list("level__name", "number", "title")
    )


@pytest.mark.parametrize("writer", [write_xlsx, write_ods, write_csv], ids=["xlsx", "ods", "csv"])
def test_a_spreadsheet_is_saved_into_the_ctg_named_first(tmp_path, ctg, writer):
    path = writer(tmp_path / f"plan.{writer.__name__[6:]}", ROWS)

    out, err = run(ctg.slug, path)

    assert f"Plan importé dans « {ctg.name} » : 4 éléments créés, 0 mis à jour" in out
    assert plan_of(ctg) == [
        ("Axe", "1", "Petite enfance"),
        ("Axe", "2", "Jeunesse"),
        ("Fiche action", "1.1", "Ouvrir une crèche"),
        ("Fiche action", "1.2", "Soutenir les assistantes maternelles"),
    ]
    assert "L'année 2034 est hors de la période de la CTG (2026–2030) pour 1 élément" in err
    assert PlanNode.objects.get(convention=ctg, number="1.1").end_year is None  # as announced


def test_a_dry_run_prints_the_tree_and_the_warnings_of_the_review(tmp_path, ctg):
    path = write_xlsx(tmp_path / "plan.xlsx", ROWS)

    out, _err = run(ctg.slug, path, "--dry-run")

    assert PlanNode.objects.filter(convention=ctg).count() == 0
    assert "Tableur : plan.xlsx, feuille « Sheet », 4 lignes lues" in out
    assert "Dans la CTG : 4 nouveaux, 0 mis à jour, 0 inchangés" in out
    assert "\n  Fiche action 1.1 — Ouvrir une crèche  [2026–2034 ; pilotes : Caf]\n" in out
    assert "Avant l'enregistrement :\n- L'année 2034 est hors de la période de la CTG" in out


def test_a_dry_run_names_the_lines_of_a_document_left_out(tmp_path):
    path = tmp_path / "plan.md"
    path.write_bytes(HEADINGS)

    out, _err = run(path, "--dry-run")

    assert "- Non repris, ligne 11 : « 1. Un taux de pauvreté élevé »" in out
    assert "- Non repris, ligne 13 : « 2. Peu de places d'accueil »" in out


def test_the_readme_form_with_ctg_option_still_reads_a_spreadsheet(tmp_path, ctg):
    path = write_csv(tmp_path / "plan.csv", ROWS)
    out, _err = run(path, "--ctg", ctg.slug)
    assert "4 éléments créés" in out


def test_a_spreadsheet_with_errors_is_reported_line_by_line_and_nothing_written(tmp_path, ctg):
    rows = [*ROWS, ["Fiche action", "1.3", "", "", "2027", ""]]
    path = write_csv(tmp_path / "plan.csv", rows)

    with pytest.raises(CommandError, match="Le tableur contient 1 erreur : rien n'a été"):
        run(ctg.slug, path)

    assert PlanNode.objects.filter(convention=ctg).count() == 0


def test_two_different_ctgs_are_refused(tmp_path, ctg):
    path = write_csv(tmp_path / "plan.csv", ROWS)
    with pytest.raises(CommandError, match="Deux CTG indiquées"):
        run(ctg.slug, path, "--ctg", "une-autre")
    with pytest.raises(CommandError, match="Aucune CTG n'a l'identifiant « inconnue »"):
        run("inconnue", path)


NINE_LEVELS = [["Niveau", "Numéro", "Titre"]] + [
    [f"Niveau {depth}", "1" + ".1" * depth, f"Élément de niveau {depth}"] for depth in range(9)
]


def test_more_than_eight_levels_are_refused_by_the_command_and_the_browser(tmp_path, ctg, client):
    path = write_csv(tmp_path / "plan.csv", NINE_LEVELS)
    before = PlanLevel.objects.count()

    with pytest.raises(CommandError, match="1 erreur"):
        run(ctg.slug, path, "--dry-run")

    client.force_login(user_with_role(Role.COORDINATOR, convention=ctg))
    response = client.post(
        reverse("imports:upload", kwargs={"slug": ctg.slug}),
        {"file": SimpleUploadedFile("plan.csv", path.read_bytes())},
    )
    assert response.status_code == 200
    assert "Le fichier donnerait un plan de 9 niveaux" in response.content.decode()
    assert PlanLevel.objects.count() == before


def test_more_than_5000_elements_are_refused(tmp_path, ctg):
    rows = [["Niveau", "Numéro", "Titre"]] + [
        ["Fiche action", str(number), f"Action {number}"] for number in range(1, 5_002)
    ]
    path = write_csv(tmp_path / "plan.csv", rows)
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 erreur"):
        call_command("import_plan", ctg.slug, str(path), stdout=io.StringIO(), stderr=err)

    assert "plus de 5\u202f000 éléments" in err.getvalue()
    assert PlanNode.objects.filter(convention=ctg).count() == 0
