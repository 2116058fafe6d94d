"""Personal API tokens: a key for the REST API (/api/v1/), created and revoked in « Mon compte ».

Only the SHA-256 of a token is stored (a token is 256 random bits: no salt or slow hash is
needed to make a stolen database useless); the token itself is shown once, at its creation.
A token acts as its owner, with exactly the owner's roles, until it expires or is revoked.
"""

from django.db import models
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> "ApiTokenQuerySet":
        """Return the tokens neither revoked nor expired, of active accounts."""
        return self.filter(revoked_at=None, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """A personal API token of a user (its key is stored hashed)."""

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="utilisateur·rice",
    )
    name = models.CharField("nom", max_length=100)
    # The token's first characters, to tell tokens apart in « Mon compte » (not a secret).
    prefix = models.CharField("début du jeton", max_length=16)
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def state(self) -> str:
        """Return « Actif », « Révoqué » or « Expiré »."""
        if self.revoked_at is not None:
            return "Révoqué"
        if self.expires_at <= timezone.now():
            return "Expiré"
        return "Actif"

    @property
    def is_usable(self) -> bool:
        return self.state == "Actif" and self.user.is_active
