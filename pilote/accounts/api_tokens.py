"""Create, revoke and check personal API tokens (pilote.accounts.token_models.ApiToken).

Creating and revoking are recorded in the audit log. Checking a token costs one query, plus an
UPDATE of its last use at most once a minute.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .audit import record
from .enums import AuditAction
from .token_models import ApiToken

PREFIX = "pct_"  # "Pilote CTG": lets secret scanners and people recognise a token
MAX_ACTIVE_TOKENS = 10
NAME_MAX = ApiToken._meta.get_field("name").max_length
LAST_USE_PRECISION = datetime.timedelta(minutes=1)


class ApiTokenError(Exception):
    """A token that cannot be created or revoked; the message is in French, for users."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def hash_token(raw: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def lifetime_choices() -> list[int]:
    """Return the lifetimes (days) offered for a new token, the longest being the setting's."""
    longest = settings.API_TOKEN_MAX_AGE_DAYS
    return sorted({days for days in (30, 90, 180, 365) if days <= longest} | {longest})


def create_token(
    user, *, name: str, days: int, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the user; return it with its clear value, which is never kept."""
    name = " ".join(str(name).split())
    if not name:
        raise ApiTokenError("Donnez un nom au jeton (par exemple « Tableau de bord Caf »).")
    if len(name) > NAME_MAX:
        raise ApiTokenError(f"Le nom du jeton tient en {NAME_MAX} caractères au plus.")
    if days not in lifetime_choices():
        raise ApiTokenError("Choisissez une durée de validité proposée.")
    raw = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        active = ApiToken.objects.usable().select_for_update().filter(user=user)
        if len(active) >= MAX_ACTIVE_TOKENS:
            raise ApiTokenError(
                f"Vous avez déjà {MAX_ACTIVE_TOKENS} jetons actifs : révoquez-en un d'abord."
            )
        now = timezone.now()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:10],
            token_hash=hash_token(raw),
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
        )
        record(
            AuditAction.API_TOKEN_CREATED,
            user=user,
            request=request,
            target=str(token),
            expire_le=token.expires_at.isoformat(),
        )
    return token, raw


def revoke_token(user, token_id: int, *, request: HttpRequest | None = None) -> ApiToken:
    """Revoke one of the user's tokens (at once: the next request with it is refused)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
        if token is None:
            raise ApiTokenError("Ce jeton n'existe pas ou n'est pas le vôtre.")
        if token.revoked_at is not None:
            raise ApiTokenError(f"Le jeton « {token.name} » est déjà révoqué.")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(AuditAction.API_TOKEN_REVOKED, user=user, request=request, target=str(token))
    return token


def find_token(raw: str) -> ApiToken | None:
    """Return the token of this clear value, whatever its state, or None (one query)."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    return ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()


def note_use(token: ApiToken) -> None:
    """Record that the token was used now (written at most once a minute)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
