from django.db import models


class Origin(models.TextChoices):
    EXISTING = "existant", "Existant"
    STRENGTHEN = "a_renforcer", "À renforcer"
    NEW = "nouveau", "Nouveau"


class Priority(models.TextChoices):
    HIGH = "haute", "Haute"
    MEDIUM = "moyenne", "Moyenne"
    LOW = "basse", "Basse"


# The caf.fr list of CTG fields (DOMAIN.md §3); custom thematics are added per CTG.
CNAF_THEMATICS: list[tuple[str, str]] = [
    ("petite-enfance", "Petite enfance"),
    ("enfance", "Enfance"),
    ("jeunesse", "Jeunesse"),
    ("parentalite", "Parentalité"),
    ("acces-aux-droits", "Accès aux droits"),
    ("inclusion-numerique", "Inclusion numérique"),
    ("animation-vie-sociale", "Animation de la vie sociale"),
    ("logement", "Logement"),
    ("handicap", "Handicap"),
    ("accompagnement-social", "Accompagnement social"),
]
# Doctrine: a CTG covers at least these (warn, do not block).
REQUIRED_THEMATICS = ["petite-enfance", "jeunesse", "parentalite"]


class NumberingMode(models.TextChoices):
    """How "Renuméroter" derives numbers from the elements' positions."""

    HIERARCHICAL = "hierarchique", "Hiérarchique (1, 1.1, 1.1.2…)"
    PER_LEVEL = "par_niveau", "Par niveau, en recommençant à 1 dans chaque groupe"
    CONTINUOUS = "continue", "Continue : 1, 2, 3… sur tout le plan pour chaque niveau"
