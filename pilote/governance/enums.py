from django.db import models


class BodyKind(models.TextChoices):
    COPIL = "copil", "Comité de pilotage (COPIL)"
    COTECH = "cotech", "Comité technique"
    COMMISSION = "commission", "Commission thématique"
    OTHER = "autre", "Autre instance"


class MeetingKind(models.TextChoices):
    ANNUAL = "point_etape", "Point d'étape annuel"
    MIDTERM = "bilan_intermediaire", "Bilan intermédiaire"
    FINAL = "bilan_final", "Bilan final"
    OTHER = "autre", "Autre réunion"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Présent·e"
    REPRESENTED = "represente", "Représenté·e"
    EXCUSED = "excuse", "Excusé·e"
    ABSENT = "absent", "Absent·e"


class DecisionKind(models.TextChoices):
    VALIDATION = "validation", "Validation"
    POSTPONE = "report", "Report"
    CHANGE = "modification", "Modification"
    ABANDON = "abandon", "Abandon"
    NEW_ACTION = "nouvelle_action", "Nouvelle action"
    OTHER = "autre", "Autre décision"


class ReviewKind(models.TextChoices):
    """The three bilans of a CTG (seed 003, art. 9): yearly, mid-term and final."""

    ANNUAL = "annuel", "Bilan annuel"
    MIDTERM = "intermediaire", "Bilan intermédiaire"
    FINAL = "final", "Bilan final"


class ReviewStatus(models.TextChoices):
    DRAFT = "brouillon", "En préparation"
    CLOSED = "clos", "Clos (figé)"
