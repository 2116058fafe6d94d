"""The blocks of a whole bilan, part after part."""

from __future__ import annotations

from ..blocks import (
    Block,
)
from .closing import annexes_section, budget_section, decisions_section
from .facilities import facilities_section, petite_enfance_section
from .indicators import indicators_section
from .progress import actions_section, comparison_section, highlights_section, progress_section
from .summary import cover_section, synthesis_section


def build_blocks(content: dict) -> list[Block]:
    """Return the blocks of a bilan, from its content (see bilans.content.build_bilan)."""
    blocks: list[Block] = [cover_section(content)]
    blocks += synthesis_section(content)
    blocks += progress_section(content)
    if content.get("comparison"):
        blocks += comparison_section(content)
    blocks += highlights_section(content)
    blocks += actions_section(content)
    blocks += indicators_section(content)
    blocks += decisions_section(content)
    blocks += facilities_section(content)
    blocks += petite_enfance_section(content)
    blocks += budget_section(content)
    blocks += annexes_section(content)
    return blocks
