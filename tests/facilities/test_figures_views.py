"""The diagnostic page: who sees it, who changes it, the import in two steps, the exports."""

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.core.models import PendingImport
from pilote.demo.services import DATA_DIR
from pilote.facilities.enums import AreaKind, FigureKind
from pilote.facilities.figures.services import apply_import
from pilote.facilities.figures.views import SESSION_KEY
from pilote.facilities.models import TerritoryFigure
from tests.factories import ConventionFactory, user_with_role

pytestmark = pytest.mark.django_db

DEMO_FIGURES = Path(DATA_DIR) / "provence-alpes-agglomeration-2026-2030.diagnostic.csv"
PAA_SIREN = "200067437"
HEADER = "Échelle;Code;Territoire;Chiffre;Millésime;Valeur;Source\n"
# The page's queries whatever the number of figures: session, user, CTG, roles, figures.
FIGURES_PAGE_QUERIES = 5


@pytest.fixture
def paa():
    convention = ConventionFactory()
    apply_import(convention, DEMO_FIGURES.read_bytes(), DEMO_FIGURES.name, by=None)
    return convention


def login_as(client, who: str, convention):
    users = {
        "caf_adviser": lambda: user_with_role(Role.CAF_ADVISER, departement_code="04"),
        "coordinator": lambda: user_with_role(Role.COORDINATOR, convention=convention),
        "referent": lambda: user_with_role(Role.REFERENT, convention=convention),
        "reader": lambda: user_with_role(Role.READER, convention=convention),
        "other_ctg": lambda: user_with_role(Role.COORDINATOR, convention=ConventionFactory()),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    return client


def url(name, convention, **kwargs):
    return reverse(f"facilities:{name}", kwargs={"slug": convention.slug, **kwargs})


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    ("who", "status", "editable"),
    [
        ("caf_adviser", 200, True),
        ("coordinator", 200, True),
        ("referent", 200, False),
        ("reader", 200, False),
        ("other_ctg", 404, False),
        ("anonymous", 302, False),
    ],
)
def test_who_sees_the_diagnostic_and_who_gets_the_edit_buttons(client, paa, who, status, editable):
    response = login_as(client, who, paa).get(url("figures", paa))
    assert response.status_code == status
    if status == 200:
        assert ("Ajouter un chiffre" in response.content.decode()) is editable


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("caf_adviser", 302),
        ("coordinator", 302),
        ("referent", 403),
        ("reader", 403),
        ("other_ctg", 404),
        ("anonymous", 302),
    ],
)
def test_only_editors_add_a_figure(client, paa, who, status):
    before = TerritoryFigure.objects.count()
    response = login_as(client, who, paa).post(
        url("figure_add", paa),
        {
            "area_kind": AreaKind.COMMUNE,
            "area_code": "04070",
            "kind": FigureKind.CHILDREN_UNDER_3,
            "year": 2021,
            "value": "318",
            "source": "INSEE",
        },
    )
    assert response.status_code == status
    created = TerritoryFigure.objects.count() - before
    assert created == (1 if who in ("caf_adviser", "coordinator") else 0)


@pytest.mark.parametrize("who", ["referent", "reader"])
def test_readers_cannot_edit_delete_or_import(client, paa, who):
    figure = TerritoryFigure.objects.filter(convention=paa).first()
    client = login_as(client, who, paa)
    assert client.post(url("figure_edit", paa, pk=figure.pk), {}).status_code == 403
    assert client.post(url("figure_delete", paa, pk=figure.pk)).status_code == 403
    assert client.get(url("figures_import", paa)).status_code == 403
    upload = io.BytesIO(DEMO_FIGURES.read_bytes())
    upload.name = "chiffres.csv"
    assert client.post(url("figures_import", paa), {"file": upload}).status_code == 403
    assert client.post(url("figures_import_confirm", paa), {"token": "x"}).status_code == 403
    assert TerritoryFigure.objects.filter(pk=figure.pk).exists()


def test_a_figure_of_another_ctg_is_not_found(client, paa):
    other = ConventionFactory()
    apply_import(other, DEMO_FIGURES.read_bytes(), DEMO_FIGURES.name, by=None)
    stranger = TerritoryFigure.objects.filter(convention=other).first()
    client = login_as(client, "coordinator", paa)
    assert client.get(url("figure_edit", paa, pk=stranger.pk)).status_code == 404
    assert client.post(url("figure_delete", paa, pk=stranger.pk)).status_code == 404


# --------------------------------------------------------------------------- the page


def test_figures_are_grouped_by_territory_and_theme_with_their_millesime(client, paa):
    response = login_as(client, "reader", paa).get(url("figures", paa))
    groups = response.context["groups"]
    assert [g.name for g in groups] == ["CA Provence-Alpes-Agglomération"]
    themes = [theme.title for theme in groups[0].themes]
    assert themes == [
        "Population",
        "Familles et allocataires",
        "Revenus, emploi et logement",
        "Accueil du jeune enfant (données publiées)",
        "Autres chiffres",
    ]
    population = groups[0].themes[0].figures
    assert [(f.get_kind_display(), f.year) for f in population] == [
        ("Population", 2021),
        ("Naissances", 2022),
        ("Enfants de moins de 3 ans", 2025),
        ("Jeunes de moins de 25 ans", 2025),
    ]
    html = response.content.decode()
    assert "48\u202f726" in html
    assert '<th scope="colgroup"' in html
    assert response.context["count"] == 58


def test_filters_narrow_the_figures(client, paa):
    client = login_as(client, "reader", paa)
    response = client.get(url("figures", paa), {"millesime": "2022"})
    assert {f.year for g in response.context["groups"] for t in g.themes for f in t.figures} == {
        2022
    }
    assert response.context["filtered"]
    response = client.get(url("figures", paa), {"chiffre": FigureKind.PUBLISHED_COVERAGE})
    assert response.context["count"] == 1
    response = client.get(url("figures", paa), {"territoire": f"epci:{PAA_SIREN}"})
    assert response.context["count"] == 58


def test_the_diagnostic_page_reads_in_a_fixed_number_of_queries(
    client, paa, django_assert_max_num_queries
):
    client = login_as(client, "coordinator", paa)
    rows = "".join(
        f"Commune;{code};;Enfants de moins de 3 ans;{year};{10 + year % 7};INSEE\n"
        for code in ("04070", "04049", "04108")
        for year in range(2015, 2025)
    )
    apply_import(paa, (HEADER + rows).encode(), "communes.csv", by=None)
    with django_assert_max_num_queries(FIGURES_PAGE_QUERIES):
        response = client.get(url("figures", paa))
    assert response.context["count"] == 88


# --------------------------------------------------------------------------- one figure


def test_a_coordinator_adds_an_other_figure_with_its_label(client, paa):
    client = login_as(client, "coordinator", paa)
    response = client.post(
        url("figure_add", paa),
        {
            "area_kind": AreaKind.COMMUNE,
            "area_code": "4070",
            "kind": FigureKind.OTHER,
            "label": "Part des 65 ans ou plus (%)",
            "year": 2021,
            "value": "31,5",
            "source": "INSEE",
        },
    )
    figure = TerritoryFigure.objects.get(convention=paa, area_code="04070")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#chiffre-{figure.pk}")
    assert (figure.area_name, figure.label, figure.value) == (
        "Digne-les-Bains",
        "Part des 65 ans ou plus (%)",
        Decimal("31.5"),
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"area_code": "04999"}, "area_code", "inconnu dans le Code officiel géographique"),
        ({"kind": FigureKind.OTHER, "label": ""}, "label", "Donnez le libellé"),
        ({"kind": FigureKind.OTHER, "label": "Naissances"}, "label", "chiffre de la liste"),
        ({"value": "beaucoup"}, "value", "n'est pas un nombre"),
        ({"year": "1850"}, "year", "1990"),
        ({"area_code": PAA_SIREN, "area_kind": AreaKind.EPCI, "year": "2025"}, None, "existe déjà"),
    ],
)
def test_a_bad_figure_is_refused_with_a_french_message(client, paa, data, field, message):
    client = login_as(client, "caf_adviser", paa)
    before = TerritoryFigure.objects.count()
    post = {
        "area_kind": AreaKind.COMMUNE,
        "area_code": "04070",
        "kind": FigureKind.CHILDREN_UNDER_3,
        "year": "2021",
        "value": "318",
        **data,
    }
    if data.get("area_kind") == AreaKind.EPCI:
        post["kind"] = FigureKind.CHILDREN_UNDER_3
    response = client.post(url("figure_add", paa), post)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field or "__all__", []))
    assert TerritoryFigure.objects.count() == before


def test_editing_and_deleting_a_figure(client, paa):
    client = login_as(client, "coordinator", paa)
    figure = TerritoryFigure.objects.get(convention=paa, kind=FigureKind.CHILDREN_UNDER_3)
    page = client.get(url("figure_edit", paa, pk=figure.pk))
    assert page.context["form"]["value"].value() == "1151"
    response = client.post(
        url("figure_edit", paa, pk=figure.pk),
        {
            "area_kind": AreaKind.EPCI,
            "area_code": PAA_SIREN,
            "kind": FigureKind.CHILDREN_UNDER_3,
            "year": "2025",
            "value": "1 160",
            "source": "INSEE 2025",
        },
    )
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.value == Decimal(1160)
    assert figure.history.count() == 2
    confirm = client.get(url("figure_delete", paa, pk=figure.pk))
    assert "Supprimer ce chiffre" in confirm.content.decode()
    client.post(url("figure_delete", paa, pk=figure.pk))
    assert not TerritoryFigure.objects.filter(pk=figure.pk).exists()


# --------------------------------------------------------------------------- import


def upload(content: bytes, name: str):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def test_import_shows_a_preview_then_writes_on_confirmation(client, paa):
    client = login_as(client, "coordinator", paa)
    content = HEADER + (
        "EPCI;200067437;;Enfants de moins de 3 ans;2025;1151;INSEE 2025\n"
        "EPCI;200067437;;Naissances;2022;380;INSEE 2025\n"
        "Commune;04070;;Enfants de moins de 3 ans;2021;318;INSEE\n"
    )
    preview = client.post(url("figures_import", paa), {"file": upload(content.encode(), "c.csv")})
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert (plan.created, plan.updated, plan.unchanged) == (1, 1, 1)
    html = preview.content.decode()
    assert "Aperçu avant import" in html
    assert "(avant : 378)" in html
    assert TerritoryFigure.objects.filter(convention=paa, area_code="04070").count() == 0
    token = preview.context["token"]
    response = client.post(url("figures_import_confirm", paa), {"token": token})
    assert response.status_code == 302
    assert TerritoryFigure.objects.get(convention=paa, area_code="04070").value == 318
    births = TerritoryFigure.objects.get(convention=paa, kind=FigureKind.BIRTHS)
    assert births.value == 380
    assert not PendingImport.objects.filter(key=SESSION_KEY).exists()
    followed = client.get(response["Location"])
    assert "1 chiffre créé, 1 mis à jour, 1 inchangé" in followed.content.decode()


def test_a_file_with_bad_rows_is_listed_and_nothing_waits_for_confirmation(client, paa):
    client = login_as(client, "coordinator", paa)
    content = HEADER + "Commune;04999;;Population;2021;12;INSEE\n"
    response = client.post(url("figures_import", paa), {"file": upload(content.encode(), "c.csv")})
    html = response.content.decode()
    assert "1 ligne incorrecte" in html
    assert "Ligne 2 : Code INSEE de commune « 04999 » inconnu" in html
    assert not PendingImport.objects.filter(key=SESSION_KEY).exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4", "diagnostic.pdf", "CSV ou XLSX"),
        (b"Nom;Prenom\nA;B\n", "liste.csv", "colonnes de ce fichier ne sont pas reconnues"),
    ],
)
def test_unreadable_uploads_get_a_french_message(client, paa, content, name, message):
    client = login_as(client, "caf_adviser", paa)
    response = client.post(url("figures_import", paa), {"file": upload(content, name)})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_stale_or_forged_confirmation_writes_nothing(client, paa):
    client = login_as(client, "coordinator", paa)
    content = (HEADER + "Commune;04070;;Population;2021;16000;INSEE\n").encode()
    client.post(url("figures_import", paa), {"file": upload(content, "c.csv")})
    response = client.post(url("figures_import_confirm", paa), {"token": "forged"})
    assert response.status_code == 302
    assert response["Location"] == url("figures_import", paa)
    assert not TerritoryFigure.objects.filter(area_code="04070").exists()
    cancel = client.post(url("figures_import_confirm", paa), {"annuler": "1"})
    assert cancel.status_code == 302
    assert not PendingImport.objects.filter(key=SESSION_KEY).exists()


# --------------------------------------------------------------------------- exports


def test_the_csv_export_imports_back_unchanged(client, paa):
    client = login_as(client, "reader", paa)
    response = client.get(url("figures_export_csv", paa))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf\xc3\x89chelle;Code;Territoire;Chiffre")
    result = apply_import(paa, content, "diagnostic.csv", by=None)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 58)


def test_the_xlsx_export_follows_the_filters_and_the_template(client, paa):
    client = login_as(client, "reader", paa)
    response = client.get(url("figures_export_xlsx", paa), {"millesime": "2022"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Échelle", "Code", "Territoire", "Chiffre", "Millésime", "Valeur", "Source")
    assert {row[4] for row in rows[1:]} == {2022}
    assert (rows[1][:6]) == (
        "EPCI",
        PAA_SIREN,
        "CA Provence-Alpes-Agglomération",
        "Naissances",
        2022,
        378,
    )
    result = apply_import(paa, response.content, "diagnostic.xlsx", by=None)
    assert result.unchanged == len(rows) - 1


def test_the_template_is_an_xlsx_with_an_example_and_a_how_to(client, paa):
    response = login_as(client, "reader", paa).get(url("figures_template", paa))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Chiffres", "Mode d'emploi"]
    assert workbook["Chiffres"]["D2"].value == "Enfants de moins de 3 ans"
