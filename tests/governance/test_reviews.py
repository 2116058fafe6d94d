"""Bilans: preparation, closing (frozen content), comparison with the previous one, pages."""

import pytest
from django.urls import reverse

from pilote.conventions.models import Convention
from pilote.governance.bilans.services import (
    ReviewData,
    ReviewTexts,
    close_review,
    create_review,
    delete_review,
    previous_review,
    review_content,
    update_review,
)
from pilote.governance.enums import ReviewKind, ReviewStatus
from pilote.governance.exceptions import GovernanceError
from pilote.governance.models import Review
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate
from pilote.monitoring.services import record_update

from .demo import PAA, TARN

pytestmark = pytest.mark.django_db


@pytest.fixture
def tarn(world):
    return Convention.objects.select_related("departement", "epci").get(slug=TARN)


@pytest.fixture
def coordinator(user_named):
    return user_named("cooperation.tarnagout")


def _open_action(convention):
    """Return a tracked action of the CTG whose latest 2025 status is not réalisée."""
    for update in ActionUpdate.objects.filter(convention=convention, year=2025).order_by(
        "-quarter", "node_id"
    ):
        if update.status == UpdateStatus.IN_PROGRESS:
            return update.node
    raise AssertionError("the demo has an action in progress in 2025")


def test_coordinator_prepares_a_bilan_with_texts(tarn, coordinator):
    review = create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.ANNUAL, 2025))
    update_review(
        review,
        by=coordinator,
        texts=ReviewTexts(summary="  Une année de mise en œuvre.  ", outlook="Bilan final."),
        meeting_id=None,
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert review.summary == "Une année de mise en œuvre."
    content = review_content(review)
    assert content["texts"]["summary"] == "Une année de mise en œuvre."
    assert content["title"] == "Bilan annuel 2025 – " + tarn.name
    assert content["status"] == ReviewStatus.DRAFT


@pytest.mark.parametrize(
    ("kind", "year", "field", "message"),
    [
        ("semestriel", 2025, "kind", "Choisissez le type de bilan."),
        (
            ReviewKind.ANNUAL,
            2031,
            "year",
            "L'année doit être dans la période de la CTG (2023 à 2026).",
        ),
    ],
)
def test_bilan_with_a_wrong_kind_or_year_is_refused(tarn, coordinator, kind, year, field, message):
    with pytest.raises(GovernanceError) as error:
        create_review(tarn, by=coordinator, data=ReviewData(kind, year))
    assert (error.value.field, error.value.message) == (field, message)
    assert not Review.objects.filter(convention=tarn).exists()


def test_a_second_bilan_of_the_same_kind_and_year_is_refused(tarn, coordinator):
    create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.MIDTERM, 2024))
    with pytest.raises(GovernanceError, match="Un bilan intermédiaire 2024 existe déjà"):
        create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.MIDTERM, 2024))
    assert Review.objects.filter(convention=tarn).count() == 1


@pytest.mark.parametrize("username", ["referent.digne", "lecteur.paa", "cooperation.paa"])
def test_only_the_coordination_and_the_caf_prepare_bilans(tarn, user_named, username):
    with pytest.raises(GovernanceError, match="pas le droit"):
        create_review(tarn, by=user_named(username), data=ReviewData(ReviewKind.ANNUAL, 2025))


def test_meeting_of_another_ctg_is_refused(tarn, coordinator, user_named):
    from pilote.governance.models import Body, Meeting

    paa = Convention.objects.get(slug=PAA)
    body = Body.objects.create(convention=paa, kind="copil", name="COPIL PAA")
    meeting = Meeting.objects.create(convention=paa, body=body, kind="autre", date="2026-06-11")
    with pytest.raises(GovernanceError, match="n'appartient pas à la CTG"):
        create_review(
            tarn,
            by=coordinator,
            data=ReviewData(ReviewKind.ANNUAL, 2025, meeting_id=meeting.pk),
        )


def test_closing_freezes_statuses_updates_and_texts(tarn, coordinator):
    review = create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.ANNUAL, 2025))
    update_review(review, by=coordinator, texts=ReviewTexts(summary="Avant."), meeting_id=None)
    action = _open_action(tarn)
    close_review(review, by=coordinator)
    review.refresh_from_db()
    frozen = review.snapshot
    assert review.status == ReviewStatus.CLOSED
    assert frozen["status"] == ReviewStatus.CLOSED
    assert frozen["closed_by"] == "Julien Roux"
    row = next(r for r in frozen["plan"] if r["key"] == action.pk)
    assert row["status"] == UpdateStatus.IN_PROGRESS

    # The plan moves on after the COPIL: a late 2025 update, a new title.
    record_update(
        action,
        by=coordinator,
        year=2025,
        quarter=4,
        status=UpdateStatus.DONE,
        progress=100,
        done="Terminé après le COPIL.",
    )
    action.title = "Un autre intitulé"
    action.save()

    again = review_content(Review.objects.get(pk=review.pk))
    assert again == frozen
    row = next(r for r in again["plan"] if r["key"] == action.pk)
    assert (row["status"], row["title"]) != (UpdateStatus.DONE, "Un autre intitulé")


def test_a_closed_bilan_can_be_neither_changed_nor_deleted(tarn, coordinator):
    review = create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.ANNUAL, 2025))
    close_review(review, by=coordinator)
    with pytest.raises(GovernanceError, match="figé"):
        update_review(review, by=coordinator, texts=ReviewTexts(summary="x"), meeting_id=None)
    with pytest.raises(GovernanceError, match="figé"):
        delete_review(review, by=coordinator)
    with pytest.raises(GovernanceError, match="figé"):
        close_review(review, by=coordinator)
    assert Review.objects.get(pk=review.pk).summary == ""


def test_a_draft_bilan_follows_the_plan_until_it_is_closed(tarn, coordinator):
    review = create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.ANNUAL, 2025))
    action = _open_action(tarn)
    record_update(
        action, by=coordinator, year=2025, quarter=4, status=UpdateStatus.DONE, progress=100
    )
    row = next(r for r in review_content(review)["plan"] if r["key"] == action.pk)
    assert (row["status"], row["progress"]) == (UpdateStatus.DONE, 100)


def test_updates_after_the_bilan_year_are_left_out(tarn, coordinator):
    action = _open_action(tarn)
    record_update(
        action, by=coordinator, year=2026, quarter=1, status=UpdateStatus.ABANDONED, progress=0
    )
    review = create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.ANNUAL, 2025))
    row = next(r for r in review_content(review)["plan"] if r["key"] == action.pk)
    assert row["status"] == UpdateStatus.IN_PROGRESS
    assert row["update"]["year"] == 2025


def test_next_bilan_says_what_moved_since_the_previous_one(tarn, coordinator):
    first = create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.ANNUAL, 2025))
    close_review(first, by=coordinator)
    action = _open_action(tarn)
    record_update(
        action, by=coordinator, year=2026, quarter=2, status=UpdateStatus.DONE, progress=100
    )
    final = create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.FINAL, 2026))
    assert previous_review(final) == first
    comparison = review_content(final)["comparison"]
    assert comparison["previous"]["title"] == f"Bilan annuel 2025 – {tarn.name}"
    change = next(c for c in comparison["status_changes"] if c["action"].startswith(action.number))
    assert (change["before"], change["after"]) == ("En cours", "Réalisée")
    assert comparison["done_after"] > comparison["done_before"]

    # Closed, the final bilan keeps the comparison it was closed with.
    close_review(final, by=coordinator)
    final.refresh_from_db()
    assert final.snapshot["comparison"] == comparison | {}
    assert previous_review(final) == first


def test_first_bilan_has_no_comparison(tarn, coordinator):
    review = create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.ANNUAL, 2024))
    assert review_content(review)["comparison"] is None


# --- Pages ------------------------------------------------------------------------------------


def _urls(slug: str, pk: int) -> dict[str, str]:
    return {
        "list": reverse("governance:reviews", kwargs={"slug": slug}),
        "create": reverse("governance:review_create", kwargs={"slug": slug}),
        "detail": reverse("governance:review", kwargs={"slug": slug, "pk": pk}),
        "close": reverse("governance:review_close", kwargs={"slug": slug, "pk": pk}),
        "delete": reverse("governance:review_delete", kwargs={"slug": slug, "pk": pk}),
    }


@pytest.fixture
def draft(tarn, coordinator):
    return create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.ANNUAL, 2025))


@pytest.mark.parametrize(
    ("username", "read", "write"),
    [
        ("caf04", 404, 404),  # Caf adviser of another département
        ("conseiller.caf", 200, 200),  # Caf adviser of the Tarn (and two others)
        ("cooperation.paa", 404, 404),  # coordinator of another CTG
        ("cooperation.tarnagout", 200, 200),
    ],
)
def test_pages_are_scoped_to_the_ctg(client, tarn, draft, user_named, username, read, write):
    client.force_login(user_named(username))
    urls = _urls(tarn.slug, draft.pk)
    assert client.get(urls["list"]).status_code == read
    assert client.get(urls["detail"]).status_code == read
    assert client.get(urls["close"]).status_code == write
    assert client.get(urls["create"]).status_code == write


def test_reader_sees_bilans_but_cannot_prepare_or_close_them(client, tarn, draft):
    from pilote.accounts.enums import Role
    from pilote.accounts.models import Membership, User

    reader = User.objects.create(username="lecteur.tarn")
    Membership.objects.create(user=reader, role=Role.READER, convention=tarn)
    client.force_login(reader)
    urls = _urls(tarn.slug, draft.pk)
    page = client.get(urls["detail"])
    assert page.status_code == 200
    assert "Enregistrer les textes" not in page.content.decode()
    assert client.post(urls["detail"], {"summary": "x"}).status_code == 403
    assert client.post(urls["close"]).status_code == 403
    assert client.post(urls["create"], {"kind": "annuel", "year": 2024}).status_code == 403
    assert client.post(urls["delete"]).status_code == 403
    assert Review.objects.get(pk=draft.pk).status == ReviewStatus.DRAFT


def test_anonymous_visitor_is_sent_to_the_login_page(client, tarn, draft):
    for url in _urls(tarn.slug, draft.pk).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_coordinator_prepares_writes_and_closes_a_bilan_in_the_browser(client, tarn, coordinator):
    client.force_login(coordinator)
    response = client.post(
        _urls(tarn.slug, 0)["create"], {"kind": "annuel", "year": "2025", "meeting": ""}
    )
    review = Review.objects.get(convention=tarn, kind="annuel", year=2025)
    assert response.url == review.get_absolute_url()
    urls = _urls(tarn.slug, review.pk)
    page = client.get(urls["detail"]).content.decode()
    assert "Bilan en préparation" in page
    response = client.post(
        urls["detail"],
        {"summary": "Synthèse du COPIL.", "highlights": "", "difficulties": "", "outlook": ""},
    )
    assert response.status_code == 302
    assert "Figer le bilan enregistre" in client.get(urls["close"]).content.decode()
    client.post(urls["close"])
    review.refresh_from_db()
    assert review.is_closed
    assert review.snapshot["texts"]["summary"] == "Synthèse du COPIL."
    page = client.get(urls["detail"]).content.decode()
    assert "Bilan figé le" in page
    assert "Enregistrer les textes" not in page
    # A POST to a closed bilan changes nothing.
    client.post(urls["detail"], {"summary": "Après coup."})
    assert Review.objects.get(pk=review.pk).summary == "Synthèse du COPIL."


def test_duplicate_bilan_form_says_why(client, tarn, draft, coordinator):
    client.force_login(coordinator)
    response = client.post(
        _urls(tarn.slug, draft.pk)["create"], {"kind": "annuel", "year": "2025", "meeting": ""}
    )
    assert response.status_code == 200
    assert "Un bilan annuel 2025 existe déjà pour cette CTG." in response.content.decode()


def test_draft_is_deleted_after_confirmation(client, tarn, draft, coordinator):
    client.force_login(coordinator)
    urls = _urls(tarn.slug, draft.pk)
    assert "seront supprimés" in client.get(urls["delete"]).content.decode()
    assert client.post(urls["delete"]).url == urls["list"]
    assert not Review.objects.filter(pk=draft.pk).exists()


def test_list_page_reads_a_fixed_number_of_queries(
    client, tarn, coordinator, django_assert_max_num_queries
):
    for year in (2023, 2024, 2025):
        review = create_review(tarn, by=coordinator, data=ReviewData(ReviewKind.ANNUAL, year))
        close_review(review, by=coordinator)
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("governance:reviews", kwargs={"slug": tarn.slug}))
    assert page.content.decode().count("Figé le") == 3


@pytest.mark.parametrize("slug", [PAA, TARN])
def test_bilan_content_is_read_in_a_bounded_number_of_queries(
    world, slug, django_assert_max_num_queries
):
    from pilote.governance.bilans.content import build_bilan

    convention = Convention.objects.select_related("departement", "epci").get(slug=slug)
    with django_assert_max_num_queries(32):
        content = build_bilan(convention, kind=ReviewKind.ANNUAL, year=convention.years[-1])
    assert len(content["plan"]) == convention.plan_nodes.count()
