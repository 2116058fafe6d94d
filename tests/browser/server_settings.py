"""Settings of the browser tests' server: production settings with a fast password hasher.

Argon2 costs about a quarter of a second of CPU for each password hashed or checked: the demo
users created for the browser tests and every login of those tests use MD5 instead, as the
other tests do (config/settings_test.py). Nothing else changes.
"""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
