"""What every section of the CTG's JSON exchange shares (format in docs/json-format.md).

Each app reads and writes its own section (conventions, plans, facilities, governance);
pilote.exchange composes them into one document. A section's reader collects every problem,
in French and with where it is, before anything is written; an import that cannot be done
raises ExchangeError.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from .plausible import date_problem, text_problem

REFUSED = "Import impossible, rien n'a été enregistré"
MAX_ERRORS = 50


class ExchangeError(Exception):
    """An import that cannot be done; the message is in French, for the user."""


def refused(errors: list[str]) -> ExchangeError:
    """Return the error listing a section's problems, one per line."""
    return ExchangeError(f"{REFUSED} :\n- " + "\n- ".join(errors))


def check_pks(created: list) -> None:
    """Raise ExchangeError when bulk_create did not return primary keys."""
    if created and created[0].pk is None:  # backends without RETURNING
        raise ExchangeError("La base de données ne renvoie pas les identifiants créés.")


# --------------------------------------------------------------------------- values written


def iso_date(value: datetime.date | None) -> str | None:
    """Return a date as AAAA-MM-JJ, or None."""
    return value.isoformat() if value else None


def iso_moment(value: datetime.datetime | None) -> str | None:
    """Return a date and time as ISO 8601 in the local time zone, or None."""
    return timezone.localtime(value).isoformat() if value else None


def account_name(user, stored_name: str = "") -> str | None:
    """Return how the exchange names a person: the account's username, else the kept name.

    An account absent from the instance a CTG was imported into is kept as its name
    (`*_name` fields), so that an author is never silently lost.
    """
    if user is not None:
        return user.get_username()
    return stored_name or None


def find_accounts(names) -> dict[str, Any]:
    """Return the accounts of this instance named in a document, by username (others left out)."""
    wanted = {name for name in names if name}
    if not wanted:
        return {}
    user_model = get_user_model()
    field_name = user_model.USERNAME_FIELD
    return {
        user.get_username(): user
        for user in user_model.objects.filter(**{f"{field_name}__in": wanted})
    }


def parse_date(value: str | None) -> datetime.date | None:
    """Return the date of an AAAA-MM-JJ text already checked by a Reader, or None."""
    return datetime.date.fromisoformat(value) if value else None


def amount(value: Decimal | None) -> str | None:
    """Return an amount with two decimals ("1200.00"), or None."""
    return None if value is None else f"{value:.2f}"


def plain_number(value: Decimal | None) -> str | None:
    """Return a Decimal as its shortest plain text ("189", "1.7", "0.15"), or None."""
    if value is None:
        return None
    return format(value.normalize(), "f")


# --------------------------------------------------------------------------- reading


def invalid_texts(document: Any, *, limit: int = MAX_ERRORS) -> list[str]:
    """Return where a document's keys and texts hold NUL, control characters or surrogates.

    Checked on the whole decoded document before any section reads it: neither SQLite nor
    PostgreSQL then sees such a text, whichever section would have written it.
    """
    problems: list[str] = []
    stack: list[tuple[str, Any]] = [("document", document)]
    while stack and len(problems) < limit:
        where, value = stack.pop()
        if isinstance(value, str):
            if text_problem(value):
                problems.append(f"{where} : {text_problem(value)}")
        elif isinstance(value, dict):
            for key, item in value.items():
                if text_problem(key):
                    problems.append(f"{where} : une clé contient un caractère invalide.")
                stack.append((f"{where} › {key}" if not text_problem(key) else where, item))
        elif isinstance(value, list):
            stack.extend((f"{where} › {index + 1}", item) for index, item in enumerate(value))
    return sorted(problems)


class Reader:
    """Check the values of one section, collecting French messages with their location."""

    def __init__(self, *, max_errors: int = MAX_ERRORS) -> None:
        self.errors: list[str] = []
        self.max_errors = max_errors

    def error(self, where: str, message: str) -> None:
        """Record a problem (at most max_errors of them)."""
        if len(self.errors) < self.max_errors:
            self.errors.append(f"{where} : {message}")

    def text(
        self,
        obj: dict,
        key: str,
        where: str,
        *,
        required: bool = False,
        max_length: int | None = None,
        strip: bool | None = None,
    ) -> str:
        """Return a text (stripped when required, unless strip=False); null reads as ""."""
        value = obj.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(where, f"« {key} » doit être un texte.")
            return ""
        if required and not value.strip():
            self.error(where, f"« {key} » est obligatoire.")
        if (required if strip is None else strip) and value:
            value = value.strip()
        if max_length and len(value) > max_length:
            self.error(where, f"« {key} » dépasse {max_length} caractères.")
        if text_problem(value):
            self.error(where, f"« {key} » : {text_problem(value)}")
            return ""
        return value

    def date(
        self, obj: dict, key: str, where: str, *, required: bool = False
    ) -> datetime.date | None:
        """Return an AAAA-MM-JJ date, or None."""
        value = obj.get(key)
        if value in (None, ""):
            if required:
                self.error(where, f"« {key} » est obligatoire (format AAAA-MM-JJ).")
            return None
        try:
            day = datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(
                where, f"« {key} » n'est pas une date valide (format AAAA-MM-JJ) : {value!r}."
            )
            return None
        if date_problem(day):
            self.error(where, f"« {key} » ({value}) : {date_problem(day)}")
            return None
        return day

    def integer(
        self,
        obj: dict,
        key: str,
        where: str,
        *,
        required: bool = False,
        low: int | None = None,
        high: int | None = None,
    ) -> int | None:
        """Return a whole number between low and high, or None."""
        value = obj.get(key)
        if value is None:
            if required:
                self.error(where, f"« {key} » est obligatoire.")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(where, f"« {key} » doit être un nombre entier.")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.error(where, f"« {key} » doit être compris entre {low} et {high}.")
            return None
        return value

    def decimal(
        self,
        value: Any,
        where: str,
        label: str,
        *,
        limit: Decimal | None = None,
        places: Decimal | None = None,
    ) -> Decimal | None:
        """Return a finite number (below limit, rounded to places when given), or None."""
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(where, f"« {label} » doit être un nombre.")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.error(where, f"« {label} » doit être un nombre : {value!r}.")
            return None
        if not number.is_finite():
            self.error(where, f"« {label} » doit être un nombre : {value!r}.")
            return None
        if limit is not None and abs(number) >= limit:
            self.error(where, f"« {label} » est hors limites.")
            return None
        return number if places is None else number.quantize(places)

    def string_list(self, obj: dict, key: str, where: str) -> list[str]:
        """Return a list of non-empty stripped texts."""
        value = obj.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(where, f"« {key} » doit être une liste de textes.")
            return []
        return [v.strip() for v in value if v.strip()]

    def object_list(
        self, obj: dict, key: str, where: str, *, max_items: int | None = None
    ) -> list[dict]:
        """Return a list of objects (at most max_items when given); null reads as []."""
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(where, f"« {key} » doit être une liste d'objets.")
            return []
        if max_items is not None and len(value) > max_items:
            self.error(where, f"« {key} » dépasse {max_items} éléments.")
            return []
        return value

    def moment(self, obj: dict, key: str, where: str) -> datetime.datetime | None:
        """Return an ISO 8601 date and time (made aware when without offset), or None."""
        value = obj.get(key)
        if value in (None, ""):
            return None
        try:
            moment = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(
                where,
                f"« {key} » n'est pas une date et heure valide (format ISO 8601, "
                f"AAAA-MM-JJTHH:MM:SS+01:00) : {value!r}.",
            )
            return None
        if date_problem(moment.date()):
            self.error(where, f"« {key} » ({value}) : {date_problem(moment.date())}")
            return None
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)

    def account(self, obj: dict, key: str, where: str) -> str:
        """Return a person's account name, or "" (null)."""
        value = obj.get(key)
        if value in (None, ""):
            return ""
        if not isinstance(value, str) or len(value) > 150:
            self.error(where, f"« {key} » doit être un identifiant de compte (texte) ou null.")
            return ""
        return value

    def object(self, value: Any, where: str, key: str) -> dict:
        """Return an object; null reads as {}."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(where, f"« {key} » doit être un objet.")
            return {}
        return value
