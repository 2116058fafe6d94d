"""Implausible values (issue 12, point 6): a CTG's period, signature dates, legacy periods."""

import datetime
import html

import pytest
from django.urls import reverse

from pilote.conventions.models import Convention
from pilote.conventions.services import ConventionError, check_period, period_warnings
from pilote.governance.models import Body
from tests.conventions.test_create_edit import edit_data
from tests.conventions.test_lists import formset_data
from tests.factories import SignedConventionFactory as ConventionFactory
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("0001-01-01", "2030-12-31", "La date doit être comprise entre le 01/01/2000"),
        ("1999-12-31", "2003-12-31", "La date doit être comprise entre le 01/01/2000"),
        ("2026-01-01", "9999-12-31", "et le 31/12/2100"),
        ("2026-01-01", "2032-01-01", "Une CTG dure au plus 6 ans"),
    ],
)
def test_an_implausible_period_is_refused_in_french(
    client, convention, coordinator, start, end, message
):
    client.force_login(coordinator)

    response = client.post(
        reverse("conventions:edit", kwargs={"slug": convention.slug}),
        edit_data(convention, start_date=start, end_date=end),
    )

    assert response.status_code == 200
    assert message in text(response)
    convention.refresh_from_db()
    assert (convention.start_date, convention.end_date) == (
        datetime.date(2026, 1, 1),
        datetime.date(2030, 12, 31),
    )


def test_the_service_checks_the_period_too():
    with pytest.raises(ConventionError, match="Date de début : la date doit être comprise"):
        check_period(datetime.date(1, 1, 1), datetime.date(2030, 12, 31))
    with pytest.raises(ConventionError, match="Date de fin : la date doit être comprise"):
        check_period(datetime.date(2026, 1, 1), datetime.date(9999, 12, 31))


def test_six_years_are_accepted_with_a_warning_beyond_five():
    start, end = datetime.date(2026, 1, 1), datetime.date(2031, 12, 31)
    check_period(start, end)  # six years: accepted
    assert "plus de 5 ans" in period_warnings(start, end)[0]
    with pytest.raises(ConventionError, match="au plus 6 ans"):
        check_period(start, datetime.date(2032, 1, 1))


def test_the_date_inputs_say_their_bounds_to_the_browser(client, convention, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("conventions:edit", kwargs={"slug": convention.slug}))
    assert 'min="2000-01-01"' in page.content.decode()
    assert 'max="2100-12-31"' in page.content.decode()


@pytest.mark.parametrize(
    ("page", "prefix", "row"),
    [
        (
            "conventions:signatories",
            "signataires",
            {"organisation": "Caf 04", "signature_date": "9999-12-31", "ORDER": "1"},
        ),
        (
            "conventions:amendments",
            "avenants",
            {"number": "1", "date": "0001-01-01", "subject": "A"},
        ),
    ],
)
def test_a_signature_in_9999_or_an_amendment_in_year_one_is_refused(
    client, convention, coordinator, page, prefix, row
):
    client.force_login(coordinator)

    response = client.post(
        reverse(page, kwargs={"slug": convention.slug}), formset_data(prefix, [row], initial=0)
    )

    assert response.status_code == 200
    assert "La date doit être comprise entre le 01/01/2000 et le 31/12/2100." in text(response)
    assert not convention.signatories.exists()
    assert not convention.amendments.exists()


def test_a_nul_byte_in_a_text_is_refused_in_french(client, convention, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("conventions:edit", kwargs={"slug": convention.slug}),
        edit_data(convention, description="Présentation\x00 cachée", name="CTG\x07 PAA"),
    )

    assert response.status_code == 200
    # Each of the two fields, in the error summary and under the field.
    assert text(response).count("Le texte contient un caractère invalide") == 4
    convention.refresh_from_db()
    assert "\x00" not in convention.description


# ---------------------------------------------------------------------------------------------
# A period saved before these checks (or through the admin) no longer breaks the pages
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def legacy(db):
    """A CTG whose start was typed 0001-01-01 before the period was checked."""
    convention = ConventionFactory(communes=True)
    Convention.objects.filter(pk=convention.pk).update(start_date=datetime.date(1, 1, 1))
    convention.refresh_from_db()
    return convention


def test_a_legacy_period_gives_at_most_seven_years(legacy):
    assert legacy.years == list(range(2000, 2007))


def test_the_meeting_form_of_a_legacy_period_opens_and_saves(client, legacy):
    body = Body.objects.create(convention=legacy, kind="copil", name="COPIL")
    client.force_login(user_with_role("coordinator", convention=legacy))
    url = reverse("governance:meeting_add", kwargs={"slug": legacy.slug})

    assert client.get(url).status_code == 200
    response = client.post(url, {"body": body.pk, "kind": "autre", "date": "2001-06-12"})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("page", ["plans:add", "facilities:facility_add"])
def test_the_plan_and_facility_forms_of_a_legacy_period_have_few_year_fields(client, legacy, page):
    client.force_login(user_with_role("coordinator", convention=legacy))

    response = client.get(reverse(page, kwargs={"slug": legacy.slug}))

    assert response.status_code == 200
    assert response.content.decode().count("<input") < 300  # 2,000+ per-year fields before
