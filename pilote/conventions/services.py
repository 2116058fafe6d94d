"""Every change to a CTG goes through these functions.

Each one runs in its own transaction and raises ConventionError, with a French message meant for
the user, when the change is refused: nothing is written in that case. Views, the admin and the
commands call them; none of them writes the rows by hand.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from pilote.accounts.perms import (
    can_create_convention,
    can_edit_convention,
    creatable_departements,
)
from pilote.core.plausible import date_problem
from pilote.territories.models import EPCI, Commune, Departement

from .enums import ConventionStatus
from .models import (
    LIMIT_YEARS,
    MAX_YEARS,
    RESERVED_SLUGS,
    Amendment,
    Convention,
    Signatory,
    _add_years,
)
from .signals import communes_leaving, convention_created
from .versioning import bump

# Path segments of /ctg/ that a slug must not shadow.
SLUG_MAX_LENGTH = Convention._meta.get_field("slug").max_length


class ConventionError(Exception):
    """A change to a CTG was refused; the message is in French, ready to show to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class SignatoryData:
    organisation: str
    representative: str = ""
    role: str = ""
    deliberation_date: datetime.date | None = None
    signature_date: datetime.date | None = None
    pk: int | None = None


@dataclass(frozen=True)
class AmendmentData:
    number: int
    date: datetime.date
    subject: str
    pk: int | None = None


# ---------------------------------------------------------------------------------------------
# Checks shared by the forms and the services
# ---------------------------------------------------------------------------------------------


def check_period(start_date: datetime.date, end_date: datetime.date) -> None:
    """Raise ConventionError unless the period is within 2000–2100 and lasts at most 6 years."""
    for field, day in (("start_date", start_date), ("end_date", end_date)):
        message = date_problem(day)
        if message:
            label = "de début" if field == "start_date" else "de fin"
            raise ConventionError(f"Date {label} : {message[0].lower()}{message[1:]}", field=field)
    if end_date <= start_date:
        raise ConventionError(
            "La date de fin doit être postérieure à la date de début.", field="end_date"
        )
    if end_date >= _add_years(start_date, LIMIT_YEARS):
        raise ConventionError(
            f"Une CTG dure au plus {LIMIT_YEARS} ans (la Cnaf prévoit 1 à {MAX_YEARS} ans) : "
            "vérifiez la date de fin.",
            field="end_date",
        )


def period_warnings(start_date: datetime.date, end_date: datetime.date) -> list[str]:
    """Return the non-blocking remarks on a CTG's length (the Cnaf expects 1 to 5 years)."""
    warnings = []
    if end_date >= _add_years(start_date, MAX_YEARS):
        warnings.append(
            f"La CTG dure plus de {MAX_YEARS} ans : la Cnaf prévoit une durée de 1 à "
            f"{MAX_YEARS} ans. Vérifiez les dates."
        )
    elif end_date + datetime.timedelta(days=1) < _add_years(start_date, 1):
        warnings.append(
            "La CTG dure moins d'un an : la Cnaf prévoit une durée de 1 à "
            f"{MAX_YEARS} ans. Vérifiez les dates."
        )
    return warnings


def check_slug(slug: str, *, exclude_pk: int | None = None) -> None:
    """Raise ConventionError if the slug is reserved or already used by another CTG."""
    if slug in RESERVED_SLUGS:
        raise ConventionError(
            f"L'identifiant « {slug} » est réservé par l'application. Choisissez-en un autre.",
            field="slug",
        )
    others = Convention.objects.filter(slug=slug)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ConventionError(
            f"L'identifiant « {slug} » est déjà utilisé par une autre CTG. Choisissez-en un autre.",
            field="slug",
        )


def unique_slug(name: str) -> str:
    """Return a free slug made from the name ("ctg-provence-alpes-2026-2030", then "-2"…)."""
    base = slugify(name)[: SLUG_MAX_LENGTH - 4].strip("-") or "ctg"
    taken = set(
        Convention.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    ) | set(RESERVED_SLUGS)
    candidate, index = base, 2
    while candidate in taken:
        candidate = f"{base}-{index}"
        index += 1
    return candidate


def check_can_edit(by, convention: Convention) -> None:
    """Raise ConventionError unless this user may change this CTG."""
    if not can_edit_convention(by, convention):
        raise ConventionError("Vous n'avez pas le droit de modifier cette CTG.")


def _check_new_communes(communes: Iterable[Commune]) -> None:
    outdated = [c for c in communes if not getattr(c, "is_current", True)]
    if outdated:
        names = ", ".join(f"{c.name} ({c.code})" for c in outdated)
        raise ConventionError(
            f"Ces communes n'existent plus dans le Code officiel géographique en vigueur : {names}."
        )


# ---------------------------------------------------------------------------------------------
# The convention itself
# ---------------------------------------------------------------------------------------------


def create_convention(
    *,
    by,
    name: str,
    departement: Departement,
    start_date: datetime.date,
    end_date: datetime.date,
    slug: str = "",
    status: str = ConventionStatus.PREPARATION,
    description: str = "",
    internal_notes: str = "",
    epci: EPCI | None = None,
    communes: Iterable[Commune] = (),
) -> Convention:
    """Create a CTG with its territory (and, through convention_created, its plan levels)."""
    if not can_create_convention(by) or not (
        creatable_departements(by).filter(pk=departement.pk).exists()
    ):
        raise ConventionError(
            f"Vous ne pouvez pas créer de CTG pour la Caf du département {departement}."
        )
    name = name.strip()
    if not name:
        raise ConventionError("Indiquez le nom de la CTG.", field="name")
    check_period(start_date, end_date)
    communes = list(communes)
    _check_new_communes(communes)
    with transaction.atomic():
        if slug:
            check_slug(slug)
        else:
            slug = unique_slug(name)
        convention = Convention.objects.create(
            slug=slug,
            name=name,
            departement=departement,
            start_date=start_date,
            end_date=end_date,
            status=status,
            description=description,
            internal_notes=internal_notes,
            epci=epci,
        )
        if communes:
            convention.communes.set(communes)
        convention_created.send(sender=Convention, convention=convention)
    return convention


def update_convention(
    convention: Convention,
    *,
    by,
    name: str,
    slug: str,
    start_date: datetime.date,
    end_date: datetime.date,
    status: str,
    description: str = "",
    internal_notes: str = "",
    next_copil_date: datetime.date | None = None,
) -> Convention:
    """Change the general information of a CTG (not its Caf, territory or lists)."""
    check_can_edit(by, convention)
    name = name.strip()
    if not name:
        raise ConventionError("Indiquez le nom de la CTG.", field="name")
    check_period(start_date, end_date)
    with transaction.atomic():
        check_slug(slug, exclude_pk=convention.pk)
        convention.name = name
        convention.slug = slug
        convention.start_date = start_date
        convention.end_date = end_date
        convention.status = status
        convention.description = description
        convention.internal_notes = internal_notes
        convention.next_copil_date = next_copil_date
        convention.save()
    return convention


# ---------------------------------------------------------------------------------------------
# Territory
# ---------------------------------------------------------------------------------------------


def update_territory(
    convention: Convention, *, by, epci: EPCI | None, communes: Iterable[Commune]
) -> None:
    """Set the EPCI and the communes of a CTG.

    A commune that plan elements still name cannot leave the territory: remove it from those
    elements first.
    """
    check_can_edit(by, convention)
    wanted = {commune.code: commune for commune in communes}
    with transaction.atomic():
        current = set(convention.communes.values_list("code", flat=True))
        removed = current - wanted.keys()
        added = [commune for code, commune in wanted.items() if code not in current]
        _check_new_communes(added)
        if removed:
            _check_communes_can_leave(convention, removed)
        if epci != convention.epci:
            convention.epci = epci
            convention.save(update_fields=["epci", "updated_at"])
        if removed:
            convention.communes.remove(*removed)
        if added:
            convention.communes.add(*added)


def _check_communes_can_leave(convention: Convention, codes: set[str]) -> None:
    # Every receiver speaks (plan, facilities…), so the user sees all that still uses the communes.
    refusals = []
    for _receiver, result in communes_leaving.send_robust(
        sender=Convention, convention=convention, codes=codes
    ):
        if isinstance(result, ConventionError):
            refusals.append(result.message)
        elif isinstance(result, Exception):
            raise result
    if refusals:
        raise ConventionError(" ".join(refusals))


# ---------------------------------------------------------------------------------------------
# Signatories and avenants (the plan levels: pilote.plans.levels)
# ---------------------------------------------------------------------------------------------


def replace_signatories(
    convention: Convention, *, by, signatories: Sequence[SignatoryData]
) -> None:
    """Make the CTG's signatories exactly these, in this order."""
    check_can_edit(by, convention)
    for index, data in enumerate(signatories, start=1):
        if not data.organisation.strip():
            raise ConventionError(f"Indiquez l'organisation du signataire n° {index}.")
        for day in (data.deliberation_date, data.signature_date):
            if date_problem(day):
                raise ConventionError(f"Signataire n° {index} : {date_problem(day)}")
    with transaction.atomic():
        existing = {s.pk: s for s in convention.signatories.select_for_update()}
        check_known_pks("signataire", existing, signatories)
        kept = {data.pk for data in signatories if data.pk}
        convention.signatories.exclude(pk__in=kept).delete()
        for position, data in enumerate(signatories, start=1):
            signatory = existing.get(data.pk) or Signatory(convention=convention)
            signatory.position = position
            signatory.organisation = data.organisation.strip()
            signatory.representative = data.representative.strip()
            signatory.role = data.role.strip()
            signatory.deliberation_date = data.deliberation_date
            signatory.signature_date = data.signature_date
            signatory.save()


def replace_amendments(convention: Convention, *, by, amendments: Sequence[AmendmentData]) -> None:
    """Make the CTG's avenants exactly these."""
    check_can_edit(by, convention)
    seen: set[int] = set()
    for data in amendments:
        if data.number in seen:
            raise ConventionError(f"Deux avenants portent le numéro {data.number}.")
        seen.add(data.number)
        if not data.subject.strip():
            raise ConventionError(f"Indiquez l'objet de l'avenant n° {data.number}.")
        if date_problem(data.date):
            raise ConventionError(f"Avenant n° {data.number} : {date_problem(data.date)}")
    with transaction.atomic():
        existing = {a.pk: a for a in convention.amendments.select_for_update()}
        check_known_pks("avenant", existing, amendments)
        kept = {data.pk for data in amendments if data.pk}
        convention.amendments.exclude(pk__in=kept).delete()
        # Numbers are unique per CTG: move the kept ones out of the way before renumbering.
        offset = max([*seen, *(a.number for a in existing.values()), 0]) + 1
        convention.amendments.update(number=F("number") + offset)
        bump(convention)
        for data in amendments:
            amendment = existing.get(data.pk) or Amendment(convention=convention)
            amendment.number = data.number
            amendment.date = data.date
            amendment.subject = data.subject.strip()
            amendment.save()


def check_known_pks(kind: str, existing: dict, items: Sequence) -> None:
    """Raise ConventionError if an item names a pk that is not one of this CTG's rows."""
    unknown = [item.pk for item in items if item.pk and item.pk not in existing]
    if unknown:
        raise ConventionError(
            f"Un {kind} envoyé n'appartient pas à cette CTG : rechargez la page et recommencez."
        )
