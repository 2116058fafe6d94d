"""The follow-up table exported to XLSX, read back with openpyxl."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pilote.accounts.enums import Role
from pilote.accounts.models import Organisation
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.periods import Quarter
from tests.factories import (
    ActionUpdateFactory,
    PlanNodeFactory,
    UserFactory,
    tracked_action,
    user_with_role,
)

pytestmark = pytest.mark.django_db

HEADERS = [
    "Numéro",
    "Niveaux supérieurs",
    "Action",
    "Pilotes",
    "Thématiques",
    "Période prévue",
    "Dernier statut",
    "Avancement (%)",
    "Trimestre du dernier point",
    "Date du dernier point",
    "Saisi par",
    "En retard",
    "Point ce trimestre",
    "Ce qui a été fait",
    "Difficultés",
    "Prochaines étapes",
]


@pytest.fixture(autouse=True)
def now_is_t4_2026(monkeypatch):
    monkeypatch.setattr(Quarter, "current", classmethod(lambda cls: Quarter(2026, 4)))


@pytest.fixture
def actions():
    guichet = tracked_action(title="Créer un guichet unique", end_year=2026, end_quarter=2)
    guichet.pilots.add(Organisation.objects.create(name="CCAS de Digne-les-Bains"))
    rpe = PlanNodeFactory(
        convention=guichet.convention, parent=guichet.parent, number="1.1.2", title="RPE itinérant"
    )
    ActionUpdateFactory(
        node=guichet,
        year=2026,
        quarter=3,
        status=UpdateStatus.BLOCKED,
        progress=20,
        difficulties='=HYPERLINK("http://example.org") : local introuvable',
        author=UserFactory(first_name="Sarah", last_name="Fabre"),
    )
    return guichet, rpe


def export(client, convention, query=""):
    client.force_login(user_with_role(Role.READER, convention=convention))
    url = reverse("monitoring:followup_export", kwargs={"slug": convention.slug}) + query
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="suivi-' in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content)).active


def test_the_export_has_french_headers_one_row_per_action_and_a_frozen_header(client, actions):
    guichet, _rpe = actions
    sheet = export(client, guichet.convention)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 3
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 60
    first = dict(zip(HEADERS, rows[1], strict=True))
    assert first["Numéro"] == "1.1.1"
    assert first["Niveaux supérieurs"] == "1 Accès aux droits › 1.1 Information"
    assert first["Pilotes"] == "CCAS de Digne-les-Bains"
    assert first["Dernier statut"] == "Bloquée"
    assert first["Avancement (%)"] == 20
    assert first["Trimestre du dernier point"] == "T3 2026"
    assert first["Saisi par"] == "Sarah Fabre"
    assert first["En retard"] == "Oui"
    assert first["Point ce trimestre"] == "Non"
    second = dict(zip(HEADERS, rows[2], strict=True))
    assert (second["Action"], second["Dernier statut"]) == ("RPE itinérant", "Sans point de suivi")
    assert second["Avancement (%)"] is None


def test_text_that_looks_like_a_formula_stays_text(client, actions):
    guichet, _ = actions
    sheet = export(client, guichet.convention)
    cell = sheet.cell(row=2, column=HEADERS.index("Difficultés") + 1)
    assert cell.data_type == "s"
    assert cell.value.startswith("'=HYPERLINK")  # the apostrophe of pilote.core.formulas


def test_the_export_follows_the_filters(client, actions):
    guichet, _ = actions
    sheet = export(client, guichet.convention, "?statut=sans_point")
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["1.1.2"]
