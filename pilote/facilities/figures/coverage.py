"""The taux de couverture of a CTG, per commune and for the whole CTG (DOMAIN.md §6).

Places per 100 children under 3: `100 × places / children`, never clamped (a small commune with
a crèche legitimately passes 100) and never a percentage. Places come from the register
(facilities of an under-3 kind, existing, capacity in places); children from the diagnostic's
figures, with their millésime. The published rate (data.caf.fr) is shown next to the computed
one as it was published: it is never recomputed from its rounded components.

The formula functions take plain values (no ORM); `load_coverage` reads what the coverage page
needs in a fixed number of queries and hands it to `build_coverage`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from pilote.core.formats import french_number as number

from ..enums import (
    UNDER_3_KINDS,
    AreaKind,
    CapacityUnit,
    FacilityKind,
    FacilityStatus,
    FigureKind,
)
from ..enums import FundingMode as Funding

HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


class Mode:
    """The columns of places of the coverage table (modes d'accueil of the Cnaf's TCG)."""

    EAJE_PSU = "eaje_psu"
    EAJE_OTHER = "eaje_hors_psu"
    EAJE_UNKNOWN = "eaje_inconnu"
    MAM = "mam"
    CHILDMINDERS = "assistants_maternels"
    HOME_CARE = "garde_domicile"

    LABELS = {
        EAJE_PSU: "EAJE PSU",
        EAJE_OTHER: "EAJE hors PSU (micro-crèches PAJE…)",
        EAJE_UNKNOWN: "EAJE, financement non renseigné",
        MAM: "MAM",
        CHILDMINDERS: "Assistants maternels",
        HOME_CARE: "Garde à domicile",
    }
    ORDER = [EAJE_PSU, EAJE_OTHER, EAJE_UNKNOWN, MAM, CHILDMINDERS, HOME_CARE]
    COLLECTIVE = {EAJE_PSU, EAJE_OTHER, EAJE_UNKNOWN}
    INDIVIDUAL = {MAM, CHILDMINDERS, HOME_CARE}


def mode_of(kind: str, funding: str) -> str | None:
    """Return the coverage column of a facility of this kind and Caf funding (None: not under 3)."""
    if kind == FacilityKind.EAJE:
        if funding == Funding.PSU:
            return Mode.EAJE_PSU
        if funding in (Funding.PAJE, Funding.SERVICE, Funding.NONE):
            return Mode.EAJE_OTHER
        return Mode.EAJE_UNKNOWN
    return {
        FacilityKind.MAM: Mode.MAM,
        FacilityKind.CHILDMINDERS: Mode.CHILDMINDERS,
        FacilityKind.HOME_CARE: Mode.HOME_CARE,
    }.get(kind)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class FacilityPlaces:
    """What the coverage needs of a facility of the register."""

    name: str
    kind: str
    funding: str = ""
    commune_code: str | None = None
    capacity: Decimal | None = None
    capacity_unit: str = CapacityUnit.PLACES
    status: str = FacilityStatus.EXISTING


@dataclass(frozen=True)
class Figure:
    """A figure of the diagnostic, as the coverage reads it."""

    area_kind: str
    area_code: str
    kind: str
    year: int
    value: Decimal
    source: str = ""
    area_name: str = ""


# --------------------------------------------------------------------------- formula


@dataclass(frozen=True)
class Rate:
    """A coverage rate in places per 100 children, or None with the reason in French."""

    value: Decimal | None
    reason: str = ""
    lower_bound: bool = False  # some facilities have no capacity: the true rate is higher

    @property
    def rounded(self) -> Decimal | None:
        """Return the rate to one decimal, as data.caf.fr publishes it."""
        if self.value is None:
            return None
        return self.value.quantize(TENTH, rounding=ROUND_HALF_UP)


def coverage_rate(places: Decimal | int, children: Decimal | int | None) -> Rate:
    """Return 100 × places / children, never clamped; None with a reason when it cannot be."""
    if children is None:
        return Rate(None, "nombre d'enfants de moins de 3 ans inconnu")
    children = Decimal(children)
    if children <= 0:
        return Rate(None, "aucun enfant de moins de 3 ans recensé : le taux n'a pas de sens")
    return Rate(HUNDRED * Decimal(places) / children)


def latest(figures: list[Figure]) -> Figure | None:
    """Return the figure of the most recent millésime (None if there is none)."""
    return max(figures, key=lambda figure: figure.year, default=None)


# --------------------------------------------------------------------------- table


@dataclass
class Children:
    """The number of children under 3 used as denominator, and where it comes from."""

    value: Decimal
    years: list[int]
    origin: str  # "commune", "communes" (sum) or "epci"
    note: str = ""

    @property
    def years_label(self) -> str:
        years = sorted(set(self.years))
        if len(years) == 1:
            return str(years[0])
        return f"{years[0]}–{years[-1]}"


@dataclass
class CoverageRow:
    """Places, children and rates of one commune, or of the whole CTG."""

    code: str
    name: str
    places: dict[str, Decimal] = field(default_factory=dict)
    facility_count: int = 0
    missing_capacity: list[str] = field(default_factory=list)
    fte_only: list[str] = field(default_factory=list)
    children: Children | None = None
    children_reason: str = ""
    published: Figure | None = None
    published_eaje: Figure | None = None
    cells: list[Decimal] = field(default_factory=list)  # places per shown mode, in order
    is_total: bool = False

    @property
    def total_places(self) -> Decimal:
        return sum(self.places.values(), Decimal(0))

    @property
    def collective_places(self) -> Decimal:
        return sum((v for k, v in self.places.items() if k in Mode.COLLECTIVE), Decimal(0))

    @property
    def individual_places(self) -> Decimal:
        return sum((v for k, v in self.places.items() if k in Mode.INDIVIDUAL), Decimal(0))

    @property
    def has_under_3_facility(self) -> bool:
        return self.facility_count > 0

    def _rate(self, places: Decimal) -> Rate:
        if self.children is None:
            return Rate(None, self.children_reason or "nombre d'enfants de moins de 3 ans inconnu")
        if self.is_total and not self.facility_count:
            # An empty register says nothing about the offer: no "0" rate for the whole CTG.
            return Rate(None, "le registre ne contient aucun mode d'accueil des moins de 3 ans")
        missing = len(self.missing_capacity)
        if missing and not self.total_places:
            plural = "s" if missing > 1 else ""
            return Rate(None, f"capacité non renseignée pour {missing} équipement{plural}")
        rate = coverage_rate(places, self.children.value)
        if missing and rate.value is not None:
            return Rate(rate.value, lower_bound=True)
        return rate

    @property
    def rate(self) -> Rate:
        return self._rate(self.total_places)

    @property
    def collective_rate(self) -> Rate:
        return self._rate(self.collective_places)

    @property
    def individual_rate(self) -> Rate:
        return self._rate(self.individual_places)

    def places_of(self, mode: str) -> Decimal:
        return self.places.get(mode, Decimal(0))


@dataclass
class CoverageTable:
    rows: list[CoverageRow]
    total: CoverageRow
    modes: list[str]
    departement: Figure | None = None
    france: Figure | None = None
    without_commune: CoverageRow | None = None

    @property
    def communes_without_facility(self) -> list[CoverageRow]:
        return [row for row in self.rows if not row.has_under_3_facility]

    @property
    def mode_labels(self) -> list[tuple[str, str]]:
        return [(mode, Mode.LABELS[mode]) for mode in self.modes]

    @property
    def missing_capacity(self) -> list[str]:
        return self.total.missing_capacity

    @property
    def fte_only(self) -> list[str]:
        return self.total.fte_only


def _add_facility(row: CoverageRow, facility: FacilityPlaces, mode: str) -> None:
    row.facility_count += 1
    if facility.capacity is None:
        row.missing_capacity.append(facility.name)
    elif facility.capacity_unit != CapacityUnit.PLACES:
        row.fte_only.append(facility.name)
    else:
        row.places[mode] = row.places.get(mode, Decimal(0)) + facility.capacity


def build_coverage(
    *,
    communes: list[tuple[str, str]],
    facilities: list[FacilityPlaces],
    figures: list[Figure],
    epci_code: str | None = None,
    epci_name: str = "",
    departement_code: str | None = None,
    epci_fully_covered: bool = True,
) -> CoverageTable:
    """Return the coverage table of a CTG: one row per commune (code, name) and the total row.

    Only existing facilities of an under-3 kind count; those without a capacity, or with a
    capacity in ETP, are counted apart and listed, never added as 0. Children under 3 are the
    latest figure of each commune; the CTG total adds the communes' figures when every commune
    has one, and otherwise takes the EPCI's figure (saying so).
    """
    figure_of = _FigureIndex(figures)
    rows = {code: CoverageRow(code=code, name=name) for code, name in communes}
    total = CoverageRow(code=epci_code or "", name="Ensemble de la CTG", is_total=True)
    without_commune = CoverageRow(code="", name="Équipements sans commune renseignée")
    for facility in facilities:
        mode = mode_of(facility.kind, facility.funding)
        if facility.kind not in UNDER_3_KINDS or mode is None:
            continue
        if facility.status != FacilityStatus.EXISTING:
            continue
        _add_facility(total, facility, mode)
        row = rows.get(facility.commune_code or "")
        _add_facility(row if row is not None else without_commune, facility, mode)

    for row in rows.values():
        children = figure_of(AreaKind.COMMUNE, row.code, FigureKind.CHILDREN_UNDER_3)
        if children is not None:
            row.children = Children(children.value, [children.year], origin="commune")
        else:
            row.children_reason = "nombre d'enfants de moins de 3 ans de la commune inconnu"
        row.published = figure_of(AreaKind.COMMUNE, row.code, FigureKind.PUBLISHED_COVERAGE)
        row.published_eaje = figure_of(
            AreaKind.COMMUNE, row.code, FigureKind.PUBLISHED_COVERAGE_EAJE
        )

    total.children, total.children_reason = _total_children(
        list(rows.values()),
        figure_of(AreaKind.EPCI, epci_code, FigureKind.CHILDREN_UNDER_3),
        epci_name=epci_name,
        epci_fully_covered=epci_fully_covered,
    )
    total.published = figure_of(AreaKind.EPCI, epci_code, FigureKind.PUBLISHED_COVERAGE)
    total.published_eaje = figure_of(AreaKind.EPCI, epci_code, FigureKind.PUBLISHED_COVERAGE_EAJE)

    # The "funding unknown" column only appears when the register has such places.
    modes = [m for m in Mode.ORDER if m != Mode.EAJE_UNKNOWN or total.places_of(m)]
    for row in [*rows.values(), total, without_commune]:
        row.cells = [row.places_of(mode) for mode in modes]
    return CoverageTable(
        rows=sorted(rows.values(), key=lambda row: (row.name, row.code)),
        total=total,
        modes=modes,
        departement=figure_of(
            AreaKind.DEPARTEMENT, departement_code, FigureKind.PUBLISHED_COVERAGE
        ),
        france=figure_of.france(),
        without_commune=without_commune if without_commune.facility_count else None,
    )


class _FigureIndex:
    """The latest figure of each (area kind, code, figure kind)."""

    def __init__(self, figures: list[Figure]) -> None:
        self.by_area: dict[tuple[str, str, str], list[Figure]] = defaultdict(list)
        for figure in figures:
            self.by_area[(figure.area_kind, figure.area_code, figure.kind)].append(figure)

    def __call__(self, area_kind: str, code: str | None, kind: str) -> Figure | None:
        if not code:
            return None
        return latest(self.by_area.get((area_kind, code, kind), []))

    def france(self) -> Figure | None:
        """Return the latest national published rate, whatever code the file gave France."""
        return latest(
            [
                figure
                for (area_kind, _code, kind), items in self.by_area.items()
                if area_kind == AreaKind.FRANCE and kind == FigureKind.PUBLISHED_COVERAGE
                for figure in items
            ]
        )


def _total_children(
    rows: list[CoverageRow],
    epci_children: Figure | None,
    *,
    epci_name: str,
    epci_fully_covered: bool,
) -> tuple[Children | None, str]:
    """Return the CTG's children under 3 (the communes' sum, else the EPCI's), or why unknown."""
    known = [row for row in rows if row.children is not None]
    if rows and len(known) == len(rows):
        children = Children(
            sum((row.children.value for row in known), Decimal(0)),
            [year for row in known for year in row.children.years],
            origin="communes",
            note="somme des chiffres des communes",
        )
        return children, ""
    if epci_children is not None:
        note = f"chiffre de l'EPCI {epci_name}".strip()
        if not epci_fully_covered:
            note += " (attention : la CTG ne couvre pas toutes les communes de l'EPCI)"
        return Children(epci_children.value, [epci_children.year], origin="epci", note=note), ""
    if known:
        return None, (
            f"enfants de moins de 3 ans connus pour {len(known)} commune"
            f"{'s' if len(known) > 1 else ''} sur {len(rows)} seulement, et aucun chiffre de "
            "l'EPCI"
        )
    return None, "aucun chiffre d'enfants de moins de 3 ans (communes ou EPCI)"


# --------------------------------------------------------------------------- reader


COVERAGE_FIGURE_KINDS = [
    FigureKind.CHILDREN_UNDER_3,
    FigureKind.PUBLISHED_COVERAGE,
    FigureKind.PUBLISHED_COVERAGE_EAJE,
]


def load_coverage(convention) -> CoverageTable:
    """Return the coverage table of a CTG, read in four queries whatever its size."""
    from pilote.territories.models import Commune

    from ..models import Facility, TerritoryFigure

    communes = list(convention.communes.order_by("name", "code").values_list("code", "name"))
    facilities = [
        FacilityPlaces(
            name=name,
            kind=kind,
            funding=funding,
            commune_code=commune_id,
            capacity=capacity,
            capacity_unit=unit,
            status=status,
        )
        for name, kind, funding, commune_id, capacity, unit, status in Facility.objects.filter(
            convention=convention, kind__in=list(UNDER_3_KINDS)
        )
        .order_by("name", "pk")
        .values_list("name", "kind", "funding", "commune_id", "capacity", "capacity_unit", "status")
    ]
    figures = [
        Figure(area_kind=a, area_code=c, kind=k, year=y, value=v, source=s, area_name=n)
        for a, c, k, y, v, s, n in TerritoryFigure.objects.filter(
            convention=convention, kind__in=COVERAGE_FIGURE_KINDS
        ).values_list("area_kind", "area_code", "kind", "year", "value", "source", "area_name")
    ]
    fully_covered = True
    if convention.epci_id:
        members = set(
            Commune.objects.filter(epci_id=convention.epci_id).values_list("code", flat=True)
        )
        fully_covered = {code for code, _ in communes} >= members
    return build_coverage(
        communes=communes,
        facilities=facilities,
        figures=figures,
        epci_code=convention.epci_id,
        epci_name=convention.epci.name if convention.epci_id else "",
        departement_code=convention.departement_id,
        epci_fully_covered=fully_covered,
    )


# --------------------------------------------------------------------------- chart


BAR_COLOUR, PUBLISHED_COLOUR, TEXT_COLOUR, GRID_COLOUR = "#000091", "#e1000f", "#3a3a3a", "#dddddd"


def coverage_chart(table: CoverageTable, *, chart_id: str = "graphique-couverture") -> SafeString:
    """Return a horizontal bar chart (SVG) of the computed rate of each commune that has one.

    The page shows the same figures in its table, which is what assistive technologies read;
    the chart has a title and a description.
    """
    bars = [
        (row.name, row.rate, row.published.value if row.published else None)
        for row in [*table.rows, table.total]
        if row.rate.value is not None
    ]
    if not bars:
        return mark_safe("")
    label_w, right, row_h, top = 230, 70, 26, 30
    width = 760
    plot_w = width - label_w - right
    references = [float(v) for _, rate, p in bars for v in (rate.rounded, p) if v is not None]
    if table.departement is not None:
        references.append(float(table.departement.value))
    high = max([100.0, *references])
    height = top + row_h * len(bars) + 24

    def x(value: float) -> float:
        return label_w + value / high * plot_w

    description = "; ".join(
        f"{name} : {'au moins ' if rate.lower_bound else ''}{number(rate.rounded)} places pour "
        "100 enfants" + (f" (publié : {number(published)})" if published is not None else "")
        for name, rate, published in bars
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-titre {chart_id}-desc" focusable="false" '
        f'style="width:100%;max-width:48rem;height:auto;display:block">',
        f'<title id="{chart_id}-titre">Taux de couverture calculé (places pour 100 enfants de '
        f"moins de 3 ans)</title>",
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for tick in range(0, int(high) + 1, 25 if high <= 200 else 50):
        tx = x(tick)
        parts.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{top - 6}" y2="{height - 24}" '
            f'stroke="{GRID_COLOUR}"/>'
            f'<text x="{tx:.1f}" y="{top - 12}" text-anchor="middle" font-size="12" '
            f'fill="{TEXT_COLOUR}">{tick}</text>'
        )
    if table.departement is not None:
        dx = x(float(table.departement.value))
        parts.append(
            f'<line x1="{dx:.1f}" x2="{dx:.1f}" y1="{top - 6}" y2="{height - 24}" '
            f'stroke="{TEXT_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{dx:.1f}" y="{height - 8}" text-anchor="middle" font-size="12" '
            f'fill="{TEXT_COLOUR}">Département : {escape(number(table.departement.value))}</text>'
        )
    for index, (name, rate, published) in enumerate(bars):
        y = top + index * row_h
        value = rate.rounded
        bar_end = x(float(value))
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="13" '
            f'fill="{TEXT_COLOUR}">{escape(name[:32])}</text>'
            f'<rect x="{label_w}" y="{y + 5}" width="{bar_end - label_w:.1f}" height="16" '
            f'fill="{BAR_COLOUR}"/>'
            f'<text x="{bar_end + 6:.1f}" y="{y + 18}" font-size="12" '
            f'fill="{TEXT_COLOUR}">{"≥ " if rate.lower_bound else ""}{escape(number(value))}</text>'
        )
        if published is not None:
            px = x(float(published))
            parts.append(
                f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{y + 1}" y2="{y + 25}" '
                f'stroke="{PUBLISHED_COLOUR}" stroke-width="3"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
