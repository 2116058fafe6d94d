"""A commune that facilities or schémas still use cannot leave the CTG's territory."""

import pytest
from django.db.models import Count

from pilote.conventions import services
from pilote.conventions.services import ConventionError
from pilote.facilities.models import Facility
from tests.factories import UserFactory


def _remove(convention, code):
    services.update_territory(
        convention,
        by=UserFactory(superuser=True),
        epci=convention.epci,
        communes=convention.communes.exclude(code=code),
    )


def test_removing_a_commune_used_by_facilities_is_refused_with_their_list(paa):
    used = (
        Facility.objects.filter(convention=paa)
        .values("commune")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    commune = paa.communes.get(pk=used["commune"])
    names = list(
        Facility.objects.filter(convention=paa, commune=commune).values_list("name", flat=True)
    )

    with pytest.raises(ConventionError) as error:
        _remove(paa, commune.code)

    message = error.value.message
    assert f"{commune.name} ({commune.code})" in message
    assert f"{len(names)} équipement" in message
    assert names[0] in message
    assert paa.communes.filter(pk=commune.pk).exists()
