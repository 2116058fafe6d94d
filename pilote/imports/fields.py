"""Read the values of a fiche as plans write them: periods, pilots, priority, origin."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import fold

_YEAR = r"(?:19|20)\d\d"
_POINT = rf"(?:(?:T|trim(?:estre)?\.? *)(?P<{{q}}>[1-4]) *)?(?P<{{y}}>{_YEAR})"
_SPAN = re.compile(
    r"(?<![\d])"
    + _POINT.format(q="q1", y="y1")
    + r"(?: *(?:[-–—/]|à|au|a) *"
    + _POINT.format(q="q2", y="y2")
    + r")?(?!\d)"
)
_SHORT_SPAN = re.compile(rf"(?<!\d)(?P<y1>{_YEAR}) *[-/] *(?P<y2>\d\d)(?!\d)")
_PERIOD_CELL = re.compile(
    r"^(?:(?:T[1-4] *)?(?:19|20)\d\d(?: *[-–—/] *(?:T[1-4] *)?(?:19|20)?\d\d)?[ ,;]*)+$",
    re.IGNORECASE,
)
_MARKS = re.compile(r"^[■□▪●•✓✔✗✘xX☒☑\s*+-]+$")


@dataclass
class Period:
    start_year: int | None = None
    start_quarter: int | None = None
    end_year: int | None = None
    end_quarter: int | None = None

    @property
    def empty(self) -> bool:
        return self.start_year is None and self.end_year is None


def is_period_text(text: str) -> bool:
    """Return whether a cell holds only years or spans ("2025", "2025-2026 2027", "T2 2026")."""
    return bool(_PERIOD_CELL.match(text.strip())) if len(text) < 400 else False


def is_marks(text: str) -> bool:
    """Return whether a cell holds only check marks (■, x, ✓)."""
    stripped = text.strip()
    return bool(stripped) and len(stripped) < 20 and bool(_MARKS.match(stripped))


def period_tokens(text: str) -> list[Period]:
    """Return each year or span written in the text, in order ("2026 2025-2026" → two)."""
    periods = []
    for match in _SPAN.finditer(text[:2000]):
        periods.append(_period(match))
    return periods


def parse_period(text: str, *, start_only: bool = False) -> Period:
    """Return the period a text gives: "2025" → 2025–2025, "2025-2026", "T2 2026", "2023/24".

    start_only: the column says when the action starts ("démarrage en"), not its span.
    """
    text = text[:2000]
    short = _SHORT_SPAN.search(text)
    if short:
        start = int(short.group("y1"))
        end = (start // 100) * 100 + int(short.group("y2"))
        if 0 <= end - start <= 10:
            return Period(start, None, end, None)
    matches = list(_SPAN.finditer(text))
    if not matches:
        return Period()
    periods = [_period(match) for match in matches]
    first, last = periods[0], periods[-1]
    period = Period(first.start_year, first.start_quarter, last.end_year, last.end_quarter)
    if start_only and len(periods) == 1 and matches[0].group("y2") is None:
        period.end_year = period.end_quarter = None
    if (
        period.end_year is not None
        and period.start_year is not None
        and (period.end_year, period.end_quarter or 4)
        < (period.start_year, period.start_quarter or 1)
    ):
        return Period(period.start_year, period.start_quarter, None, None)
    return period


def _period(match: re.Match) -> Period:
    start = int(match.group("y1"))
    start_quarter = int(match.group("q1")) if match.group("q1") else None
    if match.group("y2"):
        end = int(match.group("y2"))
        end_quarter = int(match.group("q2")) if match.group("q2") else None
    else:
        end, end_quarter = start, start_quarter
    return Period(start, start_quarter, end, end_quarter)


_ORG_SPLIT = re.compile(r"\s*(?:\+|;|\s[-–—]\s|\s/\s|/\s|\n)\s*")
_ORG_PREFIX = re.compile(r"^\((?:[^()]{0,40})\)\s*:?\s*|^[:\-–—•*]\s*")


def split_organisations(text: str, *, commas: bool = False) -> list[str]:
    """Return the organisation names of a pilots or partners cell ("CTG + CCAS - Caf").

    commas: also split on commas ("CCAS, Caf"), as pilot lists write them; partner lists
    use commas inside names ("Structures petite enfance, enfance, jeunesse").
    """
    names: list[str] = []
    seen: set[str] = set()
    parts = _ORG_SPLIT.split(text[:3000])
    if commas:
        parts = [piece for part in parts for piece in part.split(",")]
    for part in parts:
        name = _ORG_PREFIX.sub("", part.strip()).strip(" .:;-–—")
        name = " ".join(name.split())
        if len(name) < 2 or len(name) > 255 or not any(char.isalpha() for char in name):
            continue
        name = name[:1].upper() + name[1:]
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names[:30]


def priority_value(text: str) -> str:
    """Return "haute", "moyenne", "basse" or "" from a priority cell ("Priorité 1", "forte")."""
    folded = fold(text)
    if re.search(r"\b(haute|forte|elevee|prioritaire|tres important|p1|1)\b", folded):
        return "haute"
    if re.search(r"\b(moyenne|normale|p2|2)\b", folded):
        return "moyenne"
    if re.search(r"\b(basse|faible|p3|3)\b", folded):
        return "basse"
    return ""


def origin_value(text: str) -> str:
    """Return "existant", "a_renforcer", "nouveau" or "" from an origin cell."""
    folded = fold(text)
    if "renforc" in folded or "developp" in folded:
        return "a_renforcer"
    if "nouve" in folded or "creation" in folded:
        return "nouveau"
    if "exist" in folded or "poursuite" in folded:
        return "existant"
    return ""
