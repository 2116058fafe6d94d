"""Indicators: measurements (service and page), CTG-wide indicators, series, chart and table."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.core.formats import DASH, french_number
from pilote.monitoring.charts import indicator_chart
from pilote.monitoring.dashboard import build_series
from pilote.monitoring.indicators import IndicatorError, record_measurement, save_ctg_indicator
from pilote.monitoring.models import Measurement
from pilote.plans.models import Indicator, IndicatorTarget
from pilote.plans.services import IndicatorData
from tests.factories import (
    ConventionFactory,
    UserFactory,
    departement,
    tracked_action,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    return ConventionFactory()  # PAA 2026–2030


@pytest.fixture
def coordinator(convention):
    return user_with_role(Role.COORDINATOR, convention=convention)


@pytest.fixture
def coverage(convention):
    """A CTG-wide indicator of seed 003: the coverage rate of childcare, with yearly targets."""
    indicator = Indicator.objects.create(
        convention=convention,
        name="Taux de couverture en accueil du jeune enfant",
        unit="%",
        baseline_value=Decimal("52.50"),
        baseline_year=2025,
        source="Cnaf – Observatoire national de la petite enfance",
        frequency="annuelle",
    )
    IndicatorTarget.objects.create(indicator=indicator, year=2026, value=Decimal("55"))
    IndicatorTarget.objects.create(indicator=indicator, year=2027, value=Decimal("58"))
    return indicator


@pytest.fixture
def action_indicator(convention):
    node = tracked_action(convention)
    return Indicator.objects.create(
        convention=convention, node=node, name="Nombre de parents participants", unit="parents"
    )


# --- service -----------------------------------------------------------------------------------


def test_record_measurement_keeps_period_value_comment_source_and_author(coverage, coordinator):
    measurement = record_measurement(
        coverage,
        by=coordinator,
        year=2026,
        quarter=2,
        value="54,5",
        comment="Données provisoires",
        source="Caf 04",
    )
    measurement.refresh_from_db()
    assert measurement.value == Decimal("54.50")
    assert measurement.period_label == "T2 2026"
    assert (measurement.comment, measurement.source) == ("Données provisoires", "Caf 04")
    assert measurement.author == coordinator


@pytest.mark.parametrize(
    ("year", "quarter", "field", "message"),
    [
        (2025, None, "year", "L'année 2025 est hors de la période de la CTG (2026–2030)."),
        (2031, 1, "year", "L'année 2031 est hors de la période de la CTG (2026–2030)."),
        (2026, 5, "quarter", "Le trimestre doit être T1, T2, T3 ou T4."),
    ],
)
def test_a_measurement_outside_the_ctg_period_is_refused(
    coverage, coordinator, year, quarter, field, message
):
    with pytest.raises(IndicatorError) as error:
        record_measurement(coverage, by=coordinator, year=year, quarter=quarter, value=50)
    assert error.value.message == message
    assert error.value.field == field
    assert not Measurement.objects.exists()


def test_a_quarter_before_a_mid_year_start_is_refused(coordinator):
    convention = ConventionFactory(
        start_date=datetime.date(2025, 7, 1), end_date=datetime.date(2028, 6, 30)
    )
    indicator = Indicator.objects.create(convention=convention, name="Partenaires impliqués")
    user = UserFactory(superuser=True)
    with pytest.raises(IndicatorError, match="Le trimestre T1 2025 est hors de la période"):
        record_measurement(indicator, by=user, year=2025, quarter=1, value=3)
    assert record_measurement(indicator, by=user, year=2025, quarter=3, value=3).pk


@pytest.mark.parametrize("raw", ["beaucoup", "12 %%", "1.2.3", "NaN"])
def test_a_non_numeric_value_is_refused_in_french(coverage, coordinator, raw):
    with pytest.raises(IndicatorError) as error:
        record_measurement(coverage, by=coordinator, year=2026, value=raw)
    assert error.value.field == "value"
    assert "nombre" in error.value.message or "numérique" in error.value.message


def test_french_decimals_and_spaces_are_read(coverage, coordinator):
    measurement = record_measurement(coverage, by=coordinator, year=2026, value="1 234,5")
    assert measurement.value == Decimal("1234.50")


def test_a_reader_cannot_record_a_measurement(convention, coverage):
    reader = user_with_role(Role.READER, convention=convention)
    with pytest.raises(IndicatorError, match="que pour les actions que votre organisation pilote"):
        record_measurement(coverage, by=reader, year=2026, value=50)


def test_save_ctg_indicator_creates_and_then_changes_targets_in_place(convention, coordinator):
    data = IndicatorData(
        name="Nombre de partenaires impliqués",
        unit="partenaires",
        baseline_value=Decimal(12),
        baseline_year=2025,
        targets={2026: Decimal(15), 2027: Decimal(18)},
    )
    indicator = save_ctg_indicator(convention, by=coordinator, data=data)
    assert indicator.node is None
    target_pk = indicator.targets.get(year=2026).pk
    data.targets = {2026: Decimal(16)}
    save_ctg_indicator(convention, by=coordinator, data=data, indicator=indicator)
    assert list(indicator.targets.values_list("pk", "year", "value")) == [
        (target_pk, 2026, Decimal("16.00"))
    ]


def test_a_target_outside_the_ctg_period_is_refused(convention, coordinator):
    data = IndicatorData(name="Partenaires", targets={2032: Decimal(3)})
    with pytest.raises(IndicatorError, match="L'année 2032 est hors de la période"):
        save_ctg_indicator(convention, by=coordinator, data=data)


# --- series, off target, chart -----------------------------------------------------------------


def test_off_target_is_the_latest_measurement_of_the_year_below_its_target(coverage, coordinator):
    record_measurement(coverage, by=coordinator, year=2026, quarter=1, value=56)
    record_measurement(coverage, by=coordinator, year=2026, quarter=3, value=54)
    series = build_series(Indicator.objects.get(pk=coverage.pk), [2026, 2027])
    assert (series.standing.year, series.standing.value) == (2026, Decimal(54))
    assert series.off_target
    record_measurement(coverage, by=coordinator, year=2026, quarter=4, value=55)
    series = build_series(Indicator.objects.get(pk=coverage.pk), [2026, 2027])
    assert not series.off_target  # 55 reaches the target of 55


def test_a_yearly_value_counts_as_the_end_of_its_year(coverage, coordinator):
    record_measurement(coverage, by=coordinator, year=2026, value=56)
    record_measurement(coverage, by=coordinator, year=2026, quarter=2, value=50)
    series = build_series(Indicator.objects.get(pk=coverage.pk), [2026])
    assert series.latest.value == Decimal(56)
    assert not series.off_target


def test_the_chart_is_an_accessible_svg_image(coverage, coordinator):
    record_measurement(coverage, by=coordinator, year=2026, quarter=3, value=54)
    series = build_series(Indicator.objects.get(pk=coverage.pk), [2026, 2027])
    svg = indicator_chart(series, chart_id="graphique-1")
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-labelledby="graphique-1-title graphique-1-desc"' in svg
    assert '<title id="graphique-1-title">Taux de couverture en accueil du jeune enfant' in svg
    assert "Sous la cible en 2026." in svg
    assert "<script" not in svg


def test_numbers_are_written_the_french_way():
    assert french_number(Decimal("1234.50")) == "1\u202f234,5"
    assert french_number(Decimal("55.00")) == "55"
    assert french_number(None, empty=DASH) == "–"


# --- pages -------------------------------------------------------------------------------------


def test_indicator_list_shows_ctg_wide_and_action_indicators(
    client, convention, coverage, action_indicator
):
    client.force_login(user_with_role(Role.READER, convention=convention))
    response = client.get(reverse("monitoring:indicators", kwargs={"slug": convention.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Taux de couverture en accueil du jeune enfant" in html
    assert "Nombre de parents participants" in html
    assert "Ajouter un indicateur de la CTG" not in html  # readers read


def test_indicator_page_has_the_chart_and_the_table(client, convention, coverage, coordinator):
    record_measurement(coverage, by=coordinator, year=2026, quarter=3, value="54,2")
    client.force_login(coordinator)
    url = reverse("monitoring:indicator", kwargs={"slug": convention.slug, "pk": coverage.pk})
    html = client.get(url).content.decode()
    assert 'role="img"' in html
    assert "<caption>Mesures et cibles de l’indicateur par année</caption>" in html
    assert "T3 2026 : 54,2" in html
    assert "Sous la cible" in html
    assert "Enregistrer la mesure" in html


def test_editor_records_a_measurement_from_the_page(client, convention, coverage, coordinator):
    client.force_login(coordinator)
    url = reverse("monitoring:measurement_add", kwargs={"slug": convention.slug, "pk": coverage.pk})
    response = client.post(
        url, {"year": "2026", "quarter": "2", "value": "53,1", "comment": "", "source": "Caf"}
    )
    assert response.status_code == 302
    assert Measurement.objects.get().value == Decimal("53.10")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"year": "2024", "quarter": "", "value": "53"},
            "L&#x27;année 2024 est hors de la période de la CTG (2026–2030).",
        ),
        (
            {"year": "2026", "quarter": "", "value": "environ cinquante"},
            "« environ cinquante » n&#x27;est pas un nombre",
        ),
    ],
)
def test_page_shows_the_french_message_of_a_refused_measurement(
    client, convention, coverage, coordinator, data, message
):
    client.force_login(coordinator)
    url = reverse("monitoring:measurement_add", kwargs={"slug": convention.slug, "pk": coverage.pk})
    response = client.post(url, {"comment": "", "source": "", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Measurement.objects.exists()


def test_editor_adds_a_ctg_wide_indicator(client, convention, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("monitoring:indicator_add", kwargs={"slug": convention.slug}),
        {
            "name": "Nombre de partenaires impliqués",
            "unit": "partenaires",
            "baseline_value": "12",
            "baseline_year": "2025",
            "source": "Comptage de la coordination",
            "frequency": "annuelle",
            "target_2026": "15",
            "target_2030": "25",
        },
    )
    indicator = Indicator.objects.get(name="Nombre de partenaires impliqués")
    assert response.status_code == 302
    assert indicator.node is None
    assert indicator.convention == convention
    assert dict(indicator.targets.values_list("year", "value")) == {
        2026: Decimal(15),
        2030: Decimal(25),
    }


def test_editor_changes_a_ctg_wide_indicator(client, convention, coverage, coordinator):
    client.force_login(coordinator)
    url = reverse("monitoring:indicator_edit", kwargs={"slug": convention.slug, "pk": coverage.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Taux de couverture (EAJE et assistantes maternelles)"})
    assert response.status_code == 302
    coverage.refresh_from_db()
    assert coverage.name == "Taux de couverture (EAJE et assistantes maternelles)"
    assert not coverage.targets.exists()


def test_an_action_indicator_is_edited_with_its_fiche(
    client, convention, action_indicator, coordinator
):
    client.force_login(coordinator)
    url = reverse(
        "monitoring:indicator_edit", kwargs={"slug": convention.slug, "pk": action_indicator.pk}
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/plan/{action_indicator.node_id}/modifier/")


@pytest.mark.parametrize(
    ("role", "same", "read", "write"),
    [
        (Role.CAF_ADVISER, True, 200, 302),
        (Role.COORDINATOR, True, 200, 302),
        (Role.REFERENT, True, 200, 403),
        (Role.READER, True, 200, 403),
        (Role.CAF_ADVISER, False, 404, 404),
        (Role.COORDINATOR, False, 404, 404),
    ],
)
def test_who_reads_and_who_records(client, convention, coverage, role, same, read, write):
    other = ConventionFactory(departement=departement("13"))
    if role == Role.CAF_ADVISER:
        user = user_with_role(role, departement_code="04" if same else "13")
    else:
        user = user_with_role(role, convention=convention if same else other)
    client.force_login(user)
    kwargs = {"slug": convention.slug, "pk": coverage.pk}
    assert client.get(reverse("monitoring:indicator", kwargs=kwargs)).status_code == read
    response = client.post(
        reverse("monitoring:measurement_add", kwargs=kwargs), {"year": "2026", "value": "50"}
    )
    assert response.status_code == write
    add = client.get(reverse("monitoring:indicator_add", kwargs={"slug": convention.slug}))
    assert add.status_code == (200 if write == 302 else write)


def test_an_indicator_of_another_ctg_is_not_found(client, convention, coordinator):
    foreign = Indicator.objects.create(convention=ConventionFactory(), name="Autre CTG")
    client.force_login(coordinator)
    url = reverse("monitoring:indicator", kwargs={"slug": convention.slug, "pk": foreign.pk})
    assert client.get(url).status_code == 404


def test_indicator_pages_run_a_fixed_number_of_queries(
    client, convention, coverage, coordinator, django_assert_max_num_queries
):
    for year in (2026,):
        for quarter in (1, 2, 3):
            record_measurement(coverage, by=coordinator, year=year, quarter=quarter, value=50)
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        client.get(reverse("monitoring:indicators", kwargs={"slug": convention.slug}))
