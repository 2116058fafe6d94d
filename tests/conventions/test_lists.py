"""The pages editing the CTG's lists: signatories, avenants and plan levels (formsets)."""

from django.urls import reverse

from pilote.plans.models import PlanLevel, PlanNode
from tests.factories import AmendmentFactory, SignatoryFactory
from tests.factories import LastLevelNodeFactory as PlanNodeFactory


def formset_data(prefix: str, rows: list[dict], *, initial: int) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


# ---------------------------------------------------------------------------------------------
# Signatories
# ---------------------------------------------------------------------------------------------


def test_signatories_are_added_reordered_and_deleted(client, convention, coordinator):
    caf = SignatoryFactory(convention=convention, organisation="Caf 04", position=1)
    aiglun = SignatoryFactory(convention=convention, organisation="Commune d'Aiglun", position=2)
    seyne = SignatoryFactory(convention=convention, organisation="Commune de Seyne", position=3)
    client.force_login(coordinator)
    rows = [
        {"id": caf.pk, "organisation": "Caf 04", "ORDER": "2"},
        {"id": aiglun.pk, "organisation": "Commune d'Aiglun", "ORDER": "3"},
        {"id": seyne.pk, "organisation": "Commune de Seyne", "ORDER": "4", "DELETE": "on"},
        {
            "organisation": "CA Provence-Alpes-Agglomération",
            "representative": "Patricia Granet-Brunello",
            "role": "Présidente",
            "deliberation_date": "2026-02-05",
            "ORDER": "1",
        },
        {"organisation": "", "ORDER": ""},
    ]

    response = client.post(
        reverse("conventions:signatories", kwargs={"slug": convention.slug}),
        formset_data("signataires", rows, initial=3),
    )

    assert response.status_code == 302
    assert list(convention.signatories.values_list("organisation", "position")) == [
        ("CA Provence-Alpes-Agglomération", 1),
        ("Caf 04", 2),
        ("Commune d'Aiglun", 3),
    ]
    assert str(convention.signatories.first().deliberation_date) == "2026-02-05"


def test_signatory_without_organisation_is_refused(client, convention, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("conventions:signatories", kwargs={"slug": convention.slug}),
        formset_data("signataires", [{"representative": "Sans organisation"}], initial=0),
    )

    assert response.status_code == 200
    assert "Ligne 1 – Organisation" in response.content.decode()
    assert not convention.signatories.exists()


def test_signatory_of_another_ctg_cannot_be_changed(client, convention, coordinator):
    foreign = SignatoryFactory(organisation="Autre CTG")
    client.force_login(coordinator)

    client.post(
        reverse("conventions:signatories", kwargs={"slug": convention.slug}),
        formset_data("signataires", [{"id": foreign.pk, "organisation": "Volée"}], initial=1),
    )

    foreign.refresh_from_db()
    assert foreign.organisation == "Autre CTG"


# ---------------------------------------------------------------------------------------------
# Avenants
# ---------------------------------------------------------------------------------------------


def test_amendments_can_swap_numbers(client, convention, coordinator):
    first = AmendmentFactory(convention=convention, number=1, subject="Premier")
    second = AmendmentFactory(convention=convention, number=2, subject="Second")
    client.force_login(coordinator)
    rows = [
        {"id": first.pk, "number": "2", "date": "2027-06-30", "subject": "Premier"},
        {"id": second.pk, "number": "1", "date": "2027-01-15", "subject": "Second"},
        {"number": "3", "date": "2028-03-01", "subject": "Ajout de la fiche action 7"},
    ]

    response = client.post(
        reverse("conventions:amendments", kwargs={"slug": convention.slug}),
        formset_data("avenants", rows, initial=2),
    )

    assert response.status_code == 302
    assert list(convention.amendments.values_list("number", "subject")) == [
        (1, "Second"),
        (2, "Premier"),
        (3, "Ajout de la fiche action 7"),
    ]


def test_duplicate_amendment_numbers_are_refused(client, convention, coordinator):
    client.force_login(coordinator)
    rows = [
        {"number": "1", "date": "2027-06-30", "subject": "A"},
        {"number": "1", "date": "2027-07-30", "subject": "B"},
    ]

    response = client.post(
        reverse("conventions:amendments", kwargs={"slug": convention.slug}),
        formset_data("avenants", rows, initial=0),
    )

    assert "Deux avenants portent le même numéro : 1." in response.content.decode()
    assert not convention.amendments.exists()


def test_next_amendment_number_is_proposed(client, convention, coordinator):
    AmendmentFactory(convention=convention, number=1)
    client.force_login(coordinator)

    response = client.get(reverse("conventions:amendments", kwargs={"slug": convention.slug}))

    assert response.context["formset"].forms[-1]["number"].initial == 2


# ---------------------------------------------------------------------------------------------
# Plan levels
# ---------------------------------------------------------------------------------------------


def level_rows(convention, **changes) -> list[dict]:
    rows = []
    for level in convention.levels.order_by("position"):
        row = {"id": level.pk, "name": level.name, "ORDER": str(level.position)}
        if level.tracked:
            row["tracked"] = "on"
        row.update(changes.get(level.name, {}))
        rows.append(row)
    return rows


def post_levels(client, convention, rows):
    return client.post(
        reverse("conventions:levels", kwargs={"slug": convention.slug}),
        formset_data("niveaux", rows, initial=convention.levels.count()),
    )


def test_renaming_a_level_keeps_its_elements(client, convention, coordinator):
    node = PlanNodeFactory(convention=convention)
    level_pk = node.level_id
    client.force_login(coordinator)

    response = post_levels(
        client, convention, level_rows(convention, Action={"name": "Action clé"})
    )

    assert response.status_code == 302
    node.refresh_from_db()
    assert node.level_id == level_pk
    assert node.level.name == "Action clé"


def test_levels_can_swap_names_and_positions(client, convention, coordinator):
    client.force_login(coordinator)
    rows = level_rows(
        convention,
        Axe={"name": "Fiche action", "ORDER": "2"},
        **{"Fiche action": {"name": "Axe", "ORDER": "1"}},
    )

    post_levels(client, convention, rows)

    assert list(convention.levels.values_list("position", "name")) == [
        (1, "Axe"),
        (2, "Fiche action"),
        (3, "Action"),
    ]


def test_a_level_with_elements_cannot_be_deleted(client, convention, coordinator):
    PlanNodeFactory(convention=convention)  # in "Action"
    client.force_login(coordinator)

    response = post_levels(client, convention, level_rows(convention, Action={"DELETE": "on"}))

    html = response.content.decode().replace("&#x27;", "'")
    assert "Le niveau « Action » contient encore 1 élément du plan" in html
    assert convention.levels.count() == 3


def test_an_empty_level_is_deleted_and_a_new_one_added(client, convention, coordinator):
    client.force_login(coordinator)
    rows = [
        *level_rows(convention, **{"Fiche action": {"DELETE": "on"}}),
        {"name": "Objectif opérationnel", "ORDER": "4", "tracked": "on"},
    ]

    post_levels(client, convention, rows)

    assert list(convention.levels.values_list("name", "tracked")) == [
        ("Axe", False),
        ("Action", True),
        ("Objectif opérationnel", True),
    ]
    assert list(convention.levels.values_list("position", flat=True)) == [1, 2, 3]


def test_duplicate_level_names_are_refused(client, convention, coordinator):
    client.force_login(coordinator)

    response = post_levels(client, convention, level_rows(convention, Action={"name": "axe"}))

    assert "Deux niveaux portent le même nom" in response.content.decode()
    assert PlanLevel.objects.filter(convention=convention, name="Action").exists()


def test_the_plan_keeps_at_least_one_level(client, convention, coordinator):
    client.force_login(coordinator)
    rows = [{**row, "DELETE": "on"} for row in level_rows(convention)]

    response = post_levels(client, convention, rows)

    assert "Le plan d&#x27;actions doit compter au moins un niveau." in response.content.decode()
    assert convention.levels.count() == 3
    assert not PlanNode.objects.exists()
