"""A user's own data as one JSON document (RGPD right of access): account, roles, writings.

What the user wrote is found by the model registry, not by importing each app: every table
with a foreign key to the user (author of a follow-up point or a measurement, member, inviter…)
gives its rows; the change-history tables give a count of the changes the user made.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db import models
from django.utils import timezone

from pilote.accounts.models import Membership, User

FORMAT = "pilote-ctg-donnees-personnelles"
SECRET_FIELDS = {"password", "token_hash", "session_key", "session_data"}
HISTORY_USER = "history_user"


def _user_links(model: type[models.Model]) -> list[models.ForeignKey]:
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)
        and field.related_model is User
        and not field.auto_created
    ]


def _rows(queryset) -> list[dict[str, Any]]:
    rows = []
    for item in serializers.serialize("python", queryset.order_by("pk")):
        fields = {k: v for k, v in item["fields"].items() if k not in SECRET_FIELDS}
        rows.append({"id": item["pk"], **fields})
    return rows


def _roles(user: User) -> list[dict[str, Any]]:
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("departement", "convention", "organisation")
        .order_by("pk")
    )
    return [
        {
            "role": m.role,
            "libelle": m.get_role_display(),
            "departement": str(m.departement) if m.departement else None,
            "ctg": {"nom": m.convention.name, "slug": m.convention.slug} if m.convention else None,
            "organisation": m.organisation.name if m.organisation else None,
        }
        for m in memberships
    ]


def authored(user: User) -> tuple[dict[str, int], dict[str, list], dict[str, int]]:
    """Return (counts by type, rows by type, history changes by type) for this user."""
    counts, rows, history = {}, {}, {}
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        if model is User:
            continue
        is_history = any(field.name == HISTORY_USER for field in model._meta.fields)
        for field in _user_links(model):
            if is_history and field.name != HISTORY_USER:
                continue  # a past state of a row already given by its own table
            queryset = model._default_manager.filter(**{field.name: user})
            count = queryset.count()
            if not count:
                continue
            label = f"{model._meta.label_lower}.{field.name}"
            if is_history:
                history[label] = count
            else:
                counts[label] = count
                rows[label] = _rows(queryset)
    return counts, rows, history


def personal_data(user: User) -> dict[str, Any]:
    """Return everything Pilote CTG keeps about this user, as a JSON-ready dict."""
    counts, rows, history = authored(user)
    return {
        "format": FORMAT,
        "exporte_le": timezone.now(),
        "compte": {
            "identifiant": user.username,
            "prenom": user.first_name,
            "nom": user.last_name,
            "courriel": user.email,
            "actif": user.is_active,
            "cree_le": user.date_joined,
            "derniere_connexion": user.last_login,
        },
        "roles": _roles(user),
        "ecrits": {"nombres": counts, "lignes": rows},
        "modifications_historisees": history,
    }


def filename(user: User, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"pilote-ctg-mes-donnees-{user.username}-{today:%Y-%m-%d}.json"
