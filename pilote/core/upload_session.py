"""Keep what an upload gave (JSON data) between the steps of an import, for its user only.

An import in several steps (upload → report or review → confirmation) writes nothing before the
confirmation and never trusts the browser with the content: the data waits in the database
(PendingImport, compressed) under a random token that the next page or form sends back. Only the
user who uploaded it can read it back; it expires after PENDING_LIFETIME (expired rows are ignored,
deleted at the next upload and by `purge_pending_imports`). Each kind of import (key) keeps at
most MAX_ENTRIES entries per user, the most recent ones, and each entry is bounded in size.
"""

from __future__ import annotations

import datetime
import json
import secrets
import zlib
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from .models import PendingImport

MAX_ENTRIES = 3
DEFAULT_MAX_CHARS = 3_000_000
PENDING_LIFETIME = datetime.timedelta(hours=24)


class UploadTooLarge(Exception):
    """The data is too big to be kept for the review; the message is in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def size_of(data: Any) -> int:
    """Return the length of the data once serialised as JSON."""
    return len(_serialise(data))


def store(request: HttpRequest, key: str, data: dict, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Keep data under a new token and return the token; raise UploadTooLarge if too big."""
    text = _checked(data, max_chars)
    purge_expired()
    token = secrets.token_urlsafe(12)
    PendingImport.objects.create(
        token=token, user=request.user, key=key, data=_pack(text), expires_at=_expiry()
    )
    kept = _entries(request, key).order_by("-expires_at", "-pk").values_list("pk", flat=True)
    PendingImport.objects.filter(pk__in=list(kept[MAX_ENTRIES:])).delete()
    return token


def load(request: HttpRequest, key: str, token: str) -> dict | None:
    """Return the data kept under this token, or None when it expired or is not the user's."""
    entry = _entries(request, key).filter(token=token, expires_at__gt=timezone.now()).first()
    return json.loads(zlib.decompress(bytes(entry.data))) if entry else None


def save(
    request: HttpRequest, key: str, token: str, data: dict, *, max_chars: int = DEFAULT_MAX_CHARS
) -> None:
    """Replace the data kept under an existing token; raise UploadTooLarge if too big."""
    text = _checked(data, max_chars)
    _entries(request, key).filter(token=token).update(data=_pack(text), expires_at=_expiry())


def discard(request: HttpRequest, key: str, token: str) -> None:
    """Forget the data kept under this token (after it was written, or abandoned)."""
    _entries(request, key).filter(token=token).delete()


def discard_all(request: HttpRequest, key: str) -> None:
    """Forget every entry of this kind kept for the user (an import cancelled as a whole)."""
    _entries(request, key).delete()


def purge_expired() -> int:
    """Delete the expired entries of every user; return how many were deleted."""
    deleted, _ = PendingImport.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def _entries(request: HttpRequest, key: str):
    if not request.user.is_authenticated:
        return PendingImport.objects.none()
    return PendingImport.objects.filter(user=request.user, key=key)


def _expiry() -> datetime.datetime:
    return timezone.now() + PENDING_LIFETIME


def _serialise(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def _checked(data: dict, max_chars: int) -> str:
    """Return the JSON text of the data; raise UploadTooLarge when it is over max_chars."""
    text = _serialise(data)
    size = len(text)
    if size > max_chars:
        raise UploadTooLarge(
            f"Le contenu lu est trop volumineux pour être gardé pendant la relecture "
            f"({size // 1000} ko, limite {max_chars // 1000} ko) : importez une partie du "
            "plan à la fois."
        )
    return text
