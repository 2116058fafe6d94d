"""The CTG itself in the JSON exchange: name, period, territory, signatories, avenants.

These are the first keys of the document's "convention" object (docs/json-format.md); the plan's
keys come from pilote.plans.exchange and the whole document from pilote.exchange.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify

from pilote.accounts.perms import creatable_departements
from pilote.core.exchange import Reader, iso_date, iso_moment
from pilote.core.history_exchange import HistoryTable, Keys
from pilote.core.plausible import date_problem
from pilote.territories.models import EPCI, Commune, Departement

from .enums import ConventionStatus
from .models import LIMIT_YEARS, RESERVED_SLUGS, Amendment, Convention, Signatory
from .services import ConventionError, check_period

WHERE = "convention"


def export_convention_fields(
    convention: Convention, *, include_internal: bool = True
) -> dict[str, Any]:
    """Return the CTG's own keys of the "convention" object."""
    return {
        "slug": convention.slug,
        "name": convention.name,
        "departement": convention.departement_id,
        "start_date": iso_date(convention.start_date),
        "end_date": iso_date(convention.end_date),
        "status": convention.status,
        "next_copil_date": iso_date(convention.next_copil_date),
        "epci": convention.epci_id,
        "communes": sorted(convention.communes.values_list("code", flat=True)),
        "description": convention.description,
        "internal_notes": convention.internal_notes if include_internal else "",
        "is_public": convention.is_public,
        "published_at": iso_moment(convention.published_at),
        "signatories": [
            {
                "organisation": s.organisation,
                "representative": s.representative,
                "role": s.role,
                "deliberation_date": iso_date(s.deliberation_date),
                "signature_date": iso_date(s.signature_date),
            }
            for s in convention.signatories.all()
        ],
        "amendments": [
            {"number": a.number, "date": iso_date(a.date), "subject": a.subject}
            for a in convention.amendments.all()
        ],
    }


@dataclass
class ConventionDraft:
    """A CTG checked by read_convention, ready for write_convention."""

    convention: Convention
    communes: dict[str, Commune]
    signatories: list[Signatory]
    amendments: list[Amendment]

    @property
    def years(self) -> range:
        """Return the calendar years of the CTG's period (empty when the dates are invalid)."""
        start, end = self.convention.start_date, self.convention.end_date
        if not start or not end or date_problem(start) or date_problem(end):
            return range(0)
        return range(start.year, min(end.year, start.year + LIMIT_YEARS) + 1)


def read_convention(
    reader: Reader, meta: dict, *, slug: str | None = None, by=None
) -> ConventionDraft:
    """Check the CTG's own keys (nothing written); problems go to the reader.

    `by` is the importing user: when given, he or she must be allowed to create a CTG in the
    document's département. `slug` overrides the document's slug (import as a copy).
    """
    name = reader.text(meta, "name", WHERE, required=True, max_length=255)
    slug = slug or reader.text(meta, "slug", WHERE, required=True, max_length=120)
    if slug and slugify(slug) != slug:
        reader.error(WHERE, f"l'identifiant « {slug} » ne doit contenir que a-z, 0-9 et tirets.")
    start = reader.date(meta, "start_date", WHERE, required=True)
    end = reader.date(meta, "end_date", WHERE, required=True)
    if start and end and not (date_problem(start) or date_problem(end)):
        try:
            check_period(start, end)
        except ConventionError as error:
            reader.error(WHERE, error.message)
    next_copil_date = reader.date(meta, "next_copil_date", WHERE)
    status = meta.get("status", ConventionStatus.PREPARATION)
    if status not in ConventionStatus.values:
        reader.error(WHERE, f"statut inconnu : {status!r}.")
    departement, epci, communes = _read_territory(reader, meta)
    is_public = meta.get("is_public", False)
    if not isinstance(is_public, bool):
        reader.error(WHERE, "« is_public » doit valoir true ou false.")
        is_public = False
    published_at = reader.moment(meta, "published_at", WHERE) if is_public else None
    convention = Convention(
        slug=slug,
        name=name,
        departement=departement,
        start_date=start,
        end_date=end,
        status=status,
        epci=epci,
        description=meta.get("description") or "",
        internal_notes=meta.get("internal_notes") or "",
        next_copil_date=next_copil_date,
        is_public=is_public,
        published_at=published_at,
    )
    draft = ConventionDraft(
        convention, communes, _read_signatories(reader, meta), _read_amendments(reader, meta)
    )
    _check_identity(reader, slug, departement, by)
    return draft


def _read_territory(reader: Reader, meta: dict):
    departement = Departement.objects.filter(pk=meta.get("departement")).first()
    if departement is None:
        reader.error(WHERE, f"département inconnu : {meta.get('departement')!r}.")
    epci = None
    if meta.get("epci"):
        epci = EPCI.objects.filter(pk=meta["epci"]).first()
        if epci is None:
            reader.error(WHERE, f"EPCI inconnu (SIREN {meta['epci']!r}).")
    commune_codes = reader.string_list(meta, "communes", WHERE)
    communes = {c.code: c for c in Commune.objects.filter(code__in=commune_codes)}
    missing = [code for code in commune_codes if code not in communes]
    if missing:
        reader.error(WHERE, f"communes inconnues dans le COG : {', '.join(missing[:10])}.")
    return departement, epci, communes


def _read_signatories(reader: Reader, meta: dict) -> list[Signatory]:
    signatories = []
    for i, item in enumerate(reader.object_list(meta, "signatories", WHERE), 1):
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
    return signatories


def _read_amendments(reader: Reader, meta: dict) -> list[Amendment]:
    amendments = []
    seen_numbers = set()
    for i, item in enumerate(reader.object_list(meta, "amendments", WHERE), 1):
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
    return amendments


def _check_identity(reader: Reader, slug: str, departement, by) -> None:
    if (
        by is not None
        and departement is not None
        and not creatable_departements(by).filter(pk=departement.pk).exists()
    ):
        reader.error(
            WHERE, f"vous ne pouvez pas créer de CTG pour la Caf du département {departement}."
        )
    if slug in RESERVED_SLUGS:
        reader.error(WHERE, f"l'identifiant « {slug} » est réservé par l'application.")
    if slug and Convention.objects.filter(slug=slug).exists():
        reader.error(WHERE, f"une CTG d'identifiant « {slug} » existe déjà.")


def write_convention(draft: ConventionDraft) -> Convention:
    """Create the checked CTG, its territory, signatories and avenants (caller's transaction)."""
    convention = draft.convention
    convention.save(force_insert=True)
    convention.communes.set(draft.communes.values())
    for signatory in draft.signatories:
        signatory.convention = convention
    Signatory.objects.bulk_create(draft.signatories)
    for amendment in draft.amendments:
        amendment.convention = convention
    Amendment.objects.bulk_create(draft.amendments)
    return convention


def history_tables(convention: Convention, keys: dict[str, Keys]) -> list[HistoryTable]:
    """Return the CTG's own history (publication, status… changes), the CTG named 1."""
    ctg = keys[Convention._meta.label] = Keys({convention.pk: 1})
    rows = Convention.history.filter(id=convention.pk)
    return [HistoryTable(Convention, rows, {"id": ctg, "renewed_from_id": Keys({})})]
