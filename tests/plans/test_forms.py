"""Validation of the fiche form and its formsets, with the messages users read."""

import pytest

from pilote.plans.forms import FicheForms, NodeForm
from pilote.plans.models import PlanNode
from tests.factories import CHATEAU_ARNOUX, DIGNE, MANOSQUE, PlanNodeFactory, commune, thematic

pytestmark = pytest.mark.django_db


def post_data(convention, **overrides) -> dict:
    """Return a valid POST of the fiche form: a key action of seed 003 with a budget line."""
    level = convention.levels.order_by("position").last()
    data = {
        "level": str(level.pk),
        "number": "1.1",
        "title": "Actualiser le projet social de territoire",
        "territory": "all",
        "pilots": "PAA\nCaf des Alpes-de-Haute-Provence",
        "partners": "CCAS, PMI, RPE",
        "start_year": "2026",
        "end_year": "2027",
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-0-funder": "Caf des Alpes-de-Haute-Provence",
        "budget-0-amount": "1500",
        "budget-0-year": "2026",
        "indicateurs-TOTAL_FORMS": "1",
        "indicateurs-INITIAL_FORMS": "0",
        "indicateurs-0-name": "Nombre d'instances réunies",
        "indicateurs-0-target_2026": "2",
        "indicateurs-0-target_2030": "4",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def errors_of(forms: FicheForms) -> list[str]:
    messages = [m for errors in forms.main.errors.values() for m in errors]
    for formset in (forms.budget, forms.indicators):
        for form_errors in formset.errors:
            messages += [m for errors in form_errors.values() for m in errors]
    return messages


def test_a_valid_post_gives_the_service_data(convention):
    forms = FicheForms(convention=convention, data=post_data(convention))
    assert forms.is_valid(), errors_of(forms)
    data = forms.to_data()
    assert data.pilots == ["PAA", "Caf des Alpes-de-Haute-Provence"]
    assert data.partners == ["CCAS", "PMI", "RPE"]
    assert [(b.funder, b.year) for b in data.budget_lines] == [
        ("Caf des Alpes-de-Haute-Provence", 2026)
    ]
    assert data.indicators[0].targets == {2026: 2, 2030: 4}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_year": "2031"}, "L'année 2031 est hors de la période de la CTG (2026–2030)."),
        ({"end_year": "2025"}, "L'année 2025 est hors de la période de la CTG (2026–2030)."),
        (
            {"start_year": "2028", "end_year": "2027"},
            "La fin prévue précède le début prévu.",
        ),
        (
            {"start_year": "2027", "start_quarter": "3", "end_year": "2027", "end_quarter": "1"},
            "La fin prévue précède le début prévu.",
        ),
        ({"start_year": None, "start_quarter": "2"}, "Indiquez l'année du trimestre de début."),
        ({"budget-0-amount": "-200"}, "Le montant ne peut pas être négatif."),
        (
            {"budget-0-year": "2031"},
            "L'année 2031 est hors de la période de la CTG (2026–2030).",
        ),
        (
            {"indicateurs-0-target_2031": "5"},
            "L'année 2031 est hors de la période de la CTG (2026–2030).",
        ),
        (
            {"territory": "some"},
            "Cochez au moins une commune, ou choisissez « Tout le territoire de la CTG ».",
        ),
        ({"title": ""}, "Ce champ est obligatoire."),
    ],
)
def test_invalid_posts_show_french_messages(convention, overrides, message):
    forms = FicheForms(convention=convention, data=post_data(convention, **overrides))
    assert not forms.is_valid()
    assert message in errors_of(forms) or message in str(forms.indicators.forms[0].errors)


def test_a_commune_outside_the_ctg_is_named_in_the_error(convention):
    commune(MANOSQUE)
    data = post_data(convention, territory="some")
    data["communes"] = [DIGNE, MANOSQUE]
    forms = FicheForms(convention=convention, data=data)
    assert not forms.is_valid()
    assert forms.main.errors["communes"] == [
        "Manosque (04112) n'appartient pas au territoire de la CTG."
    ]


def test_only_the_ctgs_communes_are_offered(convention):
    form = NodeForm(convention=convention)
    assert sorted(c.code for c in form.fields["communes"].queryset) == sorted(
        [DIGNE, CHATEAU_ARNOUX, "04108"]
    )


def test_thematics_of_another_ctg_are_not_offered(convention, other_convention):
    other = other_convention.custom_thematics.create(code="mobilite", label="Mobilité")
    mine = convention.custom_thematics.create(code="sante", label="Santé")
    offered = set(NodeForm(convention=convention).fields["thematics"].queryset)
    assert mine in offered
    assert thematic("petite-enfance") in offered
    assert other not in offered


def test_the_default_level_is_the_one_below_the_parent(convention):
    axe = PlanNodeFactory(convention=convention)
    form = NodeForm(convention=convention, parent=axe)
    assert form.initial["level"].name == "Fiche action"
    assert NodeForm(convention=convention).initial["level"].name == "Axe"


def test_editing_shows_existing_targets_outside_the_ctg_so_they_can_be_emptied(convention):
    node = PlanNodeFactory(convention=convention)
    indicator = node.indicators.create(name="Taux de couverture", unit="places pour 100 enfants")
    indicator.targets.create(year=2031, value=60)
    forms = FicheForms(convention=convention, node=node)
    form = forms.indicators.forms[0]
    assert "target_2031" in form.fields
    data = post_data(
        convention,
        **{
            "indicateurs-INITIAL_FORMS": "1",
            "indicateurs-0-id": str(indicator.pk),
            "indicateurs-0-target_2031": "60",
        },
    )
    forms = FicheForms(convention=convention, node=node, data=data)
    assert not forms.is_valid()
    assert forms.indicators.forms[0].errors["target_2031"] == [
        "L'année 2031 est hors de la période de la CTG (2026–2030)."
    ]


def test_the_form_is_prefilled_from_the_element(convention):
    node = PlanNodeFactory(convention=convention, number="2.4", whole_territory=False)
    node.communes.set([commune(DIGNE)])
    form = NodeForm(convention=convention, node=node)
    assert form.initial["territory"] == "some"
    assert form.initial["communes"] == [DIGNE]
    assert form.initial["number"] == "2.4"
    assert PlanNode.objects.count() == 1
