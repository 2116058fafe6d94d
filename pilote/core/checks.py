"""Deployment checks of Pilote CTG's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def privacy_contacts(app_configs=None, **kwargs) -> list[Warning]:
    """Warn when the public « Données personnelles » page cannot name who answers for the data."""
    missing = [
        name for name in ("PRIVACY_CONTROLLER", "PRIVACY_CONTACT") if not getattr(settings, name)
    ]
    if not missing:
        return []
    return [
        Warning(
            f"{' et '.join(missing)} vide(s) : la page « Données personnelles » ne peut pas nommer "
            "le responsable du traitement ni son délégué à la protection des données.",
            hint="Définissez ces variables d'environnement (docs/exploitation.md, docs/rgpd.md).",
            id="pilote.W001",
        )
    ]
