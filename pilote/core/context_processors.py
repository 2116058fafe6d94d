from django.conf import settings


def site(request) -> dict:
    """Return the site-wide values the base template needs."""
    return {"SITE_NAME": "Pilote CTG", "DEBUG": settings.DEBUG}
