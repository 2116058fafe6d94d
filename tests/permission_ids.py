"""The primary keys a CTG's URL needs, by URL name: a real object of that CTG for each route.

tests/test_permission_matrix.py fills every route of the URL configuration with them, so that a
page answers as it would for a real object (not a 404 for a wrong id).
"""

from django.db.models import Model

from pilote.accounts.models import Invitation, Membership, User
from pilote.conventions.models import Amendment, Convention, TrashItem
from pilote.facilities.models import Facility, Schema, TerritoryFigure
from pilote.governance.models import Body, Decision, Meeting, Review
from pilote.monitoring.models import PartnerLink, PartnerSubmission, UpdateAttachment
from pilote.plans.models import Indicator, PlanNode

# Route name prefix → the model whose pk the route takes, and how to find one of the CTG.
_BY_PREFIX: list[tuple[str, type[Model], str]] = [
    ("facilities:facility_", Facility, "convention"),
    ("facilities:figure_", TerritoryFigure, "convention"),
    ("facilities:schema", Schema, "convention"),
    ("governance:body_", Body, "convention"),
    ("governance:decision_add", Meeting, "body__convention"),
    ("governance:decision_", Decision, "meeting__body__convention"),
    ("governance:meeting", Meeting, "body__convention"),
    ("governance:review", Review, "convention"),
    ("governance:record_amendment", Amendment, "convention"),
    ("monitoring:attachment", UpdateAttachment, "update__convention"),
    ("monitoring:indicator", Indicator, "convention"),
    ("monitoring:measurement_add", Indicator, "convention"),
    ("people:invitation_", Invitation, "convention"),
    ("people:role_", Membership, "convention"),
    ("people:account_suspend", User, "memberships__convention"),
    ("conventions:trash_", TrashItem, "convention"),
    ("monitoring:partner_link_", PartnerLink, "convention"),
    ("monitoring:partner_", PartnerSubmission, "convention"),
]


def ids_for(name: str, convention: Convention) -> dict[str, int]:
    """Return {"pk": …, "<other>_pk": …} for the route `name` of this CTG."""
    node = PlanNode.objects.filter(convention=convention, parent__isnull=False).last()
    ids = {"pk": node.pk, "node_id": node.pk}
    for prefix, model, path in _BY_PREFIX:
        if name.startswith(prefix):
            found = model.objects.filter(**{path: convention}).order_by("pk").first()
            if found is not None:
                ids = {**ids, "pk": found.pk, "amendment_pk": found.pk}
            break
    return ids
