"""Every error of the API in one JSON shape, in French:

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"year": ["…"]}}}

`fields` appears only when the input was refused field by field.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from pilote.core.middleware import RETRY_AFTER
from pilote.core.transactions import is_busy

NOT_FOUND = "Introuvable, ou vous n'y avez pas accès."
MESSAGES = {
    exceptions.NotAuthenticated: (
        "Authentification requise : envoyez un jeton d'API (en-tête « Authorization: Bearer "
        "<jeton> », créé dans « Mon compte ») ou connectez-vous."
    ),
    exceptions.NotFound: NOT_FOUND,
    exceptions.UnsupportedMediaType: "Envoyez du JSON (Content-Type: application/json).",
    exceptions.ParseError: "Le corps de la requête n'est pas un JSON valide.",
    exceptions.NotAcceptable: "Cette ressource ne se donne qu'en JSON (Accept: application/json).",
}
INVALID = "Certaines valeurs sont refusées : voir « fields »."


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"
    default_detail = (
        "Cet élément a été modifié par quelqu'un d'autre depuis votre lecture : relisez-le, "
        "puis renvoyez votre modification avec sa nouvelle version (If-Match)."
    )


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "version_required"
    default_detail = (
        "Indiquez la version lue de l'élément (en-tête If-Match, ou champ « version ») : "
        "sans elle, une modification faite entre-temps par quelqu'un d'autre serait écrasée."
    )


class Refused(exceptions.APIException):
    """A write the domain refused (a service's French message): 400."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"


def error_response(status_code: int, code: str, message: str, **extra) -> Response:
    body = {"status": status_code, "code": code, "message": message, **extra}
    return Response({"error": body}, status=status_code)


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        return {key: _flat(value) for key, value in detail.items()}
    return {"non_field_errors": _flat(detail)}


def _flat(value) -> list[str]:
    if isinstance(value, list):
        return [text for item in value for text in _flat(item)]
    if isinstance(value, dict):
        return [f"{key} : {text}" for key, item in value.items() for text in _flat(item)]
    return [str(value)]


def exception_handler(exc, context):
    """Return the JSON error of an exception (None lets Django answer: an unexpected error)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, OperationalError) and is_busy(exc):
        response = error_response(
            503, "busy", "La base de données est occupée : rien n'a été enregistré, réessayez."
        )
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    if not isinstance(exc, exceptions.APIException):
        return None
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else "invalid"
    if isinstance(exc, exceptions.ValidationError):
        response = error_response(exc.status_code, "invalid", INVALID, fields=_fields(exc.detail))
    else:
        message = MESSAGES.get(type(exc)) or str(exc.detail)
        if isinstance(exc, exceptions.Throttled):
            wait = int(exc.wait or 1)
            message = f"Trop de requêtes : réessayez dans {wait} seconde{'s' if wait > 1 else ''}."
        elif isinstance(exc, exceptions.MethodNotAllowed):
            message = f"La méthode {context['request'].method} n'est pas permise ici."
        response = error_response(exc.status_code, code, message)
    for header in ("WWW-Authenticate", "Retry-After"):
        value = getattr(exc, "auth_header", None) if header == "WWW-Authenticate" else None
        if header == "Retry-After" and getattr(exc, "wait", None):
            value = str(int(exc.wait))
        if value:
            response[header] = value
    return response
