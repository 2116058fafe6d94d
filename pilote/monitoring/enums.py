from django.db import models


class UpdateStatus(models.TextChoices):
    TO_START = "a_lancer", "À lancer"
    IN_PROGRESS = "en_cours", "En cours"
    DONE = "realisee", "Réalisée"
    POSTPONED = "reportee", "Reportée"
    ABANDONED = "abandonnee", "Abandonnée"
    BLOCKED = "bloquee", "Bloquée"


# Statuses after which an action is no longer expected to move.
CLOSED_STATUSES = {UpdateStatus.DONE, UpdateStatus.ABANDONED}
