"""The permission matrix of every page of a CTG, generated from the URL configuration (issue 13).

Every route under /ctg/<slug>/ must be declared below with who may use it; a new view that is
not declared fails `test_every_ctg_route_is_declared`, so none can escape the matrix. Then each
role of the CTG tries each route, by GET and by POST, on real objects of the demo CTG (filled by
tests/permission_ids.py), and gets exactly what its role allows:

- READ: every role of the CTG reads it (référent·es and readers included);
- EDIT: the coordinator and the Caf adviser of the département; référent·es and readers are
  refused (403) by GET and by POST;
- PILOT: editors, and a référent·e for the actions his or her organisation pilots (that part is
  tests/monitoring/test_followup_permissions.py); a reader is refused;
- CAF: the Caf adviser of the département alone (deleting the whole CTG): the coordinator,
  référent·es and readers are refused.

Users of another CTG get a 404 on every route (tests/test_url_matrix.py).
"""

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

from pilote.accounts.enums import Role
from pilote.conventions.models import Convention, TrashKind
from pilote.conventions.trash import discard
from pilote.demo.governance import generate_demo_governance
from pilote.demo.reviews import generate_demo_reviews
from pilote.facilities.models import Facility
from pilote.monitoring.models import ActionUpdate, PartnerSubmission, UpdateAttachment
from pilote.plans.models import PlanNode
from tests.demo_data import DEMO_TODAY
from tests.factories import AmendmentFactory, partner_link, user_with_role
from tests.permission_ids import ids_for
from tests.test_url_matrix import _fill, _patterns

pytestmark = pytest.mark.django_db

PAA = "provence-alpes-agglomeration-2026-2030"
READ, EDIT, PILOT, CAF = "read", "edit", "pilot", "caf"

ACCESS = {
    # The CTG
    "conventions:detail": READ,
    "conventions:brief": READ,
    "conventions:export": READ,  # without the internal notes for those who may not see them
    "conventions:archive": EDIT,
    "conventions:edit": EDIT,
    "conventions:amendments": EDIT,
    "conventions:levels": EDIT,
    "conventions:publication": EDIT,
    "conventions:signatories": EDIT,
    "conventions:territory": EDIT,
    "conventions:delete": CAF,  # the whole CTG: its Caf adviser alone, archive offered first
    "conventions:trash": EDIT,
    "conventions:trash_restore": EDIT,
    "conventions:trash_purge": EDIT,
    # The journal: who did what (the coordination and the Caf adviser)
    "journal:convention": EDIT,
    "journal:convention_export": EDIT,
    # The plan
    "plans:tree": READ,
    "plans:node": READ,
    "plans:search": READ,
    "plans:add": EDIT,
    "plans:edit": EDIT,
    "plans:delete": EDIT,
    "plans:move": EDIT,
    "plans:move_up": EDIT,
    "plans:move_down": EDIT,
    "plans:renumber": EDIT,
    # Importing a plan (the pending import is its author's alone: core.upload_session)
    "imports:template": READ,
    "imports:upload": EDIT,
    "imports:review": EDIT,
    "imports:source": EDIT,
    "imports:edit": EDIT,
    "imports:levels": EDIT,
    "imports:split": EDIT,
    "imports:undo": EDIT,
    "imports:add_unplaced": EDIT,
    "imports:insert_level": EDIT,
    "imports:reattach": EDIT,
    "imports:save": EDIT,
    # Follow-up, indicators, history
    "monitoring:dashboard": READ,
    "monitoring:followup": READ,
    "monitoring:followup_export": READ,
    "monitoring:row": READ,
    "monitoring:timeline": READ,
    "monitoring:indicators": READ,
    "monitoring:indicator": READ,
    "monitoring:attachment": READ,
    "monitoring:update": PILOT,
    "monitoring:measurement_add": PILOT,
    "monitoring:indicator_add": EDIT,
    "monitoring:indicator_edit": EDIT,
    "monitoring:history": EDIT,
    # Partner links and « À valider » (the partner's own form is open: tests/test_url_matrix.py)
    "monitoring:partner_links": EDIT,
    "monitoring:partner_link_add": EDIT,
    "monitoring:partner_link_resend": EDIT,
    "monitoring:partner_link_revoke": EDIT,
    "monitoring:partner_review": EDIT,
    "monitoring:partner_accept": EDIT,
    "monitoring:partner_edit": EDIT,
    "monitoring:partner_refuse": EDIT,
    # Facilities, territory figures, petite enfance
    "facilities:register": READ,
    "facilities:register_export": READ,
    "facilities:register_template": READ,
    "facilities:coverage": READ,
    "facilities:figures": READ,
    "facilities:figures_export_csv": READ,
    "facilities:figures_export_xlsx": READ,
    "facilities:figures_template": READ,
    "facilities:petite_enfance": READ,
    "facilities:schema": READ,
    "facilities:schema_export_pdf": READ,
    "facilities:schema_export_xlsx": READ,
    "facilities:facility_add": EDIT,
    "facilities:facility_edit": EDIT,
    "facilities:facility_delete": EDIT,
    "facilities:register_import": EDIT,
    "facilities:figure_add": EDIT,
    "facilities:figure_edit": EDIT,
    "facilities:figure_delete": EDIT,
    "facilities:figures_import": EDIT,
    "facilities:figures_import_confirm": EDIT,
    "facilities:petite_enfance_settings": EDIT,
    "facilities:transfers": EDIT,
    "facilities:schema_create": EDIT,
    "facilities:schema_edit": EDIT,
    "facilities:schema_delete": EDIT,
    "facilities:schema_lines": EDIT,
    "facilities:schema_checklist": EDIT,
    # Governance, bilans, versions
    "governance:bodies": READ,
    "governance:meeting": READ,
    "governance:reviews": READ,
    "governance:review": READ,
    "governance:review_download": READ,
    "governance:versions": READ,
    "governance:compare": READ,
    "governance:body_add": EDIT,
    "governance:body_edit": EDIT,
    "governance:body_delete": EDIT,
    "governance:body_members": EDIT,
    "governance:meeting_add": EDIT,
    "governance:meeting_edit": EDIT,
    "governance:meeting_delete": EDIT,
    "governance:meeting_attendance": EDIT,
    "governance:meeting_minutes": EDIT,
    "governance:decision_add": EDIT,
    "governance:decision_edit": EDIT,
    "governance:decision_delete": EDIT,
    "governance:review_create": EDIT,
    "governance:review_close": EDIT,
    "governance:review_delete": EDIT,
    "governance:record_amendment": EDIT,
    "governance:freeze_signed": EDIT,
    "governance:renew": EDIT,
    # Members: roles, invitations, suspensions (pilote.people; suspending is further limited
    # to the Caf adviser: tests/people/test_members_page.py)
    "people:members": EDIT,
    "people:invite": EDIT,
    "people:invitation_resend": EDIT,
    "people:invitation_withdraw": EDIT,
    "people:role_change": EDIT,
    "people:role_remove": EDIT,
    "people:account_suspend": EDIT,
    # Exports
    "reports:exports": READ,
    "reports:opendata": READ,
    "reports:plan_csv": READ,
    "reports:plan_docx": READ,
    "reports:plan_ods": READ,
    "reports:plan_xlsx": READ,
    "reports:suivi_csv": READ,
    "reports:suivi_ods": READ,
    "reports:suivi_xlsx": READ,
}

# A page that answers a GET (200), sends elsewhere (302: a pending import that is not this
# user's, a fragment outside htmx) or takes only POST (405) has let the user through.
LET_THROUGH = {200, 302, 405}
# Refused: 403; a POST-only route may answer its GET with 405 before looking at the user.
REFUSED_GET = {403, 405}


def ctg_route_names() -> list[tuple[str, str]]:
    return sorted(
        {
            (name, route)
            for name, route in _patterns()
            if "<slug:slug>" in route and not name.startswith("public:")
        }
    )


def test_every_ctg_route_is_declared():
    routes = dict(ctg_route_names())
    assert sorted(routes.keys() - ACCESS.keys()) == [], "declare who may use these routes"
    assert sorted(ACCESS.keys() - routes.keys()) == [], "these routes no longer exist"


@pytest.fixture(scope="module")
def governed(session_demo_world, demo_savepoint, django_db_blocker, tmp_path_factory):
    """The demo world with its governance, bilans, an avenant and an attachment, for the module."""
    media_root = tmp_path_factory.mktemp("media")
    with demo_savepoint(), override_settings(MEDIA_ROOT=media_root):
        with django_db_blocker.unblock():
            generate_demo_governance(today=DEMO_TODAY)
            generate_demo_reviews(today=DEMO_TODAY)
            convention = Convention.objects.get(slug=PAA)
            AmendmentFactory(convention=convention)
            update = ActionUpdate.objects.filter(convention=convention).first()
            attachment = UpdateAttachment(update=update, name="compte-rendu.txt", size=12)
            attachment.file.save("compte-rendu.txt", ContentFile(b"Compte rendu"))
            facility = Facility.objects.filter(convention=convention).last()
            discard(
                facility,
                convention=convention,
                user=None,
                kind=TrashKind.FACILITY,
                label=facility.name,
            )  # an item in the Corbeille
            node = PlanNode.objects.filter(convention=convention, level__tracked=True).first()
            link, _ = partner_link([node])
            PartnerSubmission.objects.create(
                link=link,
                convention=convention,
                node=node,
                year=link.year,
                quarter=link.quarter,
                status="en_cours",
                progress=40,
                sender_name=link.recipient_name,
                sender_email=link.email,
                submitted_at=link.created_at,
            )
        yield


@pytest.fixture
def paa(db, governed) -> Convention:
    return Convention.objects.select_related("departement").get(slug=PAA)


@pytest.fixture
def people(paa) -> dict[str, object]:
    return {
        "caf": user_with_role(Role.CAF_ADVISER, departement_code=paa.departement.code),
        "coordinator": user_with_role(Role.COORDINATOR, convention=paa),
        "referent": user_with_role(Role.REFERENT, convention=paa),
        "reader": user_with_role(Role.READER, convention=paa),
    }


def _url(name: str, route: str, convention: Convention) -> str:
    url = _fill(route, convention.slug, ids_for(name, convention))
    url = url.replace("bilan.x", "bilan.pdf")
    return url[: -len("export.x")] + "export.csv" if url.endswith("/export.x") else url


def _status(response) -> int:
    # A download streams its file: reading it to the end closes it the way a WSGI
    # server would (response.close() itself would also close the test's database
    # connection on PostgreSQL, through the request_finished signal).
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.parametrize(("name", "route"), ctg_route_names())
def test_each_role_gets_what_the_route_allows(client, paa, people, name, route):
    access = ACCESS.get(name)
    assert access, f"{name} is not declared in ACCESS"
    url = _url(name, route, paa)
    seen = {}
    for who in ("coordinator", "caf", "referent", "reader"):
        client.force_login(people[who])
        seen[who] = _status(client.get(url))
    for who in ("caf",) if access == CAF else ("coordinator", "caf"):
        assert seen[who] in LET_THROUGH, f"GET {url} as {who}: {seen[who]}"
    # An empty or truncated form (no management form, no version…) is refused, never a 500.
    allowed = people["caf" if access == CAF else "coordinator"]
    client.force_login(allowed)
    status = _status(client.post(url, {}))
    assert status < 500, f"POST {url} (empty): {status}"
    if access == READ:
        for who in ("referent", "reader"):
            assert seen[who] in LET_THROUGH, f"GET {url} as {who}: {seen[who]}"
        return
    refused = {
        EDIT: ("referent", "reader"),
        PILOT: ("reader",),
        CAF: ("coordinator", "referent", "reader"),
    }[access]
    for who in refused:
        assert seen[who] in REFUSED_GET, f"GET {url} as {who}: {seen[who]}"
        client.force_login(people[who])
        status = _status(client.post(url, {}))
        assert status in (403, 405), f"POST {url} as {who}: {status}"
