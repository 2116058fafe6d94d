from django.db import models


class ConventionStatus(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    SIGNED = "signed", "Signée"
    ACTIVE = "active", "En cours"
    EXPIRED = "expired", "Échue"
    RENEWED = "renewed", "Renouvelée"
