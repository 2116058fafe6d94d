"""The COPIL slide deck of a bilan, slide after slide."""

from __future__ import annotations

from .closing import decisions_slide, outlook_slide
from .deck import (
    Deck,
)
from .facilities import facilities_slides, petite_enfance_slides
from .indicators import indicators_slides
from .progress import axis_slides, comparison_slides, highlights_slide
from .summary import cover_slide, key_figures_slide, progress_chart_slides, status_chart_slide


def write_pptx(content: dict) -> bytes:
    """Return the COPIL slide deck (PPTX, 16:9) of a bilan from its content."""
    convention = content["convention"]["name"]
    footer = f"{content['kind_label']} {content['year']} – {convention}"
    deck = Deck(title=content["title"], subject=convention, footer=footer)
    cover_slide(deck, content)
    key_figures_slide(deck, content)
    status_chart_slide(deck, content)
    progress_chart_slides(deck, "Avancement moyen par axe", content["axes"])
    if len(content["thematics"]) >= 2:
        progress_chart_slides(deck, "Avancement moyen par thématique", content["thematics"])
    axis_slides(deck, content)
    comparison_slides(deck, content)
    highlights_slide(deck, content)
    indicators_slides(deck, content)
    facilities_slides(deck, content)
    petite_enfance_slides(deck, content)
    decisions_slide(deck, content)
    outlook_slide(deck, content)
    return deck.finish()
