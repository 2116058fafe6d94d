"""Warn before saving, not after (issue 15): the period problems of a proposed plan are shown in
the review once each, grouped, with what saving will do; and saving does exactly that."""

import html

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.imports import review
from pilote.imports.periods import period_warnings, saved_period
from pilote.imports.services import apply_proposal
from pilote.plans.models import PlanNode
from tests.factories import SignedConventionFactory as ConventionFactory
from tests.factories import user_with_role

YEARS = list(range(2026, 2031))


def fiche(number, start=None, end=None, start_quarter=None, end_quarter=None):
    node = review.blank_like({"kind": "Fiche action"})
    node.update(number=number, title=f"Fiche {number}")
    node["period"] = {
        "start_year": start,
        "start_quarter": start_quarter,
        "end_year": end,
        "end_quarter": end_quarter,
    }
    return node


PLAN = [
    fiche("1", 2024, 2027),  # start outside: ignored, end kept
    fiche("2", 2026, 2035),  # end outside: ignored
    fiche("3", 2029, 2027),  # end before start: no end
    fiche("4", 2028, 2028, start_quarter=3, end_quarter=1),  # T3 2028 – T1 2028: no end
    fiche("5", 2035, 2035),  # both outside, the same year: one element in the warning
    fiche("6", 2026, 2030, start_quarter=2, end_quarter=4),  # fine
]


def test_each_problem_is_said_once_with_the_elements_it_concerns():
    warnings = period_warnings(PLAN, YEARS, label=review.label)

    assert warnings == [
        "L'année 2024 est hors de la période de la CTG (2026–2030) pour 1 élément "
        "(« Fiche action 1 ») : l'année sera ignorée à l'enregistrement, l'élément gardera son "
        "autre date s'il en a une.",
        "L'année 2035 est hors de la période de la CTG (2026–2030) pour 2 éléments "
        "(« Fiche action 2 », « Fiche action 5 ») : l'année sera ignorée à l'enregistrement, "
        "l'élément gardera son autre date s'il en a une.",
        "Fin avant le début pour 2 éléments (« Fiche action 3 », « Fiche action 4 ») : "
        "l'élément sera enregistré sans date de fin.",
    ]


def test_a_long_list_of_elements_is_cut_and_counted():
    plan = [fiche(str(number), 2040) for number in range(1, 9)]
    (warning,) = period_warnings(plan, YEARS, label=review.label)
    assert "pour 8 éléments (« Fiche action 1 »," in warning
    assert "« Fiche action 5 » et 3 autres)" in warning


@pytest.mark.django_db
def test_saving_does_what_the_warnings_said():
    ctg = ConventionFactory(levels=["Fiche action"])
    proposal = {
        "convention": {"level_names": ["Fiche action"], "tracked_levels": []},
        "plan": PLAN,
    }
    announced = period_warnings(PLAN, ctg.years, label=review.label)

    result = apply_proposal(ctg, proposal)

    saved = {
        node.number: (node.start_year, node.start_quarter, node.end_year, node.end_quarter)
        for node in PlanNode.objects.filter(convention=ctg)
    }
    assert saved == {
        "1": (None, None, 2027, None),  # « l'année sera ignorée », the end kept
        "2": (2026, None, None, None),
        "3": (2029, None, None, None),  # « sans date de fin »
        "4": (2028, 3, None, None),
        "5": (None, None, None, None),
        "6": (2026, 2, 2030, 4),
    }
    assert {
        key: tuple(saved_period(n["period"], ctg.years).values())
        for key, n in ((n["number"], n) for n in PLAN)
    } == saved
    assert result.warnings == announced  # after saving, the same words, once each


def xlsx(rows) -> bytes:
    import io

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_spreadsheet_review_warns_once_and_the_update_drops_the_year(client):
    ctg = ConventionFactory(levels=["Axe", "Fiche action"])
    client.force_login(user_with_role(Role.COORDINATOR, convention=ctg))
    rows = [
        ["Niveau", "Numéro", "Titre", "Début", "Fin"],
        ["Axe", "1", "Petite enfance", "", ""],
        ["Fiche action", "1.1", "Ouvrir une crèche", "2026", "2034"],
        ["Fiche action", "1.2", "Soutenir les assistantes maternelles", "2027", "2034"],
    ]
    response = client.post(
        reverse("imports:upload", kwargs={"slug": ctg.slug}),
        {"file": SimpleUploadedFile("plan.xlsx", xlsx(rows))},
    )
    review_url = response["Location"]

    page = html.unescape(client.get(review_url).content.decode())

    warning = (
        "L'année 2034 est hors de la période de la CTG (2026–2030) pour 2 éléments "
        "(« Fiche action 1.1 », « Fiche action 1.2 ») : l'année sera ignorée à "
        "l'enregistrement"
    )
    assert page.count(warning) == 1
    assert "Dates à vérifier avant l’enregistrement" in page
    saved = client.post(review_url + "enregistrer/", follow=True)
    assert html.unescape(saved.content.decode()).count(warning) == 1
    node = PlanNode.objects.get(convention=ctg, number="1.1")
    assert (node.start_year, node.end_year) == (2026, None)


@pytest.mark.django_db
def test_a_new_ctg_is_warned_against_the_period_the_save_page_proposes(client):
    client.force_login(user_with_role(Role.CAF_ADVISER, departement_code="04"))
    text = (
        "Plan d'actions de la CTG 2026-2029\n\nFiche action 1 : Créer un LAEP\nCalendrier : 2031\n"
    )
    response = client.post(
        reverse("imports:new_upload"),
        {"file": SimpleUploadedFile("plan.txt", text.encode())},
    )

    page = html.unescape(client.get(response["Location"]).content.decode())

    assert (
        "L'année 2031 est hors de la période proposée pour la nouvelle CTG (2026–2029, "
        "modifiable à l'enregistrement) pour 1 élément (« Fiche action 1 »)"
    ) in page
