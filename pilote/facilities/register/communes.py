"""Find the commune a register file names: INSEE code, postcode, name, or both."""

from __future__ import annotations

import re
from collections import defaultdict

from pilote.core.text import normalize_search
from pilote.territories.models import Commune

from .services import territory_communes


def commune_key(text: str) -> str:
    """Return a commune name to compare: no accents, case or hyphens, "St" read as "Saint"."""
    text = text.strip()
    article = re.match(r"^(.*?)\s*\((le|la|les|l')\)$", text, re.IGNORECASE)
    if article:  # "Mées (Les)" as in some INSEE lists
        text = f"{article.group(2)} {article.group(1)}"
    words = normalize_search(text).split()
    replacements = {"st": "saint", "ste": "sainte", "s": "sur"}
    return " ".join(replacements.get(word, word) for word in words)


class CommuneIndex:
    """Find a commune of the CTG's territory from what a file says about it."""

    CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$", re.IGNORECASE)
    POSTCODE_AND_NAME = re.compile(r"^(\d{5})\s*[-–,]?\s*(\D.*)$")
    NAME_AND_CODE = re.compile(r"^(.*?)\s*\(\s*(\d{5}|2[AB]\d{3})\s*\)$", re.IGNORECASE)

    def __init__(self, convention) -> None:
        self.communes = list(territory_communes(convention))
        self.by_code = {commune.code: commune for commune in self.communes}
        self.by_name: dict[str, list[Commune]] = defaultdict(list)
        self.by_postcode: dict[str, list[Commune]] = defaultdict(list)
        for commune in self.communes:
            self.by_name[commune_key(commune.name)].append(commune)
            for postcode in commune.postal_codes.split():
                self.by_postcode[postcode].append(commune)
        self._outside: dict[str, Commune | None] = {}

    def from_code(self, code: str) -> tuple[Commune | None, str]:
        """Return the commune with this INSEE code, or None and why not."""
        code = code.strip().upper()
        if code in self.by_code:
            return self.by_code[code], ""
        if code not in self._outside:
            self._outside[code] = Commune.objects.filter(code=code).first()
        other = self._outside[code]
        if other is not None:
            return None, f"la commune {other.name} ({code}) n'est pas dans le territoire de la CTG."
        return None, f"le code INSEE « {code} » ne correspond à aucune commune."

    def from_text(self, text: str) -> tuple[Commune | None, str]:
        """Return the commune named by text ("04510 AIGLUN", "Aiglun (04001)", "04001"…)."""
        text = text.strip()
        match = self.NAME_AND_CODE.match(text)
        if match:
            return self.from_code(match.group(2))
        if self.CODE.match(text):
            if text.upper() in self.by_code:
                return self.by_code[text.upper()], ""
            found = self.by_postcode.get(text, [])
            if len(found) == 1:
                return found[0], ""
            if found:
                names = ", ".join(commune.name for commune in found)
                return None, (
                    f"le code postal {text} correspond à plusieurs communes de la CTG ({names}) : "
                    "indiquez le nom de la commune ou son code INSEE."
                )
            return self.from_code(text)
        postcode = ""
        match = self.POSTCODE_AND_NAME.match(text)
        if match:
            postcode, text = match.group(1), match.group(2)
        key = commune_key(text)
        found = self.by_name.get(key, [])
        if not found and key:
            # "04000 DIGNE" for Digne-les-Bains: a unique beginning, confirmed by the postcode.
            found = [
                commune
                for name, communes in self.by_name.items()
                if name.startswith(key + " ")
                for commune in communes
            ]
            if postcode:
                found = [c for c in found if postcode in c.postal_codes.split()]
            elif len(found) > 1:
                found = []
        if len(found) > 1 and postcode:
            found = [c for c in found if postcode in c.postal_codes.split()] or found
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, (
                f"« {text} » désigne plusieurs communes de la CTG : indiquez le code INSEE."
            )
        return None, f"« {text} » ne correspond à aucune commune de la CTG."
