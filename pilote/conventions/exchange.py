"""Full-fidelity JSON export and import of a CTG (format described in docs/json-format.md).

Export → import into an empty database → export gives the same JSON. An import is all-or-nothing:
it validates the whole document first, then writes it in one transaction.
"""

import datetime
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify

from pilote.accounts.enums import OrganisationKind
from pilote.accounts.models import Organisation
from pilote.plans.enums import Origin, Priority
from pilote.plans.models import (
    BudgetLine,
    Indicator,
    IndicatorTarget,
    PlanLevel,
    PlanNode,
    Thematic,
)
from pilote.territories.models import EPCI, Commune, Departement

from .enums import ConventionStatus
from .models import RESERVED_SLUGS, Amendment, Convention, Signatory

FORMAT_NAME = "pilote-ctg"
FORMAT_VERSION = 1
MAX_NODES = 20_000
MAX_DEPTH = 20


class ExchangeError(Exception):
    """An import that cannot be done; the message is in French, for the user."""


# --------------------------------------------------------------------------- export


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _parse_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _indicator_dict(indicator: Indicator) -> dict[str, Any]:
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline_value": _decimal(indicator.baseline_value),
        "baseline_year": indicator.baseline_year,
        "source": indicator.source,
        "frequency": indicator.frequency,
        "targets": {str(t.year): _decimal(t.value) for t in indicator.targets.all()},
    }


def export_convention(convention: Convention, *, include_internal: bool = True) -> dict[str, Any]:
    """Return the whole CTG as a JSON-serialisable dict (a bounded number of queries)."""
    levels = list(convention.levels.order_by("position"))
    nodes = list(
        PlanNode.objects.filter(convention=convention)
        .select_related("level")
        .prefetch_related(
            "communes",
            "pilots",
            "partners",
            "thematics",
            "budget_lines",
            "indicators__targets",
        )
        .order_by("parent_id", "position", "pk")
    )
    organisations: dict[str, Organisation] = {}
    for node in nodes:
        for organisation in [*node.pilots.all(), *node.partners.all()]:
            organisations[organisation.name] = organisation

    by_parent: dict[int | None, list[PlanNode]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)

    def node_dict(node: PlanNode) -> dict[str, Any]:
        return {
            "kind": node.level.name,
            "number": node.number or None,
            "title": node.title,
            "objective": node.objective,
            "description": node.description,
            "expected_result": node.expected_result,
            "target_public": node.target_public,
            "whole_territory": node.whole_territory,
            "communes": sorted(c.code for c in node.communes.all()),
            "pilots": sorted(o.name for o in node.pilots.all()),
            "partners": sorted(o.name for o in node.partners.all()),
            "thematics": sorted(t.code for t in node.thematics.all()),
            "priority": node.priority,
            "origin": node.origin,
            "period": {
                "start_year": node.start_year,
                "start_quarter": node.start_quarter,
                "end_year": node.end_year,
                "end_quarter": node.end_quarter,
            },
            "budget_lines": [
                {
                    "funder": line.funder,
                    "amount": _decimal(line.amount),
                    "year": line.year,
                    "comment": line.comment,
                }
                for line in sorted(node.budget_lines.all(), key=lambda line: line.pk)
            ],
            "indicators": [_indicator_dict(i) for i in node.indicators.all()],
            "children": [node_dict(child) for child in by_parent.get(node.pk, [])],
        }

    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "convention": {
            "slug": convention.slug,
            "name": convention.name,
            "departement": convention.departement_id,
            "start_date": _date(convention.start_date),
            "end_date": _date(convention.end_date),
            "status": convention.status,
            "next_copil_date": _date(convention.next_copil_date),
            "epci": convention.epci_id,
            "communes": sorted(convention.communes.values_list("code", flat=True)),
            "description": convention.description,
            "internal_notes": convention.internal_notes if include_internal else "",
            "level_names": [level.name for level in levels],
            "tracked_levels": [level.name for level in levels if level.tracked],
            "signatories": [
                {
                    "organisation": s.organisation,
                    "representative": s.representative,
                    "role": s.role,
                    "deliberation_date": _date(s.deliberation_date),
                    "signature_date": _date(s.signature_date),
                }
                for s in convention.signatories.all()
            ],
            "amendments": [
                {"number": a.number, "date": _date(a.date), "subject": a.subject}
                for a in convention.amendments.all()
            ],
            "custom_thematics": [
                {"code": t.code, "label": t.label}
                for t in convention.custom_thematics.order_by("code")
            ],
            "indicators": [
                _indicator_dict(indicator)
                for indicator in convention.indicators.filter(node__isnull=True)
                .prefetch_related("targets")
                .order_by("position", "pk")
            ],
            "organisations": [
                {
                    "name": organisation.name,
                    "kind": organisation.kind,
                    "commune": organisation.commune_id,
                    "email": organisation.email,
                }
                for _, organisation in sorted(organisations.items())
            ],
        },
        "plan": [node_dict(root) for root in by_parent.get(None, [])],
        **_facilities_exchange().export_sections(convention),
        **_governance_exchange().export_sections(convention, include_internal=include_internal),
    }


def _facilities_exchange():
    # Imported late: the facilities app builds on this module (ExchangeError, readers).
    from pilote.facilities import exchange

    return exchange


def _governance_exchange():
    # Imported late, like facilities: the governance section builds on this module.
    from pilote.governance import exchange

    return exchange


def dumps(data: dict[str, Any]) -> str:
    """Return the canonical JSON text of an export."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- import


def loads(raw: bytes | str) -> dict[str, Any]:
    """Parse JSON bytes (UTF-8, with or without BOM) into a dict, or raise ExchangeError."""
    if isinstance(raw, bytes):
        if not raw.strip():
            raise ExchangeError("Le fichier est vide.")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ExchangeError(
                "Le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 et réessayez."
            ) from exc
    if not raw.strip():
        raise ExchangeError("Le fichier est vide.")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ExchangeError(
            f"Le fichier n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno})."
        ) from exc
    if not isinstance(data, dict):
        raise ExchangeError(
            "Le fichier JSON doit contenir un objet avec « convention » et « plan »."
        )
    return data


class _Reader:
    """Validate one JSON document, collecting French error messages with their location."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        if len(self.errors) < 50:
            self.errors.append(f"{where} : {message}")

    def text(self, obj: dict, key: str, where: str, *, required: bool = False, max_length=None):
        value = obj.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(where, f"« {key} » doit être un texte.")
            return ""
        value = value.strip() if required else value
        if required and not value:
            self.error(where, f"« {key} » est obligatoire.")
        if max_length and len(value) > max_length:
            self.error(where, f"« {key} » dépasse {max_length} caractères.")
        return value

    def date(self, obj: dict, key: str, where: str, *, required: bool = False):
        value = obj.get(key)
        if value in (None, ""):
            if required:
                self.error(where, f"« {key} » est obligatoire (format AAAA-MM-JJ).")
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(
                where, f"« {key} » n'est pas une date valide (format AAAA-MM-JJ) : {value!r}."
            )
            return None

    def integer(self, obj: dict, key: str, where: str, *, low=None, high=None):
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(where, f"« {key} » doit être un nombre entier.")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.error(where, f"« {key} » doit être compris entre {low} et {high}.")
            return None
        return value

    def decimal(self, value: Any, where: str, label: str):
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.error(where, f"« {label} » doit être un nombre.")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.error(where, f"« {label} » doit être un nombre : {value!r}.")
            return None
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            self.error(where, f"« {label} » est hors limites.")
            return None
        return number.quantize(Decimal("0.01"))

    def string_list(self, obj: dict, key: str, where: str) -> list[str]:
        value = obj.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(where, f"« {key} » doit être une liste de textes.")
            return []
        return [v.strip() for v in value if v.strip()]

    def object_list(self, obj: dict, key: str, where: str) -> list[dict]:
        value = obj.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(where, f"« {key} » doit être une liste d'objets.")
            return []
        return value


def _read_indicators(reader: _Reader, item: dict, where: str) -> list:
    """Return (Indicator, [IndicatorTarget]) pairs read from item["indicators"]."""
    indicators = []
    for j, spec in enumerate(reader.object_list(item, "indicators", where), 1):
        iw = f"{where}, indicateur {j}"
        targets = spec.get("targets") or {}
        if not isinstance(targets, dict):
            reader.error(iw, "« targets » doit être un objet {année: valeur}.")
            targets = {}
        target_rows = []
        for year_text, value in targets.items():
            if not str(year_text).isdigit():
                reader.error(iw, f"année de cible invalide : {year_text!r}.")
                continue
            target_value = reader.decimal(value, iw, f"cible {year_text}")
            if target_value is not None:
                target_rows.append(IndicatorTarget(year=int(year_text), value=target_value))
        indicators.append(
            (
                Indicator(
                    position=j,
                    name=reader.text(spec, "name", iw, required=True),
                    unit=reader.text(spec, "unit", iw, max_length=60),
                    baseline_value=reader.decimal(spec.get("baseline_value"), iw, "baseline_value"),
                    baseline_year=reader.integer(spec, "baseline_year", iw, low=1900, high=2200),
                    source=reader.text(spec, "source", iw, max_length=255),
                    frequency=reader.text(spec, "frequency", iw, max_length=60),
                ),
                target_rows,
            )
        )
    return indicators


def import_convention(data: dict[str, Any], *, by=None, slug: str | None = None) -> Convention:
    """Create a CTG from an exported document, all or nothing; raise ExchangeError if invalid.

    `by` is the importing user: when given, he or she must be allowed to create a CTG in the
    document's département. `slug` overrides the document's slug (import as a copy).
    """
    reader = _Reader()
    refused = "Import impossible, rien n'a été enregistré : "
    if data.get("format") != FORMAT_NAME:
        raise ExchangeError(
            refused + "ce fichier n'est pas un export Pilote CTG (champ « format » absent ou "
            "différent)."
        )
    if data.get("version") != FORMAT_VERSION:
        raise ExchangeError(
            refused + f"version de format non prise en charge : {data.get('version')!r} "
            f"(attendue : {FORMAT_VERSION})."
        )
    meta = data.get("convention")
    plan = data.get("plan", [])
    if not isinstance(meta, dict):
        raise ExchangeError(refused + "l'objet « convention » est absent ou invalide.")
    if not isinstance(plan, list):
        raise ExchangeError(refused + "« plan » doit être une liste d'éléments.")

    where = "convention"
    name = reader.text(meta, "name", where, required=True, max_length=255)
    slug = slug or reader.text(meta, "slug", where, required=True, max_length=120)
    if slug and slugify(slug) != slug:
        reader.error(where, f"l'identifiant « {slug} » ne doit contenir que a-z, 0-9 et tirets.")
    start = reader.date(meta, "start_date", where, required=True)
    end = reader.date(meta, "end_date", where, required=True)
    if start and end and end <= start:
        reader.error(where, "la date de fin doit être postérieure à la date de début.")
    reader.date(meta, "next_copil_date", where)
    status = meta.get("status", ConventionStatus.PREPARATION)
    if status not in ConventionStatus.values:
        reader.error(where, f"statut inconnu : {status!r}.")

    departement = Departement.objects.filter(pk=meta.get("departement")).first()
    if departement is None:
        reader.error(where, f"département inconnu : {meta.get('departement')!r}.")
    epci = None
    if meta.get("epci"):
        epci = EPCI.objects.filter(pk=meta["epci"]).first()
        if epci is None:
            reader.error(where, f"EPCI inconnu (SIREN {meta['epci']!r}).")
    commune_codes = reader.string_list(meta, "communes", where)
    communes = {c.code: c for c in Commune.objects.filter(code__in=commune_codes)}
    missing = [code for code in commune_codes if code not in communes]
    if missing:
        reader.error(where, f"communes inconnues dans le COG : {', '.join(missing[:10])}.")

    level_names = reader.string_list(meta, "level_names", where)
    if not level_names:
        reader.error(where, "« level_names » doit nommer au moins un niveau du plan.")
    if len(set(level_names)) != len(level_names):
        reader.error(where, "« level_names » contient des doublons.")
    tracked = set(reader.string_list(meta, "tracked_levels", where))
    if tracked - set(level_names):
        reader.error(where, "« tracked_levels » cite des niveaux absents de « level_names ».")

    custom_thematics = reader.object_list(meta, "custom_thematics", where)
    national_codes = set(
        Thematic.objects.filter(convention__isnull=True).values_list("code", flat=True)
    )
    custom_codes = {}
    for i, item in enumerate(custom_thematics, 1):
        w = f"thématique personnalisée n° {i}"
        code = reader.text(item, "code", w, required=True, max_length=60)
        label = reader.text(item, "label", w, required=True, max_length=100)
        if code in national_codes:
            reader.error(w, f"le code « {code} » est déjà une thématique nationale.")
        custom_codes[code] = label

    organisation_specs = {}
    for i, item in enumerate(reader.object_list(meta, "organisations", where), 1):
        w = f"organisation n° {i}"
        org_name = reader.text(item, "name", w, required=True, max_length=255)
        kind = item.get("kind") or OrganisationKind.OTHER
        if kind not in OrganisationKind.values:
            reader.error(w, f"type d'organisation inconnu : {kind!r}.")
        commune_code = item.get("commune")
        if commune_code and not Commune.objects.filter(pk=commune_code).exists():
            reader.error(w, f"commune inconnue : {commune_code!r}.")
        email = reader.text(item, "email", w, max_length=254)
        if email and "@" not in email:
            reader.error(w, f"adresse de courriel invalide : {email!r}.")
        organisation_specs[org_name.casefold()] = (org_name, kind, commune_code or None, email)

    signatories = []
    for i, item in enumerate(reader.object_list(meta, "signatories", where), 1):
        w = f"signataire n° {i}"
        signatories.append(
            Signatory(
                position=i,
                organisation=reader.text(item, "organisation", w, required=True, max_length=255),
                representative=reader.text(item, "representative", w, max_length=255),
                role=reader.text(item, "role", w, max_length=255),
                deliberation_date=reader.date(item, "deliberation_date", w),
                signature_date=reader.date(item, "signature_date", w),
            )
        )
    amendments = []
    seen_numbers = set()
    for i, item in enumerate(reader.object_list(meta, "amendments", where), 1):
        w = f"avenant n° {i}"
        number = reader.integer(item, "number", w, low=1, high=999)
        if number is None:
            reader.error(w, "« number » est obligatoire.")
        elif number in seen_numbers:
            reader.error(w, f"le numéro {number} est en double.")
        seen_numbers.add(number)
        amendments.append(
            Amendment(
                number=number or 0,
                date=reader.date(item, "date", w, required=True),
                subject=reader.text(item, "subject", w, required=True),
            )
        )

    convention_indicators = _read_indicators(reader, meta, "convention")
    years = range(start.year, end.year + 1) if start and end else range(0)
    flat: list[tuple[int | None, dict, int]] = []  # (parent index, node data, depth)

    def collect(items: Any, parent_index: int | None, depth: int, path: str) -> None:
        if not isinstance(items, list):
            reader.error(path, "« children » doit être une liste.")
            return
        if depth > MAX_DEPTH:
            reader.error(path, f"le plan dépasse {MAX_DEPTH} niveaux d'imbrication.")
            return
        for position, item in enumerate(items, 1):
            w = f"{path} > élément {position}" if path != "plan" else f"plan, élément {position}"
            if not isinstance(item, dict):
                reader.error(w, "chaque élément du plan doit être un objet.")
                continue
            if len(flat) >= MAX_NODES:
                reader.error("plan", f"le plan dépasse {MAX_NODES} éléments.")
                return
            index = len(flat)
            flat.append((parent_index, item, depth))
            number = item.get("number")
            label = f"{item.get('kind', '?')} {number}" if number else w
            collect(item.get("children", []), index, depth + 1, label)

    collect(plan, None, 0, "plan")

    prepared = []
    for parent_index, item, _depth in flat:
        number = item.get("number")
        w = f"élément « {number} »" if number else f"élément « {str(item.get('title', ''))[:40]} »"
        kind = item.get("kind")
        if kind not in level_names:
            reader.error(w, f"niveau « {kind} » absent de « level_names ».")
        if number is not None and not isinstance(number, str):
            reader.error(w, "« number » doit être un texte ou null.")
            number = str(number)
        title = reader.text(item, "title", w, required=True)
        priority = item.get("priority") or ""
        if priority not in ["", *Priority.values]:
            reader.error(w, f"priorité inconnue : {priority!r}.")
        origin = item.get("origin") or ""
        if origin not in ["", *Origin.values]:
            reader.error(w, f"origine inconnue : {origin!r}.")
        period = item.get("period") or {}
        if not isinstance(period, dict):
            reader.error(w, "« period » doit être un objet.")
            period = {}
        start_year = reader.integer(period, "start_year", w, low=1900, high=2200)
        end_year = reader.integer(period, "end_year", w, low=1900, high=2200)
        start_quarter = reader.integer(period, "start_quarter", w, low=1, high=4)
        end_quarter = reader.integer(period, "end_quarter", w, low=1, high=4)
        for value in (start_year, end_year):
            if value and years and value not in years:
                reader.error(
                    w, f"l'année {value} est hors de la période de la CTG ({years[0]}–{years[-1]})."
                )
        if (
            start_year
            and end_year
            and (end_year, end_quarter or 4) < (start_year, start_quarter or 1)
        ):
            reader.error(w, "la fin prévue précède le début prévu.")
        node_communes = reader.string_list(item, "communes", w)
        outside = [code for code in node_communes if code not in communes]
        if outside:
            reader.error(w, f"communes hors du territoire de la CTG : {', '.join(outside[:10])}.")
        whole = item.get("whole_territory", True)
        if not isinstance(whole, bool):
            reader.error(w, "« whole_territory » doit valoir true ou false.")
            whole = True
        thematics = reader.string_list(item, "thematics", w)
        unknown = [c for c in thematics if c not in national_codes and c not in custom_codes]
        if unknown:
            reader.error(w, f"thématiques inconnues : {', '.join(unknown)}.")
        budget = []
        for j, line in enumerate(reader.object_list(item, "budget_lines", w), 1):
            lw = f"{w}, ligne budgétaire {j}"
            amount = reader.decimal(line.get("amount"), lw, "amount")
            if amount is None:
                reader.error(lw, "« amount » est obligatoire.")
            year = reader.integer(line, "year", lw, low=1900, high=2200)
            budget.append(
                BudgetLine(
                    funder=reader.text(line, "funder", lw, required=True, max_length=255),
                    amount=amount or Decimal(0),
                    year=year,
                    comment=reader.text(line, "comment", lw, max_length=255),
                )
            )
        indicators = _read_indicators(reader, item, w)
        pilots = reader.string_list(item, "pilots", w)
        partners = reader.string_list(item, "partners", w)
        for org_name in [*pilots, *partners]:
            if len(org_name) > 255:
                reader.error(w, "un nom d'organisation dépasse 255 caractères.")
        prepared.append(
            {
                "parent_index": parent_index,
                "node": PlanNode(
                    number=(number or "")[:30],
                    title=title,
                    objective=reader.text(item, "objective", w),
                    description=reader.text(item, "description", w),
                    expected_result=reader.text(item, "expected_result", w),
                    target_public=reader.text(item, "target_public", w),
                    whole_territory=whole,
                    priority=priority,
                    origin=origin,
                    start_year=start_year,
                    start_quarter=start_quarter,
                    end_year=end_year,
                    end_quarter=end_quarter,
                ),
                "kind": kind,
                "communes": node_communes,
                "pilots": pilots,
                "partners": partners,
                "thematics": thematics,
                "budget": budget,
                "indicators": indicators,
            }
        )
        if number and len(number) > 30:
            reader.error(w, "le numéro dépasse 30 caractères.")

    if by is not None and departement is not None:
        from pilote.accounts.perms import creatable_departements

        if not creatable_departements(by).filter(pk=departement.pk).exists():
            reader.error(
                where, f"vous ne pouvez pas créer de CTG pour la Caf du département {departement}."
            )
    if slug in RESERVED_SLUGS:
        reader.error(where, f"l'identifiant « {slug} » est réservé par l'application.")
    if slug and Convention.objects.filter(slug=slug).exists():
        reader.error(where, f"une CTG d'identifiant « {slug} » existe déjà.")
    if reader.errors:
        raise ExchangeError(
            "Import impossible, rien n'a été enregistré :\n- " + "\n- ".join(reader.errors)
        )

    try:
        with transaction.atomic():
            convention = _write(
                name=name,
                slug=slug,
                departement=departement,
                start=start,
                end=end,
                status=status,
                epci=epci,
                meta=meta,
                communes=communes,
                level_names=level_names,
                tracked=tracked,
                custom_codes=custom_codes,
                organisation_specs=organisation_specs,
                signatories=signatories,
                amendments=amendments,
                prepared=prepared,
                convention_indicators=convention_indicators,
            )
            # Facilities, figures and petite enfance refer to the plan: written after it.
            _facilities_exchange().import_sections(convention, data)
            # Governance names plan elements and avenants: written after them too.
            _governance_exchange().import_sections(convention, data)
            return convention
    except IntegrityError as exc:
        raise ExchangeError(
            "Import impossible, rien n'a été enregistré : les données entrent en conflit avec la "
            "base (identifiant déjà pris ?)."
        ) from exc


def _write(
    *,
    name,
    slug,
    departement,
    start,
    end,
    status,
    epci,
    meta,
    communes,
    level_names,
    tracked,
    custom_codes,
    organisation_specs,
    signatories,
    amendments,
    prepared,
    convention_indicators,
):
    convention = Convention.objects.create(
        slug=slug,
        name=name,
        departement=departement,
        start_date=start,
        end_date=end,
        status=status,
        epci=epci,
        description=meta.get("description") or "",
        internal_notes=meta.get("internal_notes") or "",
        # Validated by the reader above.
        next_copil_date=_parse_date(meta.get("next_copil_date")),
    )
    convention.communes.set(communes.values())
    levels = {
        level_name: PlanLevel.objects.create(
            convention=convention, position=i, name=level_name, tracked=level_name in tracked
        )
        for i, level_name in enumerate(level_names)
    }
    thematics = {t.code: t for t in Thematic.objects.filter(convention__isnull=True)}
    for code, label in custom_codes.items():
        thematics[code] = Thematic.objects.create(convention=convention, code=code, label=label)
    for signatory in signatories:
        signatory.convention = convention
    Signatory.objects.bulk_create(signatories)
    for amendment in amendments:
        amendment.convention = convention
    Amendment.objects.bulk_create(amendments)

    organisations = _organisations(prepared, organisation_specs)

    # Nodes are created level by level so that parents have their pk before their children.
    positions: dict[int | None, int] = {}
    for entry in prepared:
        node = entry["node"]
        node.convention = convention
        node.level = levels[entry["kind"]]
        parent_index = entry["parent_index"]
        node.parent = prepared[parent_index]["node"] if parent_index is not None else None
        positions[parent_index] = positions.get(parent_index, 0) + 1
        node.position = positions[parent_index]
    depth_groups: dict[int, list[PlanNode]] = {}
    depth_of: list[int] = []
    for entry in prepared:
        parent_index = entry["parent_index"]
        depth = 0 if parent_index is None else depth_of[parent_index] + 1
        depth_of.append(depth)
        depth_groups.setdefault(depth, []).append(entry["node"])
    for depth in sorted(depth_groups):
        group = depth_groups[depth]
        for node in group:
            if node.parent is not None:
                node.parent_id = node.parent.pk
        created = PlanNode.objects.bulk_create(group)
        if created and created[0].pk is None:  # backends without RETURNING
            raise ExchangeError("La base de données ne renvoie pas les identifiants créés.")

    commune_links, pilot_links, partner_links, thematic_links = [], [], [], []
    budget_lines, indicator_rows, target_rows = [], [], []
    for entry in prepared:
        node = entry["node"]
        commune_links += [
            PlanNode.communes.through(plannode_id=node.pk, commune_id=code)
            for code in entry["communes"]
        ]
        pilot_links += [
            PlanNode.pilots.through(
                plannode_id=node.pk, organisation_id=organisations[n.casefold()].pk
            )
            for n in dict.fromkeys(entry["pilots"])
        ]
        partner_links += [
            PlanNode.partners.through(
                plannode_id=node.pk, organisation_id=organisations[n.casefold()].pk
            )
            for n in dict.fromkeys(entry["partners"])
        ]
        thematic_links += [
            PlanNode.thematics.through(plannode_id=node.pk, thematic_id=thematics[code].pk)
            for code in dict.fromkeys(entry["thematics"])
        ]
        for line in entry["budget"]:
            line.node = node
            budget_lines.append(line)
        for indicator, targets in entry["indicators"]:
            indicator.node = node
            indicator.convention = convention
            indicator_rows.append((indicator, targets))
    for indicator, targets in convention_indicators:
        indicator.convention = convention
        indicator_rows.append((indicator, targets))
    PlanNode.communes.through.objects.bulk_create(commune_links, ignore_conflicts=True)
    PlanNode.pilots.through.objects.bulk_create(pilot_links, ignore_conflicts=True)
    PlanNode.partners.through.objects.bulk_create(partner_links, ignore_conflicts=True)
    PlanNode.thematics.through.objects.bulk_create(thematic_links, ignore_conflicts=True)
    BudgetLine.objects.bulk_create(budget_lines)
    Indicator.objects.bulk_create([indicator for indicator, _ in indicator_rows])
    for indicator, targets in indicator_rows:
        seen = set()
        for target in targets:
            if target.year in seen:
                continue
            seen.add(target.year)
            target.indicator = indicator
            target_rows.append(target)
    IndicatorTarget.objects.bulk_create(target_rows)
    return convention


def _organisations(prepared, specs) -> dict[str, Organisation]:
    """Return the organisations named in the plan, by case-folded name, creating missing ones."""
    names = {}
    for entry in prepared:
        for name in [*entry["pilots"], *entry["partners"]]:
            names.setdefault(name.casefold(), name)
    for key, (name, *_rest) in specs.items():
        names.setdefault(key, name)
    # SQLite's lower() only folds ASCII: match exact names too, then compare in Python.
    wanted = list(names.values())
    existing = {
        organisation.name.casefold(): organisation
        for organisation in Organisation.objects.annotate(lower_name=Lower("name")).filter(
            Q(name__in=wanted) | Q(lower_name__in=[name.lower() for name in wanted])
        )
    }
    result = {}
    for key, name in names.items():
        organisation = existing.get(key)
        if organisation is None:
            _name, kind, commune, email = specs.get(key, (name, OrganisationKind.OTHER, None, ""))
            organisation = Organisation.objects.create(
                name=name, kind=kind, commune_id=commune, email=email
            )
        result[key] = organisation
    return result
