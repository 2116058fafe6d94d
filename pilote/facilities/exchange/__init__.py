"""The facilities part of the CTG JSON export: register, diagnostic figures, petite enfance.

pilote.exchange calls these two functions, so that one JSON file still holds a whole CTG.
"""

from __future__ import annotations

from typing import Any

from pilote.core.exchange import REFUSED, ExchangeError

from ..exceptions import FacilitiesError
from .figures import export_figures, import_figures
from .petite_enfance import export_petite_enfance, import_petite_enfance
from .register import export_facilities, import_facilities


def export_sections(convention, *, include_internal: bool = True) -> dict[str, Any]:
    """Return the facilities, figures and petite-enfance sections of a CTG's export."""
    return {
        "facilities": export_facilities(convention, include_internal=include_internal),
        "figures": export_figures(convention),
        "petite_enfance": export_petite_enfance(convention),
    }


def import_sections(convention, data: dict[str, Any]) -> None:
    """Write the sections present in an export into a just-imported CTG (caller's transaction)."""
    try:
        if "facilities" in data:
            import_facilities(convention, data["facilities"])
        if "figures" in data:
            import_figures(convention, data["figures"])
        if "petite_enfance" in data:
            import_petite_enfance(convention, data["petite_enfance"])
    except FacilitiesError as error:
        raise ExchangeError(f"{REFUSED} : {error}") from error
