"""ETag and Last-Modified on every read; If-None-Match / If-Modified-Since answer 304.

The ETag is the SHA-256 of the JSON sent, so it changes exactly when the answer does (a
follow-up point makes its action's answer change, a page of a list changes when any of its rows
does). Last-Modified is given where the rows know when they last changed. Cache-Control stays
the site's « no-store » for a logged-in user (pilote.core.security): a client keeps the ETag
itself and sends it back.
"""

import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def conditional(request, response, last_modified=None):
    """Give a 200 JSON answer its validators and return 304 when the client's copy is current."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    response.render()
    response["ETag"] = etag_of(response.content)
    timestamp = int(last_modified.timestamp()) if last_modified is not None else None
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=timestamp, response=response
    )
