"""The models of the bottom layer: only what every app may need and no app owns."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class HistoryAuthorName(models.Model):
    """A base of historical models: who made a change when his or her account is not here.

    A CTG imported from an archive keeps its change history; an author whose account does
    not exist on this instance is kept by name, never silently dropped.
    """

    history_user_name = models.CharField("auteur·rice (nom)", max_length=150, blank=True)

    class Meta:
        abstract = True


class PendingImport(models.Model):
    """What an upload gave, waiting for its confirmation (see pilote.core.upload_session)."""

    token = models.CharField("jeton", max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="utilisateur",
    )
    key = models.CharField("sorte d'import", max_length=100)
    # JSON compressed with zlib: a proposal of several megabytes weighs a few hundred kilobytes.
    data = models.BinaryField("contenu")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le", db_index=True)

    class Meta:
        verbose_name = "import en attente"
        verbose_name_plural = "imports en attente"
        indexes = [models.Index(fields=["user", "key"], name="core_pending_user_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.token})"


class CatalogueVersion(models.Model):
    """The version of the data shared by many CTGs' pages (see pilote.core.versions).

    One row; every change to a name or a territory shown on several CTGs' pages adds one.
    """

    value = models.BigIntegerField("version", default=0)

    class Meta:
        verbose_name = "version du catalogue"
        verbose_name_plural = "versions du catalogue"

    def __str__(self) -> str:
        return f"catalogue v{self.value}"
