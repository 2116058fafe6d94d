"""Settings for Pilote CTG, read from the environment and from a local .env (see .env.example).

SQLite by default; PostgreSQL through DATABASE_URL. DEBUG is off unless asked for. `make run`
writes a development .env (DEBUG=1 and a random SECRET_KEY) so that every `manage.py` command of
the README works from the checkout; variables of the environment win over the file.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
DOTENV = os.environ.get("PILOTE_DOTENV", str(BASE_DIR / ".env"))  # "0": none (the tests)
if DOTENV != "0":
    load_dotenv(DOTENV, override=False)


def env_bool(name: str, default: bool = False) -> bool:
    """Return the boolean value of an environment variable ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("PILOTE_ALLOW_INSECURE_KEY"):
        raise ImproperlyConfigured(
            "SECRET_KEY doit être défini quand DEBUG est désactivé : en développement, lancez "
            "« make run » (qui écrit un fichier .env) ; en production, voir docs/exploitation.md."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # dsfr before django.forms: its widget, option and error-list templates must win.
    "dsfr",
    "django.forms",
    "widget_tweaks",
    "django_filters",
    "django_htmx",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pilote.core",
    "pilote.accounts",
    "pilote.territories",
    "pilote.conventions",
    "pilote.plans",
    "pilote.monitoring",
    "pilote.facilities",
    "pilote.imports",
    "pilote.governance",
    "pilote.exchange",
    "pilote.reports",
    "pilote.pages",
    "pilote.people",
    "pilote.api",
    "pilote.demo",
    "pilote.backup",
    "simple_history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed for browsers that accept it (a 2,000-action plan: 4 MB → a tenth). Below
    # WhiteNoise, which serves its own precompressed files. BREACH: the CSRF token is masked anew
    # in every response and Django adds random bytes to each gzip header (Heal The Breach).
    "django.middleware.gzip.GZipMiddleware",
    # Permissions-Policy, and Cache-Control: no-store on logged-in pages and downloads.
    "pilote.core.security.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Idle (SESSION_IDLE_TIMEOUT) and absolute (SESSION_COOKIE_AGE) end of a session.
    "pilote.accounts.sessions.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "pilote.core.middleware.DatabaseBusyMiddleware",
    # Last: turns a refused login (too many failures) into the French lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pilote" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pilote.core.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for each other instead of failing with "database is locked" (see
    # docs/architecture.md): WAL lets pages read while one transaction writes; every transaction
    # takes the write lock when it begins (IMMEDIATE), so none fails upgrading a read lock;
    # a writer waits up to SQLITE_TIMEOUT seconds for the lock. synchronous stays FULL (SQLite's
    # default): a commit reaches the disk before the page says "enregistré".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    random_page_cost := os.environ.get("PG_RANDOM_PAGE_COST", "1.1")
):
    # PostgreSQL's planner prices a random page read 4 times a sequential one (spinning disks):
    # at national scale it then scans a whole table (every CTG's links, 177,000 rows, 75 ms)
    # rather than follow an index for one CTG (0.7 ms). On SSDs, or with the data in memory,
    # 1.1 is the usual value. Empty: keep the server's (a pooler that refuses startup options).
    DATABASES["default"]["OPTIONS"] = {
        "options": f"-c random_page_cost={float(random_page_cost)}",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 first: new passwords and every password checked at login are stored with it; older
# hashes (PBKDF2) still work and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
CSRF_FAILURE_VIEW = "pilote.core.views.csrf_failure"  # a French page, not Django's English one
LOGIN_REDIRECT_URL = "conventions:list"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# django-dsfr writes integrity (SRI) hashes of its CSS as shipped; the manifest storage below
# rewrites the url() inside that CSS at collectstatic, so browsers would refuse the stylesheets in
# production. The files come from this site itself, where SRI adds nothing: leave it out.
DSFR_USE_INTEGRITY_CHECKSUMS = False
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "pilote" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Several application servers on one database (docs/deployment.md) ---------------------
# A server keeps no state of its own: attachments go through Django's storage API (STORAGES
# "default": the MEDIA_ROOT folder, or an S3-compatible bucket when S3_BUCKET is set, through
# django-storages, extra "s3"); the cache and the sessions live in the database, or in Redis when
# REDIS_URL is set (extra "redis"), sessions then written through to the database (cached_db).
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            # Private files: downloads go through the application's permission checks.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # The table is made by `manage.py createcachetable` (make migrate, make run-prod).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "pilote_cache",
            # Fragments of CTG pages (pilote.core.fragments) for many CTGs and variants.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Keep the rendered fragments of CTG pages per CTG version (pilote.core.fragments); 0 renders
# every page afresh (to measure, or to rule the cache out).
FRAGMENT_CACHE = env_bool("FRAGMENT_CACHE", True)
# What each server process keeps of them in memory, in characters (least recently used out).
FRAGMENT_LOCAL_BYTES = int(os.environ.get("FRAGMENT_LOCAL_BYTES", str(32 * 1024 * 1024)))

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))

# Uploads (JSON imports) are bounded; larger files get a French error, not a crash.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# A CTG archive (.zip, import_ctg and the import page) holds the attachments' files: bounded by its
# size, by the total size of its files once decompressed (a zip bomb) and by its number of files,
# all checked before anything is extracted.
IMPORT_ARCHIVE_MAX_BYTES = int(os.environ.get("IMPORT_ARCHIVE_MAX_BYTES", str(200 * 1024 * 1024)))
IMPORT_ARCHIVE_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("IMPORT_ARCHIVE_MAX_UNCOMPRESSED_BYTES", str(1024 * 1024 * 1024))
)
IMPORT_ARCHIVE_MAX_ENTRIES = int(os.environ.get("IMPORT_ARCHIVE_MAX_ENTRIES", "10000"))
# An imported office file (DOCX, XLSX, ODS) is a zip too: what it may expand to, checked before
# any reader sees it (pilote.core.zips), so that a small hostile file cannot cost gigabytes.
IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(100_000_000))
)
IMPORT_MAX_ZIP_ENTRIES = int(os.environ.get("IMPORT_MAX_ZIP_ENTRIES", "2000"))
# Deleted elements and CTGs stay in their CTG's « Corbeille » this long (command purge_trash).
TRASH_RETENTION_DAYS = int(os.environ.get("TRASH_RETENTION_DAYS", "30"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pilote-ctg@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Absolute address of the site, for the links of e-mails sent outside a request (reminders).
SITE_URL = os.environ.get("SITE_URL", "")
# Days an invitation link stays valid (pilote.people); a password reset link:
# PASSWORD_RESET_TIMEOUT (Django, 3 days).
INVITATION_MAX_AGE_DAYS = int(os.environ.get("INVITATION_MAX_AGE_DAYS", "14"))
# Partner links (pilote.monitoring.partners): longest lifetime a coordinator may give a link,
# and how many submissions one link may make in an hour.
PARTNER_LINK_MAX_AGE_DAYS = int(os.environ.get("PARTNER_LINK_MAX_AGE_DAYS", "30"))
PARTNER_LINK_MAX_SUBMISSIONS_PER_HOUR = int(
    os.environ.get("PARTNER_LINK_MAX_SUBMISSIONS_PER_HOUR", "20")
)
# Personal API tokens (« Mon compte »): their longest lifetime; requests a token (or a logged-in
# browser) may make to the API, and an anonymous client (DRF's throttle rates, per token).
API_TOKEN_MAX_AGE_DAYS = int(os.environ.get("API_TOKEN_MAX_AGE_DAYS", "365"))
API_RATE_PER_TOKEN = os.environ.get("API_RATE_PER_TOKEN", "600/minute")
API_RATE_ANONYMOUS = os.environ.get("API_RATE_ANONYMOUS", "60/minute")
# The browser tests read the e-mails the server sends (filebased backend).
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
# Who is responsible for the personal data of this instance and how to reach its DPO
# (public page « Données personnelles », docs/rgpd.md); `check --deploy` warns when unset.
PRIVACY_CONTROLLER = os.environ.get("PRIVACY_CONTROLLER", "")
PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT", "")

# --- Security: sessions, login throttling, headers (docs/securite.md) ------------------------

SESSION_COOKIE_HTTPONLY = True
# Absolute lifetime of a session: 10 h after the login, however active (pilote.accounts.sessions).
SESSION_COOKIE_AGE = 60 * 60 * 10
# Idle timeout: a session unused for 2 h ends; the last activity is written at most every 5 min.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(2 * 60 * 60)))
SESSION_ACTIVITY_REFRESH = 5 * 60

# django-axes: 5 failures lock the account (whatever the address) and the address (whatever the
# account) for 15 minutes; others keep logging in. Attempts during a lockout are refused without
# being counted, so a lockout ends 15 min after it began and cannot be kept going by an attacker.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the failures: with both parameters, django-axes would delete every
# failure of the address too, so an attacker holding one account could reset the count of the
# account under attack by logging into his own. Failures simply expire after the cool-off.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "pilote.accounts.views.lockout"
AXES_CLIENT_IP_CALLABLE = "pilote.core.security.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # logins and logouts go to the audit log (accounts.AuditEvent)
AXES_VERBOSE = False
# Behind a reverse proxy, the number of proxies that append to X-Forwarded-For (0: none, the
# client's address is REMOTE_ADDR). Read by the lockouts and the audit log.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Audit log: events older than this are deleted by `python manage.py purge_audit_events`.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))

# The admin, for staff only, away from the usual address.
ADMIN_URL = os.environ.get("ADMIN_URL", "gestion/").strip("/") + "/"

# Content-Security-Policy (django-csp): scripts from this site only, no inline script nor handler.
# Inline style *attributes* stay allowed (style-src-attr): progress bars and the timeline set
# widths and grid columns computed by the server; <style> elements are refused (style-src).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
# Every feature a page of Pilote CTG never needs, refused to the page and to anything it embeds.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), "
    "serial=(), usb=(), xr-spatial-tracking=()"
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The REST API (/api/v1/, pilote.api; docs/api.md). Personal tokens or the browser's session
# (with its CSRF check); every view narrows what it reads to the CTGs the user may see.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pilote.api.authentication.ApiTokenAuthentication",
        "pilote.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["pilote.api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": API_RATE_PER_TOKEN, "anonymous": API_RATE_ANONYMOUS},
    "DEFAULT_PAGINATION_CLASS": "pilote.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pilote.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API de Pilote CTG",
    "DESCRIPTION": (
        "Lire les CTG, leur plan, leur suivi, leurs indicateurs, équipements, chiffres et "
        "réunions ; enregistrer des points de suivi et des mesures ; modifier un élément du "
        "plan. Mêmes droits que les pages. Guide : docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pilote.api.schema.add_error_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models have a "status" or a "kind": each set of choices gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "ConventionStatusEnum": "pilote.conventions.enums.ConventionStatus",
        "UpdateStatusEnum": "pilote.monitoring.enums.UpdateStatus",
        "FacilityStatusEnum": "pilote.facilities.enums.FacilityStatus",
        "FacilityKindEnum": "pilote.facilities.enums.FacilityKind",
        "FigureKindEnum": "pilote.facilities.enums.FigureKind",
        "MeetingKindEnum": "pilote.governance.enums.MeetingKind",
        "DecisionKindEnum": "pilote.governance.enums.DecisionKind",
        "QuarterEnum": [(q, f"T{q}") for q in range(1, 5)],
    },
}

# Territories: the compact derived copy of the COG shipped in the repository.
TERRITORIES_DATA_FILE = BASE_DIR / "pilote" / "territories" / "data" / "cog.json.gz"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
