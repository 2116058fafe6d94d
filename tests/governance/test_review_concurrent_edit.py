"""Two people write the same draft bilan: a save from a stale page is refused."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.governance.enums import ReviewKind
from pilote.governance.models import Review
from tests.concurrent_editing import form_data, race, two_sessions
from tests.factories import ConventionFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_stale_bilan_texts_are_refused_and_kept():
    convention = ConventionFactory()
    review = Review.objects.create(convention=convention, kind=ReviewKind.ANNUAL, year=2026)
    sessions = two_sessions(
        user_with_role(Role.COORDINATOR, convention=convention), user_with_role(Role.CAF_ADVISER)
    )
    page = reverse("governance:review", kwargs={"slug": convention.slug, "pk": review.pk})

    response = race(sessions, page, {"summary": "Synthèse A"}, {"summary": "Synthèse B"})

    assert response.status_code == 409
    assert form_data(response)["summary"] == ["Synthèse B"]
    html = response.content.decode()
    assert "Synthèse A" in html
