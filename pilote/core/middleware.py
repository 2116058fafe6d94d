"""Answer a French 503 when the database stays busy, instead of Django's 500."""

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

from .transactions import is_busy

logger = logging.getLogger(__name__)

# Seconds after which the browser (or a client of the API) may send again.
RETRY_AFTER = 5


class DatabaseBusyMiddleware:
    """Turn "database is locked", a deadlock or a serialization failure into a 503 page.

    They reach the view only once retry_transaction has run its attempts (or SQLite its busy
    timeout): the write was rolled back whole, so the page says that nothing was saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError) or not is_busy(exception):
            return None
        logger.warning(
            "Base occupée, %s %s refusée (503) : %s",
            request.method,
            request.path,
            str(exception).splitlines()[0] if str(exception) else type(exception).__name__,
        )
        # Rendered like the 500 page: without the request nor the database, which is busy.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
