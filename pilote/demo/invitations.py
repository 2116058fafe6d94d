"""One pending invitation per demo CTG, so that its « Membres » page shows a real one."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import Invitation, Membership
from pilote.conventions.models import Convention

# (CTG slug, invitee): an elected member invited as a reader by the CTG's coordinator.
DEMO_INVITATIONS = [
    ("pays-salonais-2025-2028", "elu.salon@demo.pilote-ctg.invalid"),
    ("tarn-agout-2023-2026", "elue.lavaur@demo.pilote-ctg.invalid"),
    ("provence-alpes-agglomeration-2026-2030", "elue.digne@demo.pilote-ctg.invalid"),
]


@transaction.atomic
def load_demo_invitations() -> int:
    """Create the missing demo invitations (their links are never sent); return how many."""
    created = 0
    for slug, email in DEMO_INVITATIONS:
        convention = Convention.objects.filter(slug=slug).first()
        if convention is None or Invitation.objects.filter(email=email).exists():
            continue
        coordinator = (
            Membership.objects.filter(convention=convention, role=Role.COORDINATOR)
            .select_related("user")
            .first()
        )
        invitation = Invitation(
            email=email,
            role=Role.READER,
            convention=convention,
            invited_by=coordinator.user if coordinator else None,
            expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
        )
        invitation.set_new_token()  # nobody holds the link: the page can re-send it
        invitation.save()
        created += 1
    return created
