"""The words a register file may use for a facility's type, unit, funding and status."""

from __future__ import annotations

import re

from pilote.core.text import normalize_search

from ..enums import CapacityUnit, FacilityKind, FacilityStatus, FundingMode


def _aliases(table: dict[str, list[str]], enum) -> dict[str, str]:
    """Return normalized text → code, from each choice's code, label, short label and synonyms."""
    result = {}
    for value, label in enum.choices:
        short = re.sub(r"\s*\(.*\)\s*$", "", label)
        inside = re.findall(r"\(([^)]*)\)", label)
        for text in (value, label, short, *inside, *table.get(value, [])):
            result.setdefault(normalize_search(text), value)
    return result


KIND_ALIASES = _aliases(
    {
        FacilityKind.EAJE: [
            "Etablissement d'Accueil du Jeune Enfant",
            "Crèche",
            "Multi-accueil",
            "Micro-crèche",
            "Halte-garderie",
            "Crèche familiale",
            "Crèche parentale",
            "Jardin d'enfants",
        ],
        FacilityKind.MAM: ["Maison d'assistantes maternelles", "Maison d'assistants maternels"],
        FacilityKind.CHILDMINDERS: [
            "Assistantes maternelles",
            "Assistant maternel",
            "Assistante maternelle",
        ],
        FacilityKind.HOME_CARE: ["Salarié à domicile", "Garde d'enfants à domicile"],
        FacilityKind.RPE: [
            "Relais Petite Enfance",
            "RAM",
            "Relais assistants maternels",
            "Relais assistantes maternelles",
        ],
        FacilityKind.LAEP: ["Lieu d'Accueil Enfants-Parents", "Lieu d'accueil enfant parent"],
        FacilityKind.ALSH: [
            "Accueil de loisirs sans hébergement",
            "Accueil de loisirs",
            "ACM",
            "Accueil collectif de mineurs",
            "Centre de loisirs",
            "Périscolaire",
            "Extrascolaire",
        ],
        FacilityKind.YOUTH: [
            "Structure Jeunesse",
            "Accueil de jeunes",
            "PS Jeunes",
            "Prestation de service jeunes",
            "Jeunesse",
            "Espace jeunes",
        ],
        FacilityKind.CLAS: ["Contrat Local d'Accompagnement à la Scolarité"],
        FacilityKind.FAMILY_MEDIATION: ["Service de médiation familiale"],
        FacilityKind.MEETING_PLACE: ["Espace rencontre", "Espace de rencontre parents-enfants"],
        FacilityKind.SOCIAL_CENTRE: ["Centre socioculturel", "Centre socio-culturel", "CSC"],
        FacilityKind.EVS: ["Espace de Vie Sociale"],
        FacilityKind.SAAD: [
            "Aide et Accompagnement à Domicile",
            "SAAD",
            "Aide à domicile",
            "Aide à domicile aux familles",
            "TISF",
        ],
        FacilityKind.FJT: ["Foyer jeunes travailleurs"],
        FacilityKind.FRANCE_SERVICES: ["Maison France Services", "MFS"],
        FacilityKind.COORDINATION: [
            "Chargé de coopération",
            "Chargée de coopération",
            "Chargé de coopération CTG",
            "Chargé(e) de coopération",
            "Coordination CTG",
        ],
    },
    FacilityKind,
)
UNIT_ALIASES = _aliases(
    {
        CapacityUnit.PLACES: ["place", "pl"],
        CapacityUnit.FTE: ["équivalent temps plein", "équivalents temps plein"],
    },
    CapacityUnit,
)
FUNDING_ALIASES = _aliases(
    {
        FundingMode.PSU: ["PSU", "Prestation de service unique"],
        FundingMode.PAJE: ["PAJE", "CMG", "Complément de libre choix du mode de garde"],
        FundingMode.SERVICE: ["PS", "Prestation de service", "Autre prestation de service"],
        FundingMode.NONE: ["Aucun", "Sans", "Non", "Sans financement", "Hors financement Caf"],
    },
    FundingMode,
)
STATUS_ALIASES = _aliases(
    {
        FacilityStatus.EXISTING: ["Existante", "En service", "Ouvert", "En fonctionnement"],
        FacilityStatus.PLANNED: ["Projet", "À créer", "Prévu", "En création"],
        FacilityStatus.CLOSED: ["Fermée", "Clos", "Fermeture"],
    },
    FacilityStatus,
)
KIND_SHORT_NAMES = ", ".join(
    (re.findall(r"\(([^)]*)\)", label) or [label])[0] for _, label in FacilityKind.choices
)
