import pytest
from django.urls import reverse

from pilote.accounts.enums import Role
from pilote.accounts.models import Invitation
from pilote.demo.invitations import load_demo_invitations
from tests.factories import SignedConventionFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_the_demo_adds_one_pending_invitation_per_ctg_once(client):
    convention = SignedConventionFactory(slug="tarn-agout-2023-2026")
    coordinator = user_with_role(Role.COORDINATOR, convention=convention)
    assert load_demo_invitations() == 1  # the other demo CTGs are not loaded here
    assert load_demo_invitations() == 0
    invitation = Invitation.objects.get()
    assert invitation.is_pending
    assert invitation.invited_by == coordinator
    client.force_login(coordinator)
    page = client.get(reverse("people:members", args=[convention.slug])).content.decode()
    assert "elue.lavaur@demo.pilote-ctg.invalid" in page
