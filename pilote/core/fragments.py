"""The expensive, user-independent part of a CTG's page, rendered once per version of the CTG.

A view hands render_fragment_page() its template, the CTG, the visibility variant (what of the
fragment depends on who reads it: include_internal, can_edit, the référent's organisations…)
and a function returning the fragment's context. The key holds the fragment's name, the CTG's
id and content version (pilote.conventions.versioning: every write to the CTG moves it), the
catalogue version (pilote.core.versions), today's date (lateness, current quarter), the variant
and the query string (each process also keeps the fragments it read last in memory: a key's
content never changes); on a hit the function is not called and the template's
{% fragment %}…{% endfragment %} block writes the stored HTML. CSRF tokens are stored as a
placeholder and each reader gets his or her own; a fragment holding a real token is never
stored. Never put a user's own name or anything personal inside a fragment.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import parse_etags, quote_etag

from .versions import catalogue_version

logger = logging.getLogger(__name__)

KEY = "pilote_fragment_key"  # the context variable the tag stores under, on a miss
HTML = "pilote_fragment_html"  # the context variable the tag writes, on a hit
# Stands for the reader's CSRF token in a stored fragment (forms of the plan's editors).
CSRF_PLACEHOLDER = "pilote-fragment-csrf-token"
# The date is in the key: an entry is never read the next day; this only frees the space.
TIMEOUT = 24 * 3600
# Values whose key holds the quarter rather than the day (values_per_ctg(daily=False)).
QUARTER_TIMEOUT = 95 * 24 * 3600


def fragment_key(
    name: str,
    convention,
    variant: Hashable = (),
    query: str = "",
    catalogue: int | None = None,
    *,
    daily: bool = True,
) -> str:
    """Return the cache key of a fragment of this CTG, in its current content version.

    daily: today's date is part of the key (lateness, current quarter…); False when the
    variant already holds all the value depends on in time (a quarter).
    """
    if catalogue is None:
        # Read with the CTG by conventions.access, else one query.
        catalogue = getattr(convention, "catalogue_version", None)
    if catalogue is None:
        catalogue = catalogue_version()
    parts = (
        name,
        convention.pk,
        convention.content_version,
        catalogue,
        timezone.localdate().isoformat() if daily else "",
        repr(variant),
        query,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"fragment:{name}:{convention.pk}:{digest}"


def etag_of(key: str) -> str:
    """Return the quoted ETag of a response fully determined by this key."""
    return quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])


def with_etag(
    request: HttpRequest,
    *,
    name: str,
    convention,
    variant: Hashable,
    respond: Callable[[], HttpResponse],
) -> HttpResponse:
    """Answer 304 when the reader has this version of a response fully determined by the key.

    For exports and htmx partials: the ETag is the fragment key's, so a write to the CTG, to the
    catalogue, a new day or another variant or query string gives another; respond() is called
    only when the reader's copy is not current.
    """
    etag = etag_of(fragment_key(name, convention, variant, request.GET.urlencode()))
    # Weak comparison (RFC 9110): GZipMiddleware sends the ETag back as W/"…".
    sent = {tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))}
    if etag in sent:
        return HttpResponseNotModified(headers={"ETag": etag})
    response = respond()
    if response.status_code == 200:
        response["ETag"] = etag
    return response


def render_fragment_page(
    request: HttpRequest,
    template: str,
    *,
    name: str,
    convention,
    variant: Hashable,
    outer: dict[str, Any],
    inner: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """Render the page, its {% fragment %} block from the cache when this version has it.

    outer: the context the page needs outside the block (always computed); inner: the
    function returning the block's context, called on a miss only.
    """
    if not settings.FRAGMENT_CACHE:
        return render(request, template, {**outer, **inner()})
    key = fragment_key(name, convention, variant, request.GET.urlencode())
    html = _read(key)
    if html is not None:
        return render(request, template, {**outer, HTML: html})
    return render(request, template, {**outer, **inner(), KEY: key})


def store(key: str, html: str, token: str = "") -> bool:
    """Store a rendered fragment unless it holds the reader's CSRF token; return if stored."""
    if token and token in html:
        logger.error("fragment %s holds a CSRF token: not cached", key)
        return False
    if settings.FRAGMENT_CACHE:
        cache.set(key, html, TIMEOUT)
        _local.put(key, html)
    return True


class _LocalCopies:
    """The fragments this process read last, up to a size: no trip to the shared cache.

    Safe because a key's content never changes (the versions are in the key): a copy can only
    be unused, never stale. Least recently used first out.
    """

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: str, value: Any, size: int | None = None) -> None:
        """Keep the value; size: what it weighs (a fragment's length by default)."""
        limit = settings.FRAGMENT_LOCAL_BYTES
        size = len(value) if size is None else size
        if size > limit:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, size)
            self._size += size
            while self._size > limit:
                _, (_, dropped) = self._items.popitem(last=False)
                self._size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


_local = _LocalCopies()


def _read(key: str, size: int | None = None) -> Any:
    """Return the value under the key, from this process's copies, else the shared cache."""
    value = _local.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            _local.put(key, value, size)
    return value


# What a small value (a page's title and breadcrumb) counts for in the local copies.
SMALL_VALUE_SIZE = 1024


def cached_value(
    name: str, convention, variant: Hashable, compute: Callable[[], Any], query: str = ""
) -> Any:
    """Return compute()'s value for this version of the CTG, from the cache when it has it.

    For the small part of a page outside its {% fragment %} block that still costs queries (an
    action's title and breadcrumb). compute() may raise (Http404): nothing is stored then. The
    value must be picklable and hold nothing personal to the reader.
    """
    if not settings.FRAGMENT_CACHE:
        return compute()
    key = fragment_key(name, convention, variant, query)
    value = _read(key, SMALL_VALUE_SIZE)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
        _local.put(key, value, SMALL_VALUE_SIZE)
    return value


def forget_local_copies() -> None:
    """Drop this process's copies (tests; after a restore, with the shared cache)."""
    _local.clear()


def with_token(html: str, token: str) -> str:
    """Return the fragment with the reader's CSRF token in place of the placeholder."""
    return html.replace(CSRF_PLACEHOLDER, token) if CSRF_PLACEHOLDER in html else html


def values_per_ctg(
    name: str,
    conventions: list,
    compute: Callable[[list], dict[int, Any]],
    *,
    variant: Hashable = (),
    daily: bool = True,
) -> dict[int, Any]:
    """Return compute()'s value for each CTG, reading those of this version from the cache.

    compute(conventions) returns {convention pk: value} for the CTGs it is given: only those
    whose current version is not cached (a write to one CTG recomputes that CTG alone; the
    figures of a whole département or of France cost one read of the cache otherwise).
    daily=False: the value depends on the date only through the variant (the current quarter):
    it is kept across days, and the whole country is recounted once a quarter, not each morning.
    """
    if not settings.FRAGMENT_CACHE:
        return compute(conventions)
    catalogue = catalogue_version()
    keys = {
        c.pk: fragment_key(name, c, variant, catalogue=catalogue, daily=daily) for c in conventions
    }
    found = cache.get_many(list(keys.values()))
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [c for c in conventions if c.pk not in values]
    if missing:
        computed = compute(missing)
        timeout = TIMEOUT if daily else QUARTER_TIMEOUT
        cache.set_many({keys[pk]: value for pk, value in computed.items()}, timeout)
        values.update(computed)
    return values
