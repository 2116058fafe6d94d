"""The planned periods of a proposed plan: what saving keeps, and the review's warnings.

saved_period is the one rule both writers follow (services.apply_proposal, and merge, which
applies the same rule to a spreadsheet): a year outside the CTG's period is left out with its
quarter; an end before the start is left out. period_warnings says it before saving, once per
problem, naming the elements concerned, so that what the review announces is what happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SHOWN_LABELS = 5  # elements named in one warning; the others are counted


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def saved_period(period: Any, years: list[int]) -> dict[str, int | None]:
    """Return the start and end (year, quarter) saved for a proposed period in these years."""
    period = period if isinstance(period, dict) else {}
    values = {key: _int(period.get(key)) for key in PERIOD_KEYS}
    for year_key, quarter_key in (("start_year", "start_quarter"), ("end_year", "end_quarter")):
        if values[year_key] is not None and values[year_key] not in years:
            values[year_key] = values[quarter_key] = None
        if values[quarter_key] is not None and not 1 <= values[quarter_key] <= 4:
            values[quarter_key] = None
        if values[year_key] is None:
            values[quarter_key] = None
    if _ends_before(values):
        values["end_year"] = values["end_quarter"] = None
    return values


PERIOD_KEYS = ("start_year", "start_quarter", "end_year", "end_quarter")


def _ends_before(values: dict[str, int | None]) -> bool:
    return bool(
        values["start_year"]
        and values["end_year"]
        and (values["end_year"], values["end_quarter"] or 4)
        < (values["start_year"], values["start_quarter"] or 1)
    )


@dataclass
class _Group:
    labels: list[str] = field(default_factory=list)

    def add(self, label: str) -> None:
        if label not in self.labels:
            self.labels.append(label)

    def named(self) -> str:
        shown = ", ".join(self.labels[:SHOWN_LABELS])
        more = len(self.labels) - SHOWN_LABELS
        return shown + (f" et {more} autre{'s' if more > 1 else ''}" if more > 0 else "")

    def count(self) -> str:
        many = len(self.labels) > 1
        return f"{len(self.labels)} élément{'s' if many else ''}"


def period_warnings(
    plan: list[dict], years: list[int], *, label, proposed: bool = False
) -> list[str]:
    """Return one French warning per period problem of the plan, with what saving will do.

    label(item) names an element; proposed: the years are those proposed for a new CTG.
    """
    if not years:
        return []
    outside: dict[int, _Group] = {}
    reversed_ = _Group()
    for item in _walk(plan):
        period = item.get("period") if isinstance(item.get("period"), dict) else {}
        for key in ("start_year", "end_year"):
            year = _int(period.get(key))
            if year is not None and year not in years:
                outside.setdefault(year, _Group()).add(label(item))
        kept = {key: _int(period.get(key)) for key in PERIOD_KEYS}
        for year_key, quarter_key in (("start_year", "start_quarter"), ("end_year", "end_quarter")):
            if kept[year_key] is not None and kept[year_key] not in years:
                kept[year_key] = kept[quarter_key] = None
        if _ends_before(kept):
            reversed_.add(label(item))
    span = f"{years[0]}–{years[-1]}"
    where = (
        f"la période proposée pour la nouvelle CTG ({span}, modifiable à l'enregistrement)"
        if proposed
        else f"la période de la CTG ({span})"
    )
    warnings = []
    for year in sorted(outside):
        group = outside[year]
        warnings.append(
            f"L'année {year} est hors de {where} pour {group.count()} "
            f"({group.named()}) : l'année sera ignorée à l'enregistrement, l'élément gardera "
            "son autre date s'il en a une."
        )
    if reversed_.labels:
        warnings.append(
            f"Fin avant le début pour {reversed_.count()} ({reversed_.named()}) : "
            f"l'élément sera enregistré sans date de fin."
        )
    return warnings


def _walk(items: list[dict]):
    for item in items:
        if isinstance(item, dict):
            yield item
            yield from _walk(item.get("children") or [])
