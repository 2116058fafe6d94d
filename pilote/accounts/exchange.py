"""The CTG's memberships in the JSON exchange: who holds which role, by e-mail and account name.

pilote.exchange writes this section (« memberships ») before the others, so that the authors of
follow-up points, measurements and bilans find their account again. A person is found on the
target instance by e-mail, then by account name; a person not found gets an account (without a
password: he or she sets one with « mot de passe oublié »), so that no membership is lost.
"""

from __future__ import annotations

from typing import Any

from django.db.models.functions import Lower

from pilote.core.exchange import ExchangeError, Reader, refused
from pilote.territories.models import Commune

from .enums import OrganisationKind, Role
from .models import Membership, Organisation, User

SECTION = "memberships"
CTG_ROLES = [role for role in Role.values if role != Role.CAF_ADVISER]


def export_memberships(convention, *, include_internal: bool = True) -> list[dict[str, Any]]:
    """Return the CTG's memberships, by account name then role (empty for a reader's export)."""
    if not include_internal:
        return []
    memberships = Membership.objects.filter(convention=convention).select_related(
        "user", "organisation"
    )
    rows = [
        {
            "username": m.user.get_username(),
            "email": m.user.email,
            "first_name": m.user.first_name,
            "last_name": m.user.last_name,
            "role": m.role,
            "organisation": (
                {
                    "name": m.organisation.name,
                    "kind": m.organisation.kind,
                    "commune": m.organisation.commune_id,
                }
                if m.organisation_id
                else None
            ),
        }
        for m in memberships
    ]
    return sorted(rows, key=lambda row: (row["username"], row["role"]))


def import_memberships(convention, data: dict[str, Any]) -> None:
    """Give the document's people their roles in the just-imported CTG (caller's transaction)."""
    reader = Reader()
    items = reader.object_list(data, SECTION, SECTION)
    rows = [_read(reader, item, f"{SECTION}[{index}]") for index, item in enumerate(items, 1)]
    if reader.errors:
        raise refused(reader.errors)
    memberships, seen = [], set()
    for row in rows:
        user = _account(row)
        if (user.pk, row["role"]) in seen:
            continue
        seen.add((user.pk, row["role"]))
        memberships.append(
            Membership(
                user=user,
                role=row["role"],
                convention=convention,
                organisation=_organisation(row["organisation"]),
            )
        )
    Membership.objects.bulk_create(memberships)


def _read(reader: Reader, item: dict, where: str) -> dict[str, Any]:
    row = {
        "username": reader.text(item, "username", where, required=True, max_length=150),
        "email": reader.text(item, "email", where, max_length=254),
        "first_name": reader.text(item, "first_name", where, max_length=150),
        "last_name": reader.text(item, "last_name", where, max_length=150),
        "role": item.get("role"),
        "organisation": None,
    }
    if row["role"] not in CTG_ROLES:
        reader.error(where, f"rôle inconnu : {row['role']!r} (valeurs : {', '.join(CTG_ROLES)}).")
    organisation = reader.object(item.get("organisation"), where, "organisation")
    if organisation:
        name = reader.text(organisation, "name", where, required=True, max_length=255)
        kind = organisation.get("kind", OrganisationKind.OTHER)
        if kind not in OrganisationKind.values:
            reader.error(where, f"type d'organisation inconnu : {kind!r}.")
        commune = organisation.get("commune")
        if commune is not None and not isinstance(commune, str):
            reader.error(where, "« commune » doit être un code INSEE ou null.")
            commune = None
        row["organisation"] = (name, kind, commune)
    return row


def _account(row: dict[str, Any]) -> User:
    """Return the person's account on this instance: same e-mail, else same name, else new."""
    email, username = row["email"], row["username"]
    if email:
        found = list(User.objects.filter(email__iexact=email)[:2])
        if len(found) == 1:
            return found[0]
    same_name = User.objects.filter(username=username).first()
    if same_name is not None and (not email or not same_name.email):
        return same_name
    if same_name is not None:
        # Another person holds this account name here: keep the membership under a new one.
        username = _free_username(username)
    user = User(
        username=username,
        email=email,
        first_name=row["first_name"],
        last_name=row["last_name"],
    )
    user.set_unusable_password()
    user.save()
    return user


def _free_username(username: str) -> str:
    for suffix in range(2, 1000):
        candidate = f"{username[:140]}-{suffix}"
        if not User.objects.filter(username=candidate).exists():
            return candidate
    raise ExchangeError(f"Aucun identifiant libre pour le compte « {username} ».")


def _organisation(spec: tuple[str, str, str | None] | None) -> Organisation | None:
    """Return the organisation of this name on this instance, created when absent."""
    if spec is None:
        return None
    name, kind, commune = spec
    existing = Organisation.objects.annotate(lower=Lower("name")).filter(lower=name.lower())
    return existing.first() or Organisation.objects.create(
        name=name,
        kind=kind,
        commune=Commune.objects.filter(pk=commune).first() if commune else None,
    )
