"""Two people edit the same CTG-wide indicator: a save from a stale page is refused."""

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.plans.models import Indicator
from tests.concurrent_editing import form_data, race, two_sessions
from tests.factories import ConventionFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_a_stale_indicator_page_is_refused_and_keeps_the_input():
    convention = ConventionFactory()
    indicator = Indicator.objects.create(convention=convention, name="Taux de couverture")
    sessions = two_sessions(
        user_with_role(Role.COORDINATOR, convention=convention), user_with_role(Role.CAF_ADVISER)
    )
    page = reverse(
        "monitoring:indicator_edit", kwargs={"slug": convention.slug, "pk": indicator.pk}
    )

    response = race(sessions, page, {"target_2027": "60"}, {"target_2027": "55"})

    assert response.status_code == 409
    assert indicator.targets.get(year=2027).value == 60
    assert form_data(response)["target_2027"] == ["55"]
