"""The CTGs a user sees and edits, read once a request (pilote.api.scoping.Scope)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from pilote.accounts.models import User
from pilote.api.authentication import load_roles
from pilote.api.scoping import Scope, scope_of
from pilote.conventions.models import Convention
from tests.api.conftest import PAA, ROLES

pytestmark = pytest.mark.django_db


def ids(*slugs: str) -> list[int]:
    return sorted(Convention.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def test_a_caf_adviser_sees_and_edits_the_ctgs_of_its_departements(session_demo_world):
    scope = Scope(User.objects.get(username=ROLES["caf"]))
    assert scope.visible == sorted(Convention.objects.values_list("pk", flat=True))
    assert scope.edited == scope.visible
    assert scope.edits_all


def test_a_reader_sees_its_ctg_and_edits_none(session_demo_world):
    scope = Scope(User.objects.get(username=ROLES["reader"]))
    assert scope.visible == ids(PAA)
    assert scope.edited == []
    assert not scope.edits_all


def test_a_coordinator_edits_only_its_own_ctg(session_demo_world):
    scope = Scope(User.objects.get(username=ROLES["coordinator"]))
    assert scope.visible == ids(PAA)
    assert scope.edited == ids(PAA)


def test_an_anonymous_user_sees_nothing(session_demo_world):
    scope = Scope(AnonymousUser())
    assert scope.visible == []
    assert not Convention.objects.filter(scope.within("pk")).exists()


def test_a_superuser_is_not_filtered(session_demo_world):
    scope = Scope(User(username="root", is_superuser=True))
    assert scope.visible is None
    assert Convention.objects.filter(scope.within("pk")).count() == Convention.objects.count()


def test_the_scope_is_read_once_a_request(session_demo_world, django_assert_num_queries):
    user = User.objects.get(username=ROLES["caf"])
    load_roles(user)  # as the authentication does
    with django_assert_num_queries(1):
        first = scope_of(user)
    with django_assert_num_queries(0):
        assert scope_of(user) is first
