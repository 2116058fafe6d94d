"""Settings for the test suite: fast hashing, in-memory mail, plain static files."""

import os

os.environ.setdefault("PILOTE_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("PILOTE_DOTENV", "0")  # a developer's .env never reaches the tests

from config.settings import *  # noqa: F403
from config.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# One process's memory: the database cache of production (several servers) would add queries
# to every throttled request that the query-count tests count.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A test runs in one transaction that never commits: the versions, moved after the commit,
# would not move between its requests. The tests of pilote.core.fragments turn it on and run
# the commit callbacks (tests/core/test_fragments.py).
FRAGMENT_CACHE = False
# WhiteNoise reads the whole of STATIC_ROOT each time a test client builds the middleware (every
# test): 0.6 s per test once collectstatic has run in the checkout (make run-prod, bench/). In
# this mode it looks a static file up only when one is asked for.
WHITENOISE_AUTOREFRESH = True
