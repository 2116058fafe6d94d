"""WSGI entry point for production servers (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the templates) lives as long as the process: keep it
# out of the garbage collector's full passes, which otherwise cost tens of ms on some requests.
gc.freeze()
