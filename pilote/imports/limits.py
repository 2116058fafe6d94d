"""What a proposed plan may hold: beyond it, the file is refused, not proposed.

A CTG's plan has two to four levels and a few dozen to a few hundred elements; nine levels or
more than 5,000 elements means a misread file (every heading of a report taken for a level, a
sheet of data taken for a plan). The browser and the import_plan command refuse it the same way.
"""

from __future__ import annotations

from pilote.core.formats import french_number

MAX_LEVELS = 8
MAX_NODES = 5_000


def extent_problem(levels: int, nodes: int) -> str:
    """Return the French reason a plan of this many levels and elements is refused, or ""."""
    if levels > MAX_LEVELS:
        return (
            f"Le fichier donnerait un plan de {levels} niveaux : un plan d'actions en compte au "
            f"plus {MAX_LEVELS} (le plus souvent 2 à 4). Vérifiez que le fichier contient bien "
            "le plan (et, dans un tableur, la colonne « Niveau »), puis envoyez-le de nouveau."
        )
    if nodes > MAX_NODES:
        return (
            f"Le fichier donnerait un plan de plus de {french_number(MAX_NODES)} éléments : un "
            "plan d'actions en compte bien moins. Envoyez seulement le plan d'actions (sans les "
            "données ni les annexes)."
        )
    return ""
