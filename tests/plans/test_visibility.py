"""Internal items (issue 13, item 4): an internal plan element, follow-up point or attachment is
seen by the CTG's Caf adviser and coordinator only, on every page, count and export; never in a
bilan, on the public page or through a partner link (pilote.plans.visibility).
"""

import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilote.accounts.enums import AuditAction, Role
from pilote.accounts.models import AuditEvent, Membership, Organisation
from pilote.conventions.models import Convention
from pilote.core.history import acting_as
from pilote.governance.bilans.content import build_bilan
from pilote.governance.bilans.services import ReviewData, create_review
from pilote.governance.enums import ReviewKind
from pilote.monitoring.dashboard import build_dashboard
from pilote.monitoring.enums import UpdateStatus
from pilote.monitoring.models import ActionUpdate, UpdateAttachment
from pilote.monitoring.periods import Quarter
from pilote.monitoring.reminders import actions_to_update
from pilote.monitoring.services import FollowUpError, record_update
from pilote.plans.internal import set_node_internal
from pilote.plans.models import PlanNode
from pilote.plans.node_data import PlanError
from pilote.plans.services import NodeData, create_node, move_node
from tests.factories import (
    ConventionFactory,
    PlanNodeFactory,
    UserFactory,
    indicator,
    partner_link,
    tracked_action,
    user_with_role,
)

pytestmark = pytest.mark.django_db

PUBLIC_TITLE = "Guichet unique des familles"
INTERNAL_TITLE = "Mediation confidentielle Zephyrin"
INTERNAL_CHILD = "Accompagnement discret Quirinal"
INTERNAL_NOTE = "Remarque reservee Oberkampf"
PUBLIC_NOTE = "Comite technique reuni en septembre"
INTERNAL_FILE = "note-interne-Valparaiso.pdf"
PUBLIC_FILE = "compte-rendu-comite.pdf"
INTERNAL_INDICATOR = "Indicateur secret Ulan-Bator"
SECRETS = [INTERNAL_TITLE, INTERNAL_CHILD, INTERNAL_NOTE, INTERNAL_FILE, INTERNAL_INDICATOR]
EDITORS = ["caf", "coordinator"]
OTHERS = ["referent", "reader"]


@pytest.fixture
def ctg():
    """A published CTG whose plan holds a public action and internal items of every kind."""
    convention = ConventionFactory()
    Convention.objects.filter(pk=convention.pk).update(is_public=True, published_at=timezone.now())
    convention.refresh_from_db()
    public = tracked_action(convention, title=PUBLIC_TITLE)
    fiche, axe = public.parent, public.parent.parent
    pilot = Organisation.objects.create(name="CCAS de Digne-les-Bains")
    secret = PlanNodeFactory(
        convention=convention, parent=fiche, number="1.1.2", title=INTERNAL_TITLE
    )
    secret.pilots.set([pilot])
    public.pilots.set([pilot])
    hidden_fiche = PlanNodeFactory(convention=convention, parent=axe, number="1.2", title="Fiche")
    child = PlanNodeFactory(
        convention=convention, parent=hidden_fiche, number="1.2.1", title=INTERNAL_CHILD
    )
    users = {
        "caf": user_with_role(Role.CAF_ADVISER),
        "coordinator": user_with_role(Role.COORDINATOR, convention=convention),
        "reader": user_with_role(Role.READER, convention=convention),
    }
    users["referent"] = UserFactory()
    Membership.objects.create(
        user=users["referent"], role=Role.REFERENT, convention=convention, organisation=pilot
    )
    coordinator = users["coordinator"]
    set_node_internal(secret, by=coordinator, internal=True)
    set_node_internal(hidden_fiche, by=coordinator, internal=True)
    with acting_as(coordinator):
        shared = record_update(
            public,
            by=coordinator,
            year=2026,
            quarter=3,
            status="en_cours",
            progress=40,
            done=PUBLIC_NOTE,
        )
        record_update(
            public,
            by=coordinator,
            year=2026,
            quarter=4,
            status="en_cours",
            progress=60,
            done=INTERNAL_NOTE,
            is_internal=True,
        )
        record_update(
            secret,
            by=coordinator,
            year=2026,
            quarter=3,
            status="en_cours",
            progress=10,
            done="Premier point",
        )
    for name, internal in ((PUBLIC_FILE, False), (INTERNAL_FILE, True)):
        UpdateAttachment.objects.create(
            update=shared, name=name, size=12, is_internal=internal, file=f"suivi/{name}"
        )
    indicator(secret, name=INTERNAL_INDICATOR)
    return {
        "convention": convention,
        "public": public,
        "secret": secret,
        "child": PlanNode.objects.get(pk=child.pk),
        "users": users,
    }


def _text(response) -> str:
    """Return what a page or a download says, whatever its format."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return content.decode("utf-8-sig")


def _surfaces(ctg) -> dict[str, tuple[str, list[str]]]:
    """Return each surface's URL and the secrets an editor finds there."""
    slug, public, secret = ctg["convention"].slug, ctg["public"], ctg["secret"]
    exports = {
        f"{table}_{ext}": reverse(f"reports:{table}_{ext}", kwargs={"slug": slug})
        for table in ("plan", "suivi")
        for ext in ("csv", "xlsx", "ods")
    }
    plan_secrets = [INTERNAL_TITLE, INTERNAL_CHILD, INTERNAL_INDICATOR]
    return {
        "plan page": (reverse("plans:tree", kwargs={"slug": slug}), [INTERNAL_TITLE]),
        "search": (reverse("plans:search", kwargs={"slug": slug}), [INTERNAL_CHILD]),
        "action page": (
            reverse("plans:node", kwargs={"slug": slug, "pk": public.pk}),
            [INTERNAL_NOTE, INTERNAL_FILE],
        ),
        "follow-up table": (
            reverse("monitoring:followup", kwargs={"slug": slug}),
            [INTERNAL_TITLE],
        ),
        "follow-up export": (
            reverse("monitoring:followup_export", kwargs={"slug": slug}),
            [INTERNAL_TITLE, INTERNAL_NOTE],
        ),
        "dashboard": (reverse("monitoring:dashboard", kwargs={"slug": slug}), []),
        "timeline": (reverse("monitoring:timeline", kwargs={"slug": slug}), [INTERNAL_TITLE]),
        "indicators": (
            reverse("monitoring:indicators", kwargs={"slug": slug}),
            [INTERNAL_INDICATOR],
        ),
        "brief": (reverse("conventions:brief", kwargs={"slug": slug}), []),
        "summary": (reverse("conventions:detail", kwargs={"slug": slug}), []),
        "plan_csv": (exports["plan_csv"], plan_secrets),
        "plan_xlsx": (exports["plan_xlsx"], plan_secrets),
        "plan_ods": (exports["plan_ods"], plan_secrets),
        "suivi_csv": (exports["suivi_csv"], [INTERNAL_TITLE, INTERNAL_NOTE]),
        "suivi_xlsx": (exports["suivi_xlsx"], [INTERNAL_TITLE, INTERNAL_NOTE]),
        "suivi_ods": (exports["suivi_ods"], [INTERNAL_TITLE, INTERNAL_NOTE]),
        "plan docx": (reverse("reports:plan_docx", kwargs={"slug": slug}), plan_secrets),
        "json export": (
            reverse("conventions:export", kwargs={"slug": slug}),
            [INTERNAL_TITLE, INTERNAL_CHILD, INTERNAL_NOTE, INTERNAL_FILE, INTERNAL_INDICATOR],
        ),
        "open data": (reverse("reports:opendata", kwargs={"slug": slug}), []),
        "secret's page": (reverse("plans:node", kwargs={"slug": slug, "pk": secret.pk}), []),
    }


@pytest.mark.parametrize("role", EDITORS + OTHERS)
def test_each_surface_shows_internal_items_to_the_editors_only(client, ctg, role):
    client.force_login(ctg["users"][role])
    for surface, (url, editor_secrets) in _surfaces(ctg).items():
        response = client.get(url)
        if surface == "secret's page":
            assert response.status_code == (200 if role in EDITORS else 404), surface
            continue
        assert response.status_code == 200, surface
        text = _text(response)
        if role in EDITORS:
            for secret in editor_secrets:
                assert secret in text, f"{surface}: {secret} missing for {role}"
        else:
            leaked = [secret for secret in SECRETS if secret in text]
            assert not leaked, f"{surface} shows {leaked} to {role}"
    if role not in EDITORS:
        # The public items are still there: the filter hides the internal ones only.
        page = client.get(
            reverse("plans:node", kwargs={"slug": ctg["convention"].slug, "pk": ctg["public"].pk})
        )
        assert PUBLIC_NOTE in page.content.decode()
        assert PUBLIC_FILE in page.content.decode()


def test_the_internal_badge_marks_internal_items_for_editors(client, ctg):
    client.force_login(ctg["users"]["coordinator"])
    slug = ctg["convention"].slug
    tree = client.get(reverse("plans:tree", kwargs={"slug": slug})).content.decode()
    node = client.get(
        reverse("plans:node", kwargs={"slug": slug, "pk": ctg["public"].pk})
    ).content.decode()
    assert tree.count(">Interne</span>") == 3  # the action, the fiche and its child
    assert node.count(">Interne</span>") == 2  # the internal point and the internal file


@pytest.mark.parametrize("role", OTHERS)
def test_a_non_editor_cannot_reach_an_internal_item_by_its_address(client, ctg, role):
    client.force_login(ctg["users"][role])
    slug, secret = ctg["convention"].slug, ctg["secret"]
    internal_file = UpdateAttachment.objects.get(name=INTERNAL_FILE)
    indicator_pk = secret.indicators.get().pk
    for url in (
        reverse("plans:node", kwargs={"slug": slug, "pk": ctg["child"].pk}),
        reverse("monitoring:update", kwargs={"slug": slug, "pk": secret.pk}),
        reverse("monitoring:indicator", kwargs={"slug": slug, "pk": indicator_pk}),
        reverse("monitoring:attachment", kwargs={"slug": slug, "pk": internal_file.pk}),
    ):
        assert client.get(url).status_code == 404, url


def test_dashboard_counts_do_not_reveal_internal_actions(ctg):
    convention = ctg["convention"]
    editor = build_dashboard(convention, include_internal=True, now=Quarter(2026, 4))
    other = build_dashboard(convention, include_internal=False, now=Quarter(2026, 4))
    assert (editor.action_count, other.action_count) == (3, 1)
    assert (editor.indicator_count, other.indicator_count) == (1, 0)
    # The latest point a non-editor sees is the latest public one.
    assert other.overall.progress_sum == 40
    assert editor.overall.progress_sum == 60 + 10


@pytest.mark.parametrize("kind", ["public page", "partner link"])
def test_anonymous_pages_never_show_internal_items(client, ctg, kind):
    if kind == "public page":
        url = reverse("public:convention", kwargs={"slug": ctg["convention"].slug})
    else:
        # Named by the link before the action became internal: the link no longer shows it.
        _link, token = partner_link([ctg["public"], ctg["secret"]])
        url = reverse("monitoring:partner_form", kwargs={"token": token})
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert PUBLIC_TITLE in text
    assert not [secret for secret in SECRETS if secret in text]


def test_a_bilan_never_holds_internal_items_even_made_by_an_editor(client, ctg):
    convention, coordinator = ctg["convention"], ctg["users"]["coordinator"]
    content = json.dumps(build_bilan(convention, kind=ReviewKind.ANNUAL, year=2026))
    assert PUBLIC_TITLE in content
    assert not [secret for secret in SECRETS if secret in content]
    review = create_review(convention, by=coordinator, data=ReviewData(ReviewKind.ANNUAL, 2026))
    client.force_login(coordinator)
    for fmt in ("docx", "odt", "pptx"):
        url = reverse(
            "governance:review_download",
            kwargs={"slug": convention.slug, "pk": review.pk, "fmt": fmt},
        )
        response = client.get(url)
        assert response.status_code == 200, fmt
        text = _text(response)
        assert not [secret for secret in SECRETS if secret in text], fmt


def test_history_of_internal_items_is_for_the_editors_alone(client, ctg):
    url = reverse("monitoring:history", kwargs={"slug": ctg["convention"].slug})
    client.force_login(ctg["users"]["coordinator"])
    assert INTERNAL_TITLE in client.get(url).content.decode()
    for role in OTHERS:
        client.force_login(ctg["users"][role])
        assert client.get(url).status_code in (403, 404)


def test_the_referent_piloting_an_internal_action_gets_no_reminder_for_it(ctg):
    pending = actions_to_update(ctg["convention"], Quarter(2026, 4))
    assert ctg["secret"] not in pending
    assert ctg["child"] not in pending


# The rule kept by the services ------------------------------------------------------------------


def test_marking_an_element_internal_marks_its_subtree_with_history(ctg):
    axe = ctg["public"].parent.parent
    set_node_internal(axe, by=ctg["users"]["caf"], internal=True)
    assert set(
        PlanNode.objects.filter(convention=ctg["convention"]).values_list("is_internal", flat=True)
    ) == {True}
    # Each element changed has its history line saying so.
    assert ctg["public"].history.first().is_internal


def test_an_element_under_an_internal_parent_cannot_leave_the_internal_items(ctg):
    with pytest.raises(PlanError, match="est interne"):
        set_node_internal(ctg["child"], by=ctg["users"]["coordinator"], internal=False)


def test_a_new_or_moved_element_under_an_internal_one_is_internal(ctg):
    convention = ctg["convention"]
    level = convention.levels.order_by("position").last()
    added = create_node(
        convention,
        by=ctg["users"]["coordinator"],
        parent=ctg["child"].parent,
        data=NodeData(level=level, title="Ajout", is_internal=False),
    )
    assert added.is_internal
    moved = move_node(ctg["public"], new_parent=ctg["child"].parent)
    assert moved.is_internal
    # Its follow-up went with it: a non-editor no longer sees any of its points.
    assert not ActionUpdate.objects.filter(node=moved).public().exists()


def test_each_change_of_the_internal_marker_goes_to_the_journal(ctg):
    convention, caf = ctg["convention"], ctg["users"]["caf"]
    # The fixture marked two elements: the secret action and a fiche with its action.
    marked = AuditEvent.objects.filter(convention=convention, action=AuditAction.MARKED_INTERNAL)
    assert sorted(event.details["éléments"] for event in marked) == [1, 2]
    axe = ctg["public"].parent.parent
    still_public = PlanNode.objects.filter(convention=convention, is_internal=False).count()
    set_node_internal(axe, by=caf, internal=True)
    event = AuditEvent.objects.filter(action=AuditAction.MARKED_INTERNAL).latest("pk")
    assert (event.user, event.convention, event.target) == (caf, convention, str(axe))
    assert event.details == {"éléments": still_public}  # those it moved in, the axe included
    # A refused change leaves no line.
    count = AuditEvent.objects.count()
    with pytest.raises(PlanError):
        set_node_internal(ctg["child"], by=caf, internal=False)
    assert AuditEvent.objects.count() == count
    set_node_internal(axe, by=caf, internal=False)
    shared = AuditEvent.objects.get(action=AuditAction.MARKED_SHARED)
    assert (shared.user, shared.target) == (caf, str(axe))
    # A move under an internal element names who moved it.
    set_node_internal(ctg["child"].parent, by=caf, internal=True)
    coordinator = ctg["users"]["coordinator"]
    # (ctg["child"].parent is the copy read before it was marked: the move reads it again.)
    assert move_node(ctg["public"], new_parent=ctg["child"].parent, by=coordinator).is_internal
    moved = AuditEvent.objects.filter(action=AuditAction.MARKED_INTERNAL).latest("pk")
    assert (moved.user, moved.target) == (coordinator, str(ctg["public"]))


def test_the_fiche_form_says_what_unticking_internal_shows_to_everyone(client, ctg):
    client.force_login(ctg["users"]["coordinator"])
    convention = ctg["convention"]

    def edit_page(node) -> str:
        url = reverse("plans:edit", kwargs={"slug": convention.slug, "pk": node.pk})
        return _text(client.get(url))

    warning = "Décocher rend aussi visible de tous son sous-élément"
    assert warning in edit_page(ctg["child"].parent)  # an internal fiche and its action
    assert "Décocher rend aussi" not in edit_page(ctg["child"])  # internal, nothing under it
    assert "Décocher rend aussi" not in edit_page(ctg["public"].parent)  # not internal
    axe = ctg["public"].parent.parent
    set_node_internal(axe, by=ctg["users"]["coordinator"], internal=True)
    assert "Décocher rend aussi visibles de tous ses 5 sous-éléments" in edit_page(axe)


def test_only_editors_record_an_internal_point(ctg):
    referent, public = ctg["users"]["referent"], ctg["public"]
    with pytest.raises(FollowUpError, match="Seules la Caf et la coordination"):
        record_update(
            public,
            by=referent,
            year=2026,
            quarter=4,
            status=UpdateStatus.IN_PROGRESS,
            progress=70,
            is_internal=True,
        )
    assert not ActionUpdate.objects.filter(progress=70).exists()


def test_a_partner_link_cannot_name_an_internal_action(ctg):
    from pilote.monitoring.partners.services import PartnerError, create_link

    with pytest.raises(PartnerError, match="est interne"):
        create_link(
            ctg["convention"],
            by=ctg["users"]["coordinator"],
            recipient_name="Claire Martin",
            email="claire.martin@ccas-digne.fr",
            actions=[ctg["secret"]],
            quarter=Quarter(2026, 4),
            days=10,
            base_url="https://pilote.example.fr",
        )


# Query counts ------------------------------------------------------------------------------------


def test_reader_pages_cost_the_same_queries_whatever_the_number_of_internal_items(client, ctg):
    convention, reader = ctg["convention"], ctg["users"]["reader"]
    client.force_login(reader)
    urls = [
        reverse("plans:tree", kwargs={"slug": convention.slug}),
        reverse("monitoring:followup", kwargs={"slug": convention.slug}),
        reverse("plans:node", kwargs={"slug": convention.slug, "pk": ctg["public"].pk}),
    ]

    def counts() -> list[int]:
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for number in range(5):
        node = PlanNodeFactory(
            convention=convention, parent=ctg["secret"].parent, title=f"Autre {number}"
        )
        set_node_internal(node, by=ctg["users"]["coordinator"], internal=True)
        update = ActionUpdate.objects.create(
            convention=convention,
            node=ctg["public"],
            year=2026,
            quarter=4,
            status=UpdateStatus.IN_PROGRESS,
            progress=number,
            is_internal=True,
        )
        UpdateAttachment.objects.create(update=update, name=f"n{number}.pdf", size=1, file="x")
    assert counts() == before


@pytest.mark.parametrize("role", ["coordinator", "reader"])
def test_a_meeting_names_an_internal_action_to_the_editors_only(client, ctg, role):
    from pilote.governance.enums import BodyKind, DecisionKind, MeetingKind
    from pilote.governance.models import Body, Decision, Meeting

    convention = ctg["convention"]
    body = Body.objects.create(convention=convention, kind=BodyKind.COPIL, name="COPIL")
    meeting = Meeting.objects.create(
        convention=convention, body=body, kind=MeetingKind.ANNUAL, date="2026-10-01"
    )
    Decision.objects.create(
        meeting=meeting, node=ctg["secret"], kind=DecisionKind.VALIDATION, text="Poursuivre."
    )
    client.force_login(ctg["users"][role])
    url = reverse("governance:meeting", kwargs={"slug": convention.slug, "pk": meeting.pk})
    text = client.get(url).content.decode()
    assert "Poursuivre." in text
    assert (INTERNAL_TITLE in text) is (role == "coordinator")
