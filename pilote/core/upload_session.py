"""Keep what an upload gave (JSON data) in the session between the steps of an import.

An import in several steps (upload → report or review → confirmation) writes nothing before the
confirmation and never trusts the browser with the content: the data waits in the session under
a random token that the next page or form sends back. Each kind of import (key) keeps at most a
few entries, the most recent ones, and each entry is bounded in size: the session lives in the
database and travels with every request.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from django.http import HttpRequest

MAX_ENTRIES = 3
DEFAULT_MAX_CHARS = 3_000_000


class UploadTooLarge(Exception):
    """The data is too big to be kept in the session; the message is in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def size_of(data: Any) -> int:
    """Return the length of the data once serialised as the session stores it."""
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def store(request: HttpRequest, key: str, data: dict, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Keep data under a new token and return the token; raise UploadTooLarge if too big."""
    _check_size(data, max_chars)
    entries = dict(request.session.get(key) or {})
    token = secrets.token_urlsafe(12)
    entries[token] = {"at": time.time(), "data": data}
    for old in sorted(entries, key=lambda t: entries[t]["at"])[:-MAX_ENTRIES]:
        del entries[old]
    request.session[key] = entries
    return token


def load(request: HttpRequest, key: str, token: str) -> dict | None:
    """Return the data kept under this token, or None when it expired or never existed."""
    entry = (request.session.get(key) or {}).get(token)
    return entry["data"] if isinstance(entry, dict) else None


def save(
    request: HttpRequest, key: str, token: str, data: dict, *, max_chars: int = DEFAULT_MAX_CHARS
) -> None:
    """Replace the data kept under an existing token; raise UploadTooLarge if too big."""
    _check_size(data, max_chars)
    entries = dict(request.session.get(key) or {})
    entries[token] = {"at": time.time(), "data": data}
    request.session[key] = entries


def discard(request: HttpRequest, key: str, token: str) -> None:
    """Forget the data kept under this token (after it was written, or abandoned)."""
    entries = dict(request.session.get(key) or {})
    if entries.pop(token, None) is not None:
        request.session[key] = entries


def _check_size(data: dict, max_chars: int) -> None:
    size = size_of(data)
    if size > max_chars:
        raise UploadTooLarge(
            f"Le contenu lu est trop volumineux pour être gardé pendant la relecture "
            f"({size // 1000} ko, limite {max_chars // 1000} ko) : importez une partie du "
            "plan à la fois."
        )
