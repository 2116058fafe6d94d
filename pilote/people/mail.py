"""E-mails about people, in plain French text, through Django's e-mail backend (as reminders)."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from pilote.accounts.enums import Role
from pilote.accounts.models import Invitation
from pilote.core.formats import french_date

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The e-mail could not be handed to the mail server; carries a French message."""


def absolute_url(path: str, base_url: str) -> str:
    """Return the link for an e-mail: SITE_URL when set, else the address of the request."""
    return (settings.SITE_URL or base_url).rstrip("/") + path


def invitation_url(token: str, base_url: str) -> str:
    return absolute_url(reverse("people:invitation", kwargs={"token": token}), base_url)


def invitation_scope(invitation: Invitation) -> str:
    if invitation.role == Role.CAF_ADVISER:
        return f"le département {invitation.departement}"
    return f"la {invitation.convention.name}"


def send_invitation(invitation: Invitation, token: str, *, base_url: str) -> None:
    """E-mail the personal link of the invitation to the invitee."""
    inviter = invitation.invited_by
    who = f"{inviter} ({inviter.email})" if inviter and inviter.email else str(inviter or "")
    expires = french_date(timezone.localdate(invitation.expires_at))
    lines = [
        "Bonjour,",
        "",
        f"{who} vous invite sur Pilote CTG, l’outil de suivi des conventions territoriales "
        f"globales, avec le rôle « {invitation.get_role_display()} » pour "
        f"{invitation_scope(invitation)}.",
        "",
        "Pour accepter, ouvrez ce lien personnel (il ne sert qu’une fois) :",
        invitation_url(token, base_url),
        "",
        f"Il expire le {expires}. Si vous n’avez pas encore de compte, vous choisirez votre "
        "mot de passe en l’ouvrant.",
        "",
        "Si vous ne vous attendiez pas à ce message, ignorez-le : aucun compte ne sera créé.",
        "",
        "-- ",
        "Pilote CTG – message automatique.",
    ]
    try:
        send_mail(
            subject=f"[Pilote CTG] Invitation : {invitation.get_role_display()}",
            message="\n".join(lines),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except (OSError, smtplib.SMTPException) as error:
        logger.exception("Invitation e-mail to %s not sent", invitation.email)
        raise MailNotSent(
            "Le courriel d’invitation n’a pas pu être envoyé (serveur de courriel indisponible) : "
            "rien n’est enregistré, réessayez plus tard."
        ) from error
