"""Full-fidelity JSON export and import of a CTG (format described in docs/json-format.md).

Each app reads and writes its own section: the CTG itself (pilote.conventions.exchange), the plan
(pilote.plans.exchange), the register, figures and petite enfance (pilote.facilities.exchange),
the governance (pilote.governance.exchange). This module puts them in one document, in order.

Export → import into an empty database → export gives the same JSON. An import is all-or-nothing:
it validates the CTG and its plan first, then writes every section in one transaction (a section
written later still checks itself before writing, and its refusal drops the whole CTG).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from pilote.accounts import exchange as accounts_exchange
from pilote.accounts.models import Membership
from pilote.conventions import exchange as conventions_exchange
from pilote.conventions.models import Convention
from pilote.conventions.versioning import bump
from pilote.core.exchange import REFUSED, ExchangeError, Reader, invalid_texts, refused
from pilote.core.history_exchange import HistoryTable, export_history, import_history
from pilote.facilities import exchange as facilities_exchange
from pilote.governance import exchange as governance_exchange
from pilote.monitoring import exchange as monitoring_exchange
from pilote.monitoring.models import ActionUpdate, Measurement, UpdateAttachment
from pilote.plans import exchange as plans_exchange

# An archive's attachments: their contents by path in the archive.
Files = Mapping[str, bytes]

FORMAT_NAME = "pilote-ctg"
FORMAT_VERSION = 2
# Version 1 (before the memberships, publication, follow-up and history) still imports.
READ_VERSIONS = (1, 2)
# The keys of the "convention" object, in the order of docs/json-format.md.
CONVENTION_KEYS = (
    "slug",
    "name",
    "departement",
    "start_date",
    "end_date",
    "status",
    "next_copil_date",
    "epci",
    "communes",
    "description",
    "internal_notes",
    "is_public",
    "published_at",
    "level_names",
    "tracked_levels",
    "signatories",
    "amendments",
    "custom_thematics",
    "indicators",
    "organisations",
)


def export_convention(convention: Convention, *, include_internal: bool = True) -> dict[str, Any]:
    """Return the whole CTG as a JSON-serialisable dict (a bounded number of queries)."""
    fields = conventions_exchange.export_convention_fields(
        convention, include_internal=include_internal
    )
    plan_fields, plan = plans_exchange.export_plan(convention, include_internal=include_internal)
    fields.update(plan_fields)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "convention": {key: fields[key] for key in CONVENTION_KEYS},
        "plan": plan,
        "memberships": accounts_exchange.export_memberships(
            convention, include_internal=include_internal
        ),
        **facilities_exchange.export_sections(convention, include_internal=include_internal),
        **governance_exchange.export_sections(convention, include_internal=include_internal),
        "monitoring": monitoring_exchange.export_monitoring(
            convention, include_internal=include_internal
        ),
        "history": export_history(history_tables(convention)) if include_internal else {},
    }


def history_tables(convention: Convention) -> list[HistoryTable]:
    """Return the history tables of the CTG's objects, each app naming its own."""
    keys: dict = {}
    return [
        *conventions_exchange.history_tables(convention, keys),
        *plans_exchange.history_tables(convention, keys),
        *monitoring_exchange.history_tables(convention, keys),
    ]


def dumps(data: dict[str, Any]) -> str:
    """Return the canonical JSON text of an export."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# An export nests a dozen levels; thousands ("[[[[…") would exhaust the recursion of whatever
# reads it next (the parser itself answers RecursionError past about a thousand).
MAX_JSON_DEPTH = 64
TOO_DEEP = (
    f"Le fichier JSON est imbriqué trop profondément (plus de {MAX_JSON_DEPTH} niveaux) : ce "
    "n'est pas un export Pilote CTG."
)


def json_depth(data: Any) -> int:
    """Return how deeply lists and objects nest in parsed JSON (without recursion)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


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
    except RecursionError:
        raise ExchangeError(TOO_DEEP) from None
    if json_depth(data) > MAX_JSON_DEPTH:
        raise ExchangeError(TOO_DEEP)
    if not isinstance(data, dict):
        raise ExchangeError(
            "Le fichier JSON doit contenir un objet avec « convention » et « plan »."
        )
    return data


def _check_envelope(data: dict[str, Any]) -> tuple[dict, list]:
    """Return the "convention" object and the "plan" list, or raise ExchangeError."""
    if data.get("format") != FORMAT_NAME:
        raise ExchangeError(
            f"{REFUSED} : ce fichier n'est pas un export Pilote CTG (champ « format » absent ou "
            "différent)."
        )
    if data.get("version") not in READ_VERSIONS:
        raise ExchangeError(
            f"{REFUSED} : version de format non prise en charge : {data.get('version')!r} "
            f"(versions lues : {', '.join(map(str, READ_VERSIONS))})."
        )
    meta = data.get("convention")
    plan = data.get("plan", [])
    if not isinstance(meta, dict):
        raise ExchangeError(f"{REFUSED} : l'objet « convention » est absent ou invalide.")
    if not isinstance(plan, list):
        raise ExchangeError(f"{REFUSED} : « plan » doit être une liste d'éléments.")
    return meta, plan


def import_convention(
    data: dict[str, Any], *, by=None, slug: str | None = None, files: Files | None = None
) -> Convention:
    """Create a CTG from an exported document, all or nothing; raise ExchangeError if invalid.

    `by` is the importing user: when given, he or she must be allowed to create a CTG in the
    document's département. `slug` overrides the document's slug (import as a copy). `files`
    gives the attachments' contents by path in the archive (pilote.exchange.archive); without
    it no attachment is created, and `convention.import_notes` says how many were left out.
    """
    meta, plan = _check_envelope(data)
    problems = invalid_texts(data)
    if problems:
        raise refused(problems)
    reader = Reader()
    ctg = conventions_exchange.read_convention(reader, meta, slug=slug, by=by)
    plan_draft = plans_exchange.read_plan(
        reader, meta, plan, communes=set(ctg.communes), years=ctg.years
    )
    if reader.errors:
        raise refused(reader.errors)
    written: list[str] = []
    try:
        with transaction.atomic():
            convention = conventions_exchange.write_convention(ctg)
            plans_exchange.write_plan(convention, plan_draft)
            # People first: the authors of what follows find their accounts again.
            accounts_exchange.import_memberships(convention, data)
            # Facilities, figures and petite enfance refer to the plan: written after it.
            facilities_exchange.import_sections(convention, data)
            # Governance names plan elements and avenants: written after them too.
            governance_exchange.import_sections(convention, data)
            attachments = monitoring_exchange.import_monitoring(
                convention, data, with_files=files is not None
            )
            # The history as it was, last: the objects it names now exist.
            import_history(history_tables(convention), data)
            convention.import_notes = _notes(data, files)
            # The files last, still in the transaction: a failure removes those written.
            if files is not None:
                _write_files(attachments, files, written)
            bump(convention)  # the sections write with bulk_create: no signal
        return convention
    except IntegrityError as exc:
        _remove(written)
        raise ExchangeError(
            f"{REFUSED} : les données entrent en conflit avec la base (identifiant déjà pris ?)."
        ) from exc
    except BaseException:
        _remove(written)
        raise


def import_summary(convention: Convention) -> str:
    """Return in French what an import brought besides the plan (follow-up, files, people)."""
    counts = [
        (ActionUpdate.objects.filter(convention=convention).count(), "point(s) de suivi"),
        (Measurement.objects.filter(indicator__convention=convention).count(), "mesure(s)"),
        (
            UpdateAttachment.objects.filter(update__convention=convention).count(),
            "pièce(s) jointe(s)",
        ),
        (Membership.objects.filter(convention=convention).count(), "membre(s)"),
        (sum(t.rows.count() for t in history_tables(convention)), "ligne(s) d'historique"),
    ]
    return "Importé avec la CTG : " + ", ".join(f"{n} {label}" for n, label in counts) + "."


def _notes(data: dict[str, Any], files: Files | None) -> list[str]:
    """Say in French what an import from a JSON file alone left out (the attachments)."""
    if files is not None:
        return []
    updates = (data.get("monitoring") or {}).get("updates") or []
    count = sum(len(u.get("attachments") or []) for u in updates if isinstance(u, dict))
    if not count:
        return []
    return [
        f"{count} pièce(s) jointe(s) non importée(s) : le fichier JSON seul ne contient pas "
        "les fichiers (importez l'archive .zip de la CTG pour les reprendre)."
    ]


def _write_files(attachments: list, files: Files, written: list[str]) -> None:
    """Store each attachment's file under its new name; `written` lists what is on disk."""
    for attachment, path in attachments:
        content = files.get(path)
        if content is None:
            raise ExchangeError(f"{REFUSED} : fichier absent de l'archive : {path}.")
        try:
            name = default_storage.save(attachment.file.name, ContentFile(content))
        except OSError as exc:
            raise ExchangeError(
                f"{REFUSED} : le fichier {path} n'a pas pu être écrit dans le dossier des médias "
                f"(disque plein ou dossier en lecture seule ?) : {exc.strerror or exc}."
            ) from exc
        written.append(name)
        if name != attachment.file.name:
            type(attachment).objects.filter(pk=attachment.pk).update(file=name)


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
