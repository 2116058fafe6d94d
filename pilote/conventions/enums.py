from django.db import models


class ConventionStatus(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    SIGNED = "signed", "Signée"
    ACTIVE = "active", "En cours"
    EXPIRED = "expired", "Échue"
    RENEWED = "renewed", "Renouvelée"


# How each status shows as a DSFR badge (fr-badge--…).
STATUS_BADGE_CLASSES = {
    ConventionStatus.PREPARATION: "fr-badge--new",
    ConventionStatus.SIGNED: "fr-badge--info",
    ConventionStatus.ACTIVE: "fr-badge--success",
    ConventionStatus.EXPIRED: "fr-badge--warning",
    ConventionStatus.RENEWED: "fr-badge--purple-glycine",
}
