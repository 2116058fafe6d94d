#!/usr/bin/env python
"""Django's command-line utility for Pilote CTG."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:  # a setting is missing: one line of French
        sys.exit(f"Pilote CTG ne peut pas démarrer : {error}")
    except (OperationalError, ProgrammingError) as error:
        if "no such table" not in str(error) and "does not exist" not in str(error):
            raise
        sys.exit(
            "La base de données n'est pas initialisée : lancez « make run », ou "
            f"« python manage.py migrate » puis « python manage.py load_territories » ({error})."
        )


if __name__ == "__main__":
    main()
