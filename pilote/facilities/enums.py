"""Choices of the facilities app, with their French labels (DOMAIN.md §5–§8)."""

from django.db import models


class FacilityKind(models.TextChoices):
    """Type of a facility or service (typology of DOMAIN.md §8, labels of seed 003 annexe 2)."""

    EAJE = "eaje", "Établissement d'accueil du jeune enfant (EAJE)"
    MAM = "mam", "Maison d'assistants maternels (MAM)"
    CHILDMINDERS = "assistants_maternels", "Assistants maternels"
    HOME_CARE = "garde_domicile", "Garde à domicile"
    RPE = "rpe", "Relais petite enfance (RPE)"
    LAEP = "laep", "Lieu d'accueil enfants-parents (LAEP)"
    ALSH = "alsh", "Accueil de loisirs sans hébergement (ALSH)"
    YOUTH = "jeunesse", "Structure jeunesse / accueil de jeunes"
    CLAS = "clas", "Contrat local d'accompagnement à la scolarité (CLAS)"
    REAAP = "reaap", "Réseau d'écoute, d'appui et d'accompagnement des parents (REAAP)"
    FAMILY_MEDIATION = "mediation_familiale", "Médiation familiale"
    MEETING_PLACE = "espace_rencontre", "Espace de rencontre"
    SOCIAL_CENTRE = "centre_social", "Centre social"
    EVS = "evs", "Espace de vie sociale (EVS)"
    SAAD = "saad", "Aide et accompagnement à domicile (SAAD familles)"
    FJT = "fjt", "Foyer de jeunes travailleurs (FJT)"
    FRANCE_SERVICES = "france_services", "France Services"
    COORDINATION = "charge_cooperation", "CTG - Chargé de coopération"
    OTHER = "autre", "Autre"


# Kinds that offer places to children under 3 (numerator of the taux de couverture, §6).
UNDER_3_KINDS = {
    FacilityKind.EAJE,
    FacilityKind.MAM,
    FacilityKind.CHILDMINDERS,
    FacilityKind.HOME_CARE,
}


class CapacityUnit(models.TextChoices):
    PLACES = "places", "places"
    FTE = "etp", "ETP"


class FundingMode(models.TextChoices):
    """How a facility is funded by the Caf (PSU for EAJE, PAJE for micro-crèches…)."""

    PSU = "psu", "PSU (prestation de service unique)"
    PAJE = "paje", "PAJE (complément de libre choix du mode de garde)"
    SERVICE = "ps", "Prestation de service (autre)"
    NONE = "aucun", "Sans financement Caf"


class FacilityStatus(models.TextChoices):
    EXISTING = "existant", "Existant"
    PLANNED = "projet", "En projet"
    CLOSED = "ferme", "Fermé"


class AreaKind(models.TextChoices):
    """The kind of territory a figure describes."""

    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTEMENT = "departement", "Département"
    FRANCE = "france", "France"


class FigureKind(models.TextChoices):
    """Figures of the diagnostic (annexe 1 of seed 003) and the published coverage (§6)."""

    POPULATION = "population", "Population"
    BIRTHS = "naissances", "Naissances"
    CHILDREN_UNDER_3 = "enfants_0_2", "Enfants de moins de 3 ans"
    CHILDREN_3_11 = "enfants_3_11", "Enfants de 3 à 11 ans"
    YOUTH_12_17 = "jeunes_12_17", "Jeunes de 12 à 17 ans"
    YOUTH_UNDER_25 = "jeunes_moins_25", "Jeunes de moins de 25 ans"
    ALLOCATAIRES = "allocataires", "Foyers allocataires"
    COVERED_PEOPLE = "personnes_couvertes", "Personnes couvertes par la Caf"
    FAMILIES = "familles_allocataires", "Familles allocataires"
    LOW_INCOME_RATE = "taux_bas_revenus", "Foyers allocataires à bas revenus (%)"
    SINGLE_PARENT_FAMILIES = "familles_monoparentales", "Familles monoparentales"
    UNEMPLOYMENT_RATE = "taux_chomage", "Taux de chômage (%)"
    RSA = "rsa", "Foyers bénéficiaires du RSA"
    HOUSING_AID_RATE = "taux_aide_logement", "Allocataires bénéficiant d'une aide au logement (%)"
    PUBLISHED_COVERAGE = "txcouv", "Taux de couverture global publié (places pour 100 enfants)"
    PUBLISHED_COVERAGE_EAJE = "txcouv_eaje", "Taux de couverture EAJE publié"
    PUBLISHED_PLACES_TOTAL = "nbpla_total", "Places d'accueil publiées (toutes formes)"
    PUBLISHED_PLACES_EAJE = "nbpla_eaje", "Places en EAJE publiées"
    PUBLISHED_PLACES_CHILDMINDERS = "nbpla_am", "Places chez les assistants maternels publiées"
    OTHER = "autre", "Autre chiffre"


class PopulationBasis(models.TextChoices):
    """Which INSEE population decides the AO thresholds of a commune acting alone (§5, open)."""

    TOTALE = "totale", "Population totale"
    MUNICIPALE = "municipale", "Population municipale"


class Competence(models.TextChoices):
    """The four competences of an autorité organisatrice (CASF L. 214-1-3)."""

    NEEDS = "recenser", "Recenser les besoins et l'offre"
    INFORM = "informer", "Informer et accompagner les familles"
    PLAN = "planifier", "Planifier le développement de l'offre"
    QUALITY = "qualite", "Soutenir la qualité des modes d'accueil"


class SchemaMode(models.TextChoices):
    """Rows of the schéma pluriannuel table of seed 003."""

    EAJE_PSU = "eaje_psu", "EAJE PSU"
    MICRO_CRECHE_PAJE = "micro_paje", "Micro-crèche PAJE"
    MAM = "mam", "MAM"
    CHILDMINDERS = "assistants_maternels", "Assistants maternels (hors MAM)"
    RPE = "rpe", "RPE"
    BRIDGES = "passerelles", "Dispositifs passerelles"
    OTHER = "autre", "Autre"


class SchemaContent(models.TextChoices):
    """Contents a schéma pluriannuel must hold (CASF D. 214-10-1, décret n° 2025-253)."""

    INVENTORY = "inventaire", "État des lieux de l'offre d'accueil existante"
    NEEDS = "besoins", "Besoins d'accueil des enfants de moins de trois ans"
    ZONES = "zones", "Zones où l'offre est insuffisante"
    OBJECTIVES = (
        "objectifs",
        "Objectifs de maintien, de développement ou de redéploiement de l'offre",
    )
    JOBS = "emplois", "Besoins en emplois et en compétences"
    VULNERABLE_FAMILIES = (
        "familles",
        ("Mesures pour les familles en difficulté (emploi, santé, handicap, faibles revenus)"),
    )
    QUALITY = "qualite", "Soutien à la qualité des modes d'accueil"
    INVESTMENTS = "investissements", "Projets d'investissement"
    COSTS = "couts", "Coûts prévisionnels et moyens mobilisés"
    CALENDAR = "calendrier", "Calendrier de mise en œuvre"
    INDICATORS = "indicateurs", "Indicateurs de suivi"
