import datetime

import pytest

from pilote.accounts.enums import Role
from pilote.conventions import services
from pilote.conventions.models import Convention
from pilote.conventions.services import ConventionError
from pilote.plans.levels import replace_levels
from pilote.territories.models import Commune
from tests.factories import LastLevelNodeFactory as PlanNodeFactory
from tests.factories import SignatoryFactory, departement, paa_communes, paa_epci, user_with_role
from tests.factories import SignedConventionFactory as ConventionFactory


def create(by, **overrides):
    kwargs = {
        "by": by,
        "name": "CTG Provence-Alpes-Agglomération 2026-2030",
        "departement": departement("04"),
        "start_date": datetime.date(2026, 1, 1),
        "end_date": datetime.date(2030, 12, 31),
    }
    kwargs.update(overrides)
    return services.create_convention(**kwargs)


def test_create_convention_with_territory_and_default_levels(superuser):
    convention = create(superuser, epci=paa_epci(), communes=paa_communes(3))

    assert convention.slug == "ctg-provence-alpes-agglomeration-2026-2030"
    assert convention.communes.count() == 3
    assert convention.levels.filter(tracked=True).get().name == "Action"


def test_coordinator_cannot_create_a_convention(convention):
    coordinator = user_with_role(Role.COORDINATOR, convention=convention)

    with pytest.raises(ConventionError, match="Vous ne pouvez pas créer de CTG"):
        create(coordinator)


def test_caf_adviser_creates_only_in_his_or_her_departement(db):
    adviser = user_with_role(Role.CAF_ADVISER, departement_code="04")

    with pytest.raises(ConventionError, match="05 – Hautes-Alpes"):
        create(adviser, departement=departement("05"))
    assert create(adviser).departement_id == "04"


def test_refused_creation_writes_nothing(superuser):
    ConventionFactory(slug="pris")

    with pytest.raises(ConventionError, match="déjà utilisé"):
        create(superuser, slug="pris", communes=paa_communes(2))

    assert Convention.objects.count() == 1


def test_end_date_must_follow_start_date(superuser):
    with pytest.raises(ConventionError) as error:
        create(superuser, end_date=datetime.date(2026, 1, 1))

    assert error.value.message == "La date de fin doit être postérieure à la date de début."
    assert error.value.field == "end_date"


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ((2026, 1, 1), (2030, 12, 31), 0),
        ((2026, 1, 1), (2031, 1, 1), 1),
        ((2026, 1, 1), (2026, 12, 31), 0),
        ((2026, 1, 1), (2026, 12, 30), 1),
        ((2024, 2, 29), (2029, 2, 27), 0),
    ],
)
def test_period_warnings(start, end, count):
    assert len(services.period_warnings(datetime.date(*start), datetime.date(*end))) == count


def test_update_territory_refuses_outdated_communes(convention, superuser):
    old = Commune.objects.create(
        code="04999",
        name="Commune disparue",
        departement=convention.departement,
        is_current=False,
    )

    with pytest.raises(ConventionError, match="n'existent plus"):
        services.update_territory(
            convention, by=superuser, epci=convention.epci, communes=[old, *paa_communes()]
        )


def test_update_territory_lists_the_elements_naming_the_commune(convention, superuser):
    digne = Commune.objects.get(code="04070")
    for index in range(7):
        PlanNodeFactory(convention=convention, number=f"1.{index}").communes.add(digne)

    with pytest.raises(ConventionError) as error:
        services.update_territory(convention, by=superuser, epci=None, communes=[])

    assert "et 2 autre(s)" in error.value.message
    assert convention.communes.count() == 10
    convention.refresh_from_db()
    assert convention.epci is not None


def test_read_only_user_cannot_change_anything(convention):
    reader = user_with_role(Role.READER, convention=convention)

    with pytest.raises(ConventionError, match="pas le droit"):
        services.replace_signatories(convention, by=reader, signatories=[])


def test_signatory_of_another_ctg_is_refused(convention, superuser):
    foreign = SignatoryFactory()

    with pytest.raises(ConventionError, match="n'appartient pas à cette CTG"):
        services.replace_signatories(
            convention,
            by=superuser,
            signatories=[services.SignatoryData(organisation="Volée", pk=foreign.pk)],
        )


def test_replace_levels_refuses_an_empty_plan(convention, superuser):
    with pytest.raises(ConventionError, match="au moins un niveau"):
        replace_levels(convention, by=superuser, levels=[])
