"""Who calls the API: a personal token (Authorization: Bearer …) or the browser's session.

A token acts as its owner, with the owner's roles as they are now: a role removed in « Membres »
is removed from the token at the next request. A revoked or expired token, or the token of a
suspended account, is refused with the same French message as an unknown one.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import prefetch_related_objects
from rest_framework import authentication, exceptions

from pilote.accounts.api_tokens import find_token, note_use

KEYWORDS = ("bearer", "token")
REFUSED = (
    "Jeton d'API inconnu, révoqué ou expiré : créez-en un nouveau dans « Mon compte » "
    "(ou demandez à son propriétaire)."
)


def load_roles(user) -> None:
    """Read the user's roles once, so that every permission check of the request is free."""
    if user is not None and user.is_authenticated:
        prefetch_related_objects([user], "memberships")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authenticate a request by a personal token (pilote.accounts.token_models.ApiToken)."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "En-tête Authorization mal formé : écrivez « Authorization: Bearer <jeton> »."
            )
        token = find_token(header[1])
        if token is None or not token.is_usable:
            raise exceptions.AuthenticationFailed(REFUSED)
        note_use(token)
        load_roles(token.user)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes unauthenticated requests answer 401 (with this challenge), not 403.
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The logged-in browser, with Django's CSRF check on writes (DRF's own rule)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if isinstance(user, AnonymousUser):
            return None
        load_roles(user)
        return user, auth
