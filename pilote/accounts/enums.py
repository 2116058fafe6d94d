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


class AuditAction(models.TextChoices):
    """What an entry of the audit log records (pilote.accounts.audit)."""

    LOGIN = "connexion", "Connexion"
    LOGIN_FAILED = "echec_connexion", "Échec de connexion"
    LOCKED_OUT = "compte_verrouille", "Compte verrouillé"
    LOGOUT = "deconnexion", "Déconnexion"
    SESSION_EXPIRED = "session_expiree", "Session expirée"
    INVITATION_SENT = "invitation_envoyee", "Invitation envoyée"
    INVITATION_ACCEPTED = "invitation_acceptee", "Invitation acceptée"
    INVITATION_REVOKED = "invitation_retiree", "Invitation retirée"
    ROLE_CHANGED = "role_modifie", "Rôle modifié"
    ROLE_REMOVED = "role_retire", "Rôle retiré"
    ACCOUNT_SUSPENDED = "compte_suspendu", "Compte suspendu"
    ACCOUNT_REACTIVATED = "compte_reactive", "Compte réactivé"
    DELETION_REQUESTED = "suppression_demandee", "Suppression du compte demandée"
    DELETION_CANCELLED = "suppression_retiree", "Demande de suppression retirée"
    PASSWORD_CHANGED = "mot_de_passe_modifie", "Mot de passe modifié"
    EXPORT = "export", "Export"
    DOWNLOAD = "telechargement", "Téléchargement"
    PUBLISHED = "publication", "Publication"
    UNPUBLISHED = "depublication", "Dépublication"
    DELETED = "suppression", "Suppression"
    RESTORED = "restauration", "Restauration"
    PARTNER_SUBMISSION = "soumission_partenaire", "Soumission partenaire"
    VALIDATION = "validation", "Validation"
    API_TOKEN_CREATED = "jeton_api_cree", "Jeton d'API créé"
    API_TOKEN_REVOKED = "jeton_api_revoque", "Jeton d'API révoqué"
    MARKED_INTERNAL = "marque_interne", "Élément du plan marqué interne"
    MARKED_SHARED = "marque_partage", "Élément du plan rendu visible à tous"
