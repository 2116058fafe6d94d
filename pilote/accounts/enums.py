from django.db import models


class Role(models.TextChoices):
    """What a membership lets a user do; see perms.py for the exact rules."""

    CAF_ADVISER = "caf_adviser", "Conseiller·ère territorial·e Caf"
    COORDINATOR = "coordinator", "Chargé·e de coopération CTG"
    REFERENT = "referent", "Référent·e (commune ou partenaire)"
    READER = "reader", "Lecteur·rice"


class OrganisationKind(models.TextChoices):
    CAF = "caf", "Caf"
    EPCI = "epci", "EPCI"
    COMMUNE = "commune", "Commune"
    DEPARTEMENT = "departement", "Conseil départemental"
    STATE = "state", "Services de l'État"
    MSA = "msa", "MSA"
    ASSOCIATION = "association", "Association"
    PUBLIC_SERVICE = "public_service", "Service ou établissement public"
    OTHER = "other", "Autre"
