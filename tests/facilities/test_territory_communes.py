"""A commune that facilities or schémas still use cannot leave the CTG's territory."""

from decimal import Decimal

import pytest
from django.db.models import Count

from pilote.conventions import services
from pilote.conventions.services import ConventionError
from pilote.facilities.enums import AreaKind, Competence, FigureKind
from pilote.facilities.models import CompetenceTransfer, Facility, TerritoryFigure
from tests.factories import (
    CHATEAU_ARNOUX,
    DIGNE,
    MALIJAI,
    ConventionFactory,
    UserFactory,
    commune,
)


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


def test_removing_a_commune_with_a_competence_transfer_is_refused(db):
    convention = ConventionFactory(communes=[DIGNE, MALIJAI])
    CompetenceTransfer.objects.create(
        convention=convention, commune=commune(MALIJAI), competence=Competence.choices[0][0]
    )

    with pytest.raises(ConventionError) as error:
        _remove(convention, MALIJAI)

    assert f"Malijai ({MALIJAI}) est utilisée par 1 transfert(s) de compétence" in (
        error.value.message
    )
    assert convention.communes.filter(code=MALIJAI).exists()
    assert CompetenceTransfer.objects.filter(convention=convention).count() == 1


def test_removing_a_commune_with_diagnostic_figures_is_refused(db):
    convention = ConventionFactory(communes=[DIGNE, MALIJAI])
    for year in (2023, 2024):
        TerritoryFigure.objects.create(
            convention=convention,
            area_kind=AreaKind.COMMUNE,
            area_code=MALIJAI,
            area_name="Malijai",
            kind=FigureKind.choices[0][0],
            year=year,
            value=Decimal("12"),
        )
    # A figure of the département with a look-alike code is no use of the commune.
    TerritoryFigure.objects.create(
        convention=convention,
        area_kind=AreaKind.DEPARTEMENT,
        area_code=DIGNE,
        area_name="Alpes-de-Haute-Provence",
        kind=FigureKind.choices[0][0],
        year=2024,
        value=Decimal("1"),
    )

    with pytest.raises(ConventionError) as error:
        _remove(convention, MALIJAI)
    assert "2 chiffre(s) du diagnostic" in error.value.message

    _remove(convention, DIGNE)
    assert list(convention.communes.values_list("code", flat=True)) == [MALIJAI]


def test_one_message_lists_every_use_of_each_commune(db):
    convention = ConventionFactory(communes=[DIGNE, CHATEAU_ARNOUX, MALIJAI])
    for code in (DIGNE, MALIJAI):
        CompetenceTransfer.objects.create(
            convention=convention, commune=commune(code), competence=Competence.choices[0][0]
        )

    with pytest.raises(ConventionError) as error:
        services.update_territory(
            convention,
            by=UserFactory(superuser=True),
            epci=convention.epci,
            communes=convention.communes.filter(code=CHATEAU_ARNOUX),
        )

    message = error.value.message
    assert message.startswith("Impossible de retirer ces communes du territoire")
    assert f"Digne-les-Bains ({DIGNE})" in message
    assert f"Malijai ({MALIJAI})" in message
    assert convention.communes.count() == 3
