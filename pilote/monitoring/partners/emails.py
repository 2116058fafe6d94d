"""The e-mails of the partner links: the link itself, and a refusal's reason.

Sent through Django's e-mail backend (the console in `make run`, SMTP in production), like the
quarterly reminders (pilote.monitoring.reminders); absolute links start with SITE_URL.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from pilote.core.formats import french_date

from .models import PartnerLink, PartnerSubmission


def site_url(request=None) -> str:
    """Return the base of absolute links: SITE_URL, else the request's own address."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def link_url(token: str, base_url: str) -> str:
    return base_url + reverse("monitoring:partner_form", kwargs={"token": token})


def _action_lines(nodes) -> list[str]:
    return [f"- {node.level.name} {node.number} {node.title}".replace("  ", " ") for node in nodes]


def send_link_email(link: PartnerLink, token: str, nodes, *, base_url: str) -> None:
    """Send the partner his or her personal link, and what it asks for."""
    convention = link.convention
    expires = french_date(timezone.localtime(link.expires_at).date())
    count = len(nodes)
    plural = "s" if count > 1 else ""
    sender = link.created_by.get_full_name() or link.created_by.username if link.created_by else ""
    lines = [
        f"Bonjour {link.recipient_name},",
        "",
        f"Dans le cadre du suivi de la {convention.name}, "
        + (f"{sender} vous demande" if sender else "la coordination vous demande")
        + f" le point du {link.period_label} sur {'ces' if count > 1 else 'cette'} "
        f"action{plural} :",
        "",
        *_action_lines(nodes),
        "",
        "Pour chacune : le statut, l’avancement (en %), ce qui a été fait, les difficultés, les "
        "prochaines étapes et, le cas échéant, les valeurs de ses indicateurs pour le trimestre.",
        "",
        "Votre lien personnel (sans compte ni mot de passe) :",
        link_url(token, base_url),
        "",
        f"Il est valable jusqu’au {expires} inclus et peut servir plusieurs fois : un nouvel "
        "envoi remplace le précédent tant qu’il n’a pas été validé. Ce que vous envoyez est "
        "relu par la coordination de la CTG avant d’être pris en compte.",
        "",
        "Ce lien vous est personnel : ne le transférez pas.",
        "",
        "-- ",
        "Pilote CTG – message envoyé à la demande de la coordination de la CTG.",
    ]
    send_mail(
        f"[Pilote CTG] {convention.name} : votre point de suivi du {link.period_label}",
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        [link.email],
    )


def send_refusal_email(submission: PartnerSubmission) -> None:
    """Tell the sender that a submission was refused, and why."""
    node = submission.node
    convention = submission.convention
    lines = [
        f"Bonjour {submission.sender_name},",
        "",
        f"Le point du {submission.period_label} que vous avez envoyé pour l’action "
        f"« {node.number} {node.title} » ({convention.name}) n’a pas été retenu.",
        "",
        "Motif :",
        submission.refusal_reason,
        "",
        "Si votre lien est encore valable, vous pouvez envoyer un point corrigé ; sinon, "
        "demandez-en un nouveau à la coordination de la CTG.",
        "",
        "-- ",
        "Pilote CTG – message envoyé à la demande de la coordination de la CTG.",
    ]
    send_mail(
        f"[Pilote CTG] {convention.name} : votre point du {submission.period_label} à revoir",
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        [submission.sender_email],
    )
