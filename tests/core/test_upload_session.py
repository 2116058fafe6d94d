"""Pending imports: kept for their user only, bounded in number and size, forgotten after 24 h."""

import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from pilote.core import upload_session
from pilote.core.models import PendingImport

pytestmark = pytest.mark.django_db

KEY = "imports_plan_review"


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.fixture
def alice(django_user_model):
    return request_of(django_user_model.objects.create_user("alice"))


@pytest.fixture
def bob(django_user_model):
    return request_of(django_user_model.objects.create_user("bob"))


def test_data_comes_back_under_its_token_and_is_replaced_by_save(alice):
    token = upload_session.store(alice, KEY, {"proposal": ["Axe 1", "é"]})
    assert upload_session.load(alice, KEY, token) == {"proposal": ["Axe 1", "é"]}
    upload_session.save(alice, KEY, token, {"proposal": []})
    assert upload_session.load(alice, KEY, token) == {"proposal": []}
    upload_session.discard(alice, KEY, token)
    assert upload_session.load(alice, KEY, token) is None


def test_another_users_token_or_another_kind_reads_as_expired(alice, bob):
    token = upload_session.store(alice, KEY, {"a": 1})
    assert upload_session.load(bob, KEY, token) is None
    assert upload_session.load(alice, "other", token) is None
    assert upload_session.load(request_of(AnonymousUser()), KEY, token) is None
    upload_session.discard(bob, KEY, token)
    assert upload_session.load(alice, KEY, token) == {"a": 1}


def test_only_the_most_recent_entries_of_a_user_and_kind_are_kept(alice, bob):
    tokens = [upload_session.store(alice, KEY, {"n": n}) for n in range(5)]
    other = upload_session.store(bob, KEY, {"n": "bob"})
    kept = [t for t in tokens if upload_session.load(alice, KEY, t) is not None]
    assert kept == tokens[-upload_session.MAX_ENTRIES :]
    assert upload_session.load(bob, KEY, other) == {"n": "bob"}


def test_data_over_the_limit_is_refused_in_french(alice):
    with pytest.raises(upload_session.UploadTooLarge, match="trop volumineux"):
        upload_session.store(alice, KEY, {"text": "x" * 200}, max_chars=100)
    assert not PendingImport.objects.exists()
    assert upload_session.size_of({"a": "é"}) == len('{"a":"é"}')


def test_expired_entries_are_ignored_then_purged(alice):
    token = upload_session.store(alice, KEY, {"a": 1})
    PendingImport.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert upload_session.load(alice, KEY, token) is None
    fresh = upload_session.store(alice, KEY, {"b": 2})  # deletes the expired entry on the way
    assert list(PendingImport.objects.values_list("token", flat=True)) == [fresh]
    PendingImport.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    out = io.StringIO()
    call_command("purge_pending_imports", stdout=out)
    assert out.getvalue() == "1 import(s) en attente supprimé(s).\n"
    assert not PendingImport.objects.exists()


def test_an_entry_lives_a_day_and_is_stored_compressed(alice):
    before = timezone.now()
    upload_session.store(alice, KEY, {"text": "Petite enfance " * 1000})
    entry = PendingImport.objects.get()
    assert entry.expires_at - before >= upload_session.PENDING_LIFETIME
    assert len(entry.data) < 1000


def test_cancelling_a_kind_forgets_only_that_users_entries_of_that_kind(alice, bob):
    mine = [upload_session.store(alice, KEY, {"n": n}) for n in range(2)]
    other_kind = upload_session.store(alice, "other", {"n": "other"})
    theirs = upload_session.store(bob, KEY, {"n": "bob"})
    upload_session.discard_all(alice, KEY)
    assert all(upload_session.load(alice, KEY, token) is None for token in mine)
    assert upload_session.load(alice, "other", other_kind) == {"n": "other"}
    assert upload_session.load(bob, KEY, theirs) == {"n": "bob"}
