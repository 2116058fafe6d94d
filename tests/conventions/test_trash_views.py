"""The « Corbeille » page, « Annuler » after a deletion, the CTG deletion page and the deleted CTGs.

On the demo world: the coordinator and the Caf adviser of PAA use its trash, its reader and
référent get a 403, a user of another CTG a 404; only the Caf adviser deletes the CTG.
"""

import html

import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import User
from pilote.conventions import trash
from pilote.conventions.models import Convention, TrashItem, TrashKind
from pilote.governance.models import Body
from pilote.plans.models import PlanNode
from tests.factories import UserFactory, user_with_role
from tests.governance.demo import PAA

pytestmark = pytest.mark.django_db

COORDINATOR, CAF, READER, REFERENT, STRANGER = (
    "cooperation.paa",
    "caf04",
    "lecteur.paa",
    "referent.digne",
    "cooperation.tarnagout",
)


@pytest.fixture
def paa(session_demo_world, db) -> Convention:
    return Convention.objects.get(slug=PAA)


def login(client, username: str) -> User:
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def text(response) -> str:
    return html.unescape(response.content.decode())


def trash_url(convention, name="trash", **kwargs) -> str:
    return reverse(f"conventions:{name}", kwargs={"slug": convention.slug, **kwargs})


def discard_bodies(convention, count: int, user, *, start: int = 0) -> list[TrashItem]:
    items = []
    for n in range(start, start + count):
        body = Body.objects.create(convention=convention, name=f"Commission n° {n + 1}")
        items.append(
            trash.discard(
                body, convention=convention, user=user, kind=TrashKind.BODY, label=body.name
            )
        )
    return items


@pytest.mark.parametrize(
    ("username", "status"),
    [(COORDINATOR, 200), (CAF, 200), (READER, 403), (REFERENT, 403), (STRANGER, 404)],
)
def test_the_trash_is_for_the_editors_of_the_ctg(client, paa, username, status):
    (item,) = discard_bodies(paa, 1, User.objects.get(username=COORDINATOR))
    login(client, username)

    assert client.get(trash_url(paa)).status_code == status
    restore = client.post(trash_url(paa, "trash_restore", pk=item.pk))
    assert restore.status_code == (302 if status == 200 else status)
    assert client.get(trash_url(paa, "trash_purge", pk=item.pk)).status_code in {status, 404}


def test_a_superuser_uses_any_trash(client, paa):
    discard_bodies(paa, 1, None)
    client.force_login(UserFactory(superuser=True))
    assert "Commission n° 1" in text(client.get(trash_url(paa)))


def test_the_item_of_another_ctg_is_not_found(client, paa):
    tarn = Convention.objects.get(slug="tarn-agout-2023-2026")
    (item,) = discard_bodies(tarn, 1, None)
    login(client, CAF)  # Caf 04: PAA, not Tarn-Agout

    assert client.post(trash_url(paa, "trash_restore", pk=item.pk)).status_code == 404
    assert client.get(trash_url(paa, "trash_purge", pk=item.pk)).status_code == 404
    assert TrashItem.objects.filter(pk=item.pk).exists()


def test_the_page_lists_the_items_in_a_fixed_number_of_queries(
    client, paa, django_assert_num_queries
):
    user = login(client, COORDINATOR)
    discard_bodies(paa, 3, user)
    with django_assert_num_queries(6) as few:
        client.get(trash_url(paa))
    discard_bodies(paa, 22, user, start=3)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(trash_url(paa))
    page = text(response)

    assert "25 éléments dans la corbeille – page 1 sur 2" in page
    assert "Commission n° 25" in page  # the latest first
    assert "Commission n° 1<" not in page
    assert "Sarah Fabre" in page
    assert "Supprimé définitivement le" in page
    assert "Commission n° 1" in text(client.get(trash_url(paa) + "?page=2"))


def test_the_ctg_navigation_links_the_trash_for_editors_only(client, paa):
    login(client, COORDINATOR)
    assert trash_url(paa) in text(client.get(paa.get_absolute_url()))
    login(client, READER)
    assert trash_url(paa) not in text(client.get(paa.get_absolute_url()))


def test_deleting_a_fiche_offers_to_undo_and_undo_brings_it_back(client, paa):
    login(client, COORDINATOR)
    fiche = PlanNode.objects.filter(convention=paa, children__isnull=False).order_by("pk").last()
    pk, count = fiche.pk, PlanNode.objects.filter(convention=paa).count()
    tree = reverse("plans:tree", kwargs={"slug": paa.slug})

    page = client.post(reverse("plans:delete", kwargs={"slug": paa.slug, "pk": pk}), follow=True)

    item = TrashItem.objects.get(convention=paa)
    undo = trash_url(paa, "trash_restore", pk=item.pk)
    assert "placés dans la corbeille (30 jours)." in text(page)
    assert f'action="{undo}"' in text(page)
    assert not PlanNode.objects.filter(pk=pk).exists()

    response = client.post(undo, {"next": tree})

    assert response.status_code == 302
    assert response["Location"] == tree
    assert PlanNode.objects.filter(convention=paa).count() == count
    assert not TrashItem.objects.filter(pk=item.pk).exists()
    assert "restauré" in text(client.get(tree))


def test_undo_never_sends_elsewhere(client, paa):
    user = login(client, COORDINATOR)
    (item,) = discard_bodies(paa, 1, user)
    response = client.post(
        trash_url(paa, "trash_restore", pk=item.pk), {"next": "https://exemple.org/"}
    )
    assert response["Location"] == trash_url(paa)


def test_a_refused_restore_says_why_and_keeps_the_item(client, paa):
    user = login(client, COORDINATOR)
    (item,) = discard_bodies(paa, 1, user)
    # The body's row number is taken meanwhile: refused with a message, nothing restored.
    payload = trash.core_trash.unpack(item.payload)
    Body.objects.create(convention=paa, name="Prise", pk=payload["root"][1])

    response = client.post(trash_url(paa, "trash_restore", pk=item.pk), follow=True)

    assert "Impossible de restaurer : instance « Prise » existe déjà." in text(response)
    assert TrashItem.objects.filter(pk=item.pk).exists()


def test_purging_asks_first_then_deletes_for_good(client, paa):
    user = login(client, COORDINATOR)
    (item,) = discard_bodies(paa, 1, user)
    address = trash_url(paa, "trash_purge", pk=item.pk)

    page = text(client.get(address))
    assert "Supprimer définitivement « Commission n° 1 » ?" in page
    assert "ne pourra pas être annulée" in page
    response = client.post(address, follow=True)

    assert "Instance « Commission n° 1 » : supprimé définitivement." in text(response)
    assert not TrashItem.objects.exists()


# --------------------------------------------------------------------------- deleting the CTG


@pytest.mark.parametrize(
    ("username", "status"),
    [(COORDINATOR, 403), (CAF, 200), ("conseiller.caf", 200), (READER, 403), (STRANGER, 404)],
)
def test_only_the_caf_adviser_deletes_the_ctg(client, paa, username, status):
    login(client, username)
    address = trash_url(paa, "delete")
    assert client.get(address).status_code == status
    if status != 200:
        assert client.post(address, {"name": paa.name}).status_code == status
        assert Convention.objects.filter(pk=paa.pk).exists()


def test_the_deletion_page_offers_the_archive_first_and_says_what_goes(client, paa):
    login(client, CAF)
    page = text(client.get(trash_url(paa, "delete")))

    archive = reverse("conventions:archive", kwargs={"slug": paa.slug})
    assert page.index(archive) < page.index("Avec elle partent")
    assert "Éléments du plan :" in page
    assert "Points de suivi :" in page
    assert f"saisissez le nom de la CTG : « {paa.name} »" in page


def test_a_wrong_name_deletes_nothing(client, paa):
    login(client, CAF)
    response = client.post(trash_url(paa, "delete"), {"name": "CTG PAA"})

    assert response.status_code == 400
    assert "Le nom saisi ne correspond pas au nom de la CTG : rien n'a été supprimé." in text(
        response
    )
    assert Convention.objects.filter(pk=paa.pk).exists()


def test_a_deleted_ctg_is_listed_for_its_caf_and_restored_whole(client, paa):
    login(client, CAF)
    nodes = PlanNode.objects.filter(convention=paa).count()

    response = client.post(trash_url(paa, "delete"), {"name": f"  {paa.name} "}, follow=True)

    assert not Convention.objects.filter(pk=paa.pk).exists()
    item = TrashItem.objects.get(kind=TrashKind.CONVENTION)
    assert f"La CTG « {paa.name} » a été placée dans la corbeille (30 jours)." in text(response)
    assert reverse("conventions:deleted_restore", kwargs={"pk": item.pk}) in text(response)
    listed = text(client.get(reverse("conventions:deleted")))
    assert paa.name in listed
    assert "Alpes-de-Haute-Provence" in listed

    other_caf = user_with_role(Role.CAF_ADVISER, departement_code="13")
    client.force_login(other_caf)
    assert paa.name not in text(client.get(reverse("conventions:deleted")))
    restore = reverse("conventions:deleted_restore", kwargs={"pk": item.pk})
    assert client.post(restore).status_code == 404
    login(client, COORDINATOR)
    assert client.get(reverse("conventions:deleted")).status_code == 403

    login(client, CAF)
    response = client.post(restore)

    assert response["Location"] == paa.get_absolute_url()
    assert PlanNode.objects.filter(convention_id=paa.pk).count() == nodes


def test_the_list_of_ctgs_links_the_deleted_ones_for_caf_advisers(client, paa):
    login(client, CAF)
    assert reverse("conventions:deleted") in text(client.get(reverse("conventions:list")))
    login(client, COORDINATOR)
    assert reverse("conventions:deleted") not in text(client.get(reverse("conventions:list")))


def test_the_deleted_ctgs_page_takes_a_fixed_number_of_queries(
    client, paa, django_assert_num_queries
):
    user = login(client, "conseiller.caf")  # Caf 04, 13 and 81: the three demo CTGs
    trash.discard_convention(paa, user=user)
    with django_assert_num_queries(5) as few:
        client.get(reverse("conventions:deleted"))
    for slug in ("tarn-agout-2023-2026", "pays-salonais-2025-2028"):
        trash.discard_convention(Convention.objects.get(slug=slug), user=user)
    with django_assert_num_queries(len(few.captured_queries)):
        page = text(client.get(reverse("conventions:deleted")))
    assert "3 éléments dans la corbeille" in page
    assert "Tarn" in page


def test_deletions_restorations_and_purges_are_in_the_journal(db):
    from pilote.accounts.enums import AuditAction
    from pilote.accounts.models import AuditEvent
    from pilote.conventions import trash
    from pilote.conventions.models import TrashKind
    from tests.factories import ConventionFactory, PlanNodeFactory, UserFactory

    convention = ConventionFactory()
    user = UserFactory(first_name="Sarah", last_name="Fabre")
    node = PlanNodeFactory(convention=convention, number="1", title="Axe 1")
    item = trash.discard(node, convention=convention, user=user, kind=TrashKind.NODE, label="Axe 1")
    trash.restore_item(item, user)
    node = convention.plan_nodes.get()
    again = trash.discard(
        node, convention=convention, user=user, kind=TrashKind.NODE, label="Axe 1"
    )
    trash.purge_item(again, user)

    events = AuditEvent.objects.filter(convention=convention).order_by("pk")
    assert [e.action for e in events] == [
        AuditAction.DELETED,
        AuditAction.RESTORED,
        AuditAction.DELETED,
        AuditAction.DELETED,
    ]
    assert {e.target for e in events} == {"Axe 1"}
    assert events.last().details == {"kind": TrashKind.NODE, "definitive": True}
    assert all(e.user == user for e in events)
