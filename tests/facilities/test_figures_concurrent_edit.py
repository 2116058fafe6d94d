"""Two people edit the same figure of the diagnostic: a save from a stale page is refused."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.facilities.models import TerritoryFigure
from tests.concurrent_editing import race, two_sessions
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_a_stale_figure_page_is_refused(paa):
    figure = TerritoryFigure.objects.filter(convention=paa).order_by("pk").first()
    sessions = two_sessions(
        user_with_role(Role.COORDINATOR, convention=paa), user_with_role(Role.CAF_ADVISER)
    )
    page = reverse("facilities:figure_edit", kwargs={"slug": paa.slug, "pk": figure.pk})

    response = race(sessions, page, {"source": "Insee RP 2021"}, {"source": "Insee RP 2022"})

    assert response.status_code == 409
    figure.refresh_from_db()
    assert figure.source == "Insee RP 2021"
