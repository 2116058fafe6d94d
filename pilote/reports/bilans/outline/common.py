"""Constants and small helpers shared by the parts of a bilan's outline."""

from __future__ import annotations

import re
import struct

from pilote.core.formats import french_number, french_percent
from pilote.core.units import unit_suffix

from .. import charts
from ..blocks import (
    Block,
    Chart,
    Paragraph,
)

DASH = "–"

NO_VALUE = "—"

UPDATE_EXCERPT = 300  # characters of the latest "done" text in the table of actions

QUOTE_EXCERPT = 500  # characters of a highlight or difficulty quoted from an update

MAX_INDICATOR_CHARTS = 12

COVERAGE_CHART_LIMIT = 25  # communes in the coverage chart (the highest rates)

CHART_WIDTH_CM = 16.0

# The definitions of the dashboard (pilote.monitoring.dashboard), worded for a bilan.
METHOD_NOTES = (
    "Une action est un élément suivi du plan (niveau suivi de la CTG) ; son statut et son "
    "avancement sont ceux de son dernier point de suivi jusqu’au 4e trimestre de l’année du bilan.",
    "Une action est « en retard » quand sa fin prévue (trimestre de fin, ou 4e trimestre de son "
    "année de fin) est antérieure au trimestre de référence du bilan et que son dernier statut "
    "n’est ni « Réalisée » ni « Abandonnée » ; une action sans point de suivi compte comme non "
    "terminée.",
    "L’avancement moyen d’un axe ou d’une thématique est la moyenne de l’avancement déclaré au "
    "dernier point de suivi de ses actions ; les actions sans point de suivi sont exclues de la "
    "moyenne et comptées à part.",
    "L’état d’un indicateur compare sa dernière mesure à la cible de la même année : une valeur "
    "inférieure à la cible est signalée « sous la cible ».",
    "Le taux de couverture de référence est celui publié par la Caf (data.caf.fr), avec son "
    "millésime. Les places comptées au registre rapportent les capacités du registre des "
    "équipements aux enfants de moins de 3 ans : une estimation, incomplète tant que des "
    "capacités manquent au registre.",
)


def percent(value: int | float | str | None) -> str:
    """Return "54 %" (no-break space), or the em dash of a missing value."""
    return french_percent(value, empty=NO_VALUE)


def paragraphs(text: str, style: str = "body") -> list[Block]:
    """Return one Paragraph per paragraph of a text written by the coordination."""
    parts = [re.sub(r"[ \t]*\n[ \t]*", " ", part).strip() for part in re.split(r"\n\s*\n", text)]
    return [Paragraph(part, style) for part in parts if part]


def label(number: str, title: str) -> str:
    return f"{number} {title}".strip()


def measured(value: str | None, unit: str = "") -> str:
    return NO_VALUE if value is None else f"{french_number(value)}{unit_suffix(unit)}"


def png_size_cm(png: bytes) -> tuple[float, float]:
    """Return the width and height of a PNG in cm at the charts' resolution."""
    width, height = struct.unpack(">II", png[16:24])
    return width / charts.DPI * 2.54, height / charts.DPI * 2.54


def chart(png: bytes, alt: str, caption: str, *, max_width_cm: float = CHART_WIDTH_CM) -> Chart:
    """Return a Chart block of the image's own proportions, no wider than `max_width_cm`."""
    width, height = png_size_cm(png)
    if width > max_width_cm:
        height, width = height * max_width_cm / width, max_width_cm
    return Chart(
        png=png, width_cm=round(width, 2), height_cm=round(height, 2), alt=alt, caption=caption
    )
