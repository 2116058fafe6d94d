"""Every write of the follow-up goes through these functions, each in one transaction.

Views, commands and the demo data call them; they raise FollowUpError with a French message that
can be shown as is to the user. Updates are append-only: nothing here edits or deletes one, a
correction is a new update.
"""

import errno
import logging
import os
from collections.abc import Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from pilote.core.formats import NBSP, french_number
from pilote.core.transactions import retry_transaction
from pilote.plans.models import PlanNode
from pilote.plans.visibility import can_see_internal

from .enums import UpdateStatus
from .models import ActionUpdate, UpdateAttachment
from .periods import Quarter

logger = logging.getLogger(__name__)


class FollowUpError(Exception):
    """A follow-up write that cannot be made; the message is in French, for users."""


# Extension → the first bytes its content must start with (None: plain text, checked apart).
# docx, xlsx, odt and ods are ZIP archives.
ALLOWED_ATTACHMENTS: dict[str, tuple[bytes, ...] | None] = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "csv": None,
    "txt": None,
}
ALLOWED_LABEL = "PDF, DOCX, XLSX, ODT, ODS, PNG, JPG, CSV ou TXT"
MAX_ATTACHMENTS = 5


def record_update(
    node: PlanNode,
    *,
    by,
    year: int,
    quarter: int,
    status: str,
    progress: int,
    done: str = "",
    difficulties: str = "",
    next_steps: str = "",
    attachments: Iterable[UploadedFile] = (),
    is_internal: bool = False,
    attachments_internal: bool = False,
) -> ActionUpdate:
    """Record a new update on an action for a quarter, with its attachments, and return it.

    is_internal: the update (and so its attachments) is seen by the CTG's editors only;
    attachments_internal: the attachments alone are (pilote.plans.visibility).
    """
    convention = node.convention
    if not node.level.tracked:
        raise FollowUpError(
            f"« {node} » n'est pas une action suivie : seuls les éléments des niveaux suivis "
            "chaque trimestre reçoivent des points de suivi."
        )
    period = validate_quarter(convention, year, quarter)
    if status not in UpdateStatus.values:
        raise FollowUpError(f"Statut inconnu : « {status} ».")
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise FollowUpError("L'avancement doit être un nombre entier compris entre 0 et 100 %.")
    files = list(attachments)
    if len(files) > MAX_ATTACHMENTS:
        raise FollowUpError(f"Joignez au plus {MAX_ATTACHMENTS} fichiers à un point de suivi.")
    for upload in files:
        validate_attachment(upload)
    if (is_internal or attachments_internal) and not (
        by is not None and can_see_internal(by, convention)
    ):
        raise FollowUpError(
            "Seules la Caf et la coordination de la CTG peuvent rendre un point de suivi ou "
            "une pièce jointe interne."
        )
    return _write_update(
        node,
        by=by,
        period=period,
        status=status,
        progress=progress,
        texts=(done.strip(), difficulties.strip(), next_steps.strip()),
        files=files,
        internal=(is_internal, attachments_internal),
    )


@retry_transaction
def _write_update(
    node: PlanNode,
    *,
    by,
    period: Quarter,
    status: str,
    progress: int,
    texts: tuple[str, str, str],
    files: list[UploadedFile],
    internal: tuple[bool, bool] = (False, False),
) -> ActionUpdate:
    """Write the update and its attachments in one transaction, run again if the base asks."""
    written: list[str] = []  # the attachment files written so far, removed if anything fails
    try:
        with transaction.atomic():
            _lock_node(node)
            update = ActionUpdate.objects.create(
                convention_id=node.convention_id,
                node=node,
                year=period.year,
                quarter=period.quarter,
                status=status,
                progress=progress,
                done=texts[0],
                difficulties=texts[1],
                next_steps=texts[2],
                author=by if by is not None and by.is_authenticated else None,
                is_internal=internal[0],
            )
            for upload in files:
                _store_attachment(update, upload, written, internal=internal[1])
    except OSError as error:
        _remove_files(written)
        logger.exception("Pièces jointes non enregistrées (%s)", node.convention.slug)
        raise FollowUpError(storage_failure_message(error)) from error
    except BaseException:
        # Also before a new attempt of retry_transaction: it writes the files again.
        _remove_files(written)
        raise
    return update


def _lock_node(node: PlanNode) -> None:
    """Lock the action's row (PostgreSQL), or refuse if it was deleted meanwhile.

    A plan writer deleting the action waits for this transaction, or this one for it and then
    finds nothing: the update is never written for an action that no longer exists.
    """
    if not PlanNode.objects.select_for_update(no_key=True).filter(pk=node.pk).exists():
        raise FollowUpError(
            f"« {node} » a été supprimée pendant votre saisie : le point de suivi n'a pas été "
            "enregistré."
        )


def _store_attachment(
    update: ActionUpdate, upload: UploadedFile, written: list[str], *, internal: bool = False
) -> None:
    """Write an attachment's file and row; `written` learns the file's name before the write."""
    name = os.path.basename(upload.name)[:255]
    attachment = UpdateAttachment(update=update, name=name, size=upload.size, is_internal=internal)
    field = attachment.file.field
    target = field.storage.get_available_name(
        field.generate_filename(attachment, name), max_length=field.max_length
    )
    # Known before writing: a disk that fills up half-way leaves a truncated file to remove.
    written.append(target)
    stored = field.storage.save(target, upload, max_length=field.max_length)
    if stored != target:
        written.append(stored)
    attachment.file.name = stored
    attachment.save()


def _remove_files(names: list[str]) -> None:
    """Delete these attachment files, whole or truncated, ignoring those already gone."""
    storage = UpdateAttachment._meta.get_field("file").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Pièce jointe %s non supprimée", name)


def storage_failure_message(error: OSError) -> str:
    """Return the French message of an attachment the server could not write."""
    if error.errno == errno.ENOSPC:
        cause = "l'espace disque du serveur est plein"
    elif isinstance(error, PermissionError) or error.errno == errno.EROFS:
        cause = "le dossier des fichiers du serveur n'accepte pas d'écriture"
    else:
        cause = "le serveur n'a pas pu écrire le fichier"
    return (
        f"Le point de suivi n'a pas été enregistré : {cause}. Ce que vous avez saisi est "
        "conservé ci-dessous ; joignez de nouveau vos fichiers et réessayez plus tard, ou "
        "enregistrez sans pièce jointe. Prévenez l'administrateur de Pilote CTG."
    )


def validate_quarter(convention, year: int, quarter: int) -> Quarter:
    """Return the quarter if an update may be recorded for it on this CTG, else raise."""
    if quarter not in (1, 2, 3, 4):
        raise FollowUpError("Le trimestre doit être T1, T2, T3 ou T4.")
    period = Quarter(year, quarter)
    first, last = Quarter.of(convention.start_date), Quarter.of(convention.end_date)
    if not first <= period <= last:
        raise FollowUpError(
            f"Le trimestre {period} est hors de la période de la CTG "
            f"({convention.start_date.year}–{convention.end_date.year})."
        )
    if period > Quarter.current():
        raise FollowUpError(
            f"Le trimestre {period} n'a pas encore commencé : un point de suivi rend compte "
            "d'un trimestre en cours ou passé."
        )
    return period


def validate_attachment(upload: UploadedFile) -> None:
    """Raise FollowUpError unless the file is small enough and of an accepted type."""
    name = os.path.basename(upload.name or "")
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise FollowUpError(
            f"Le fichier « {name} » ({human_size(upload.size)}) dépasse la taille maximale "
            f"de {human_size(settings.ATTACHMENT_MAX_BYTES)}."
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_ATTACHMENTS:
        raise FollowUpError(f"Le fichier « {name} » n'est pas d'un type accepté ({ALLOWED_LABEL}).")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    signatures = ALLOWED_ATTACHMENTS[extension]
    # The extension alone is the user's word: the first bytes must agree with it.
    matches = b"\x00" not in head if signatures is None else head.startswith(signatures)
    if not matches:
        raise FollowUpError(
            f"Le contenu du fichier « {name} » ne correspond pas à un fichier {extension.upper()}."
        )


def human_size(size: int) -> str:
    """Return a file size as French users write it ("850 octets", "2,5 Ko", "10 Mo")."""
    for unit, factor in (("Go", 1024**3), ("Mo", 1024**2), ("Ko", 1024)):
        if size >= factor:
            return f"{french_number(size / factor, decimals=1)}{NBSP}{unit}"
    return f"{french_number(size)}{NBSP}octet{'s' if size > 1 else ''}"
