"""Settings for the CCC portal: one module, configured from the environment.

Every variable is listed with its default in README.md and .env.example. Without any of them
the portal runs on its embedded defaults (SQLite, kombu's filesystem broker under var/, mail
written to var/mail/); production sets DEBUG off and must then provide a real SECRET_KEY.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


# --- Core -------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "django-insecure-development-only-key-never-use-this-in-production-0123456789"
if not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    # The same test as Django's security.W009: refuse to run production on a guessable key.
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters when DEBUG is off. "
        'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so that it can patch the model admins.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "django_celery_beat",
    "simple_history",
    "axes",
    "core",
    "members",
    "networks",
    "events",
    "surveys",
    "accounts",
    "privacy",
    "demo",
    "desk",
    # Last: its post_migrate hook syncs the staff groups once every app's permissions exist.
    "ccc_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # whitenoise right after SecurityMiddleware, as its docs ask.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so that cached pages get the current headers too.
    "csp.middleware.CSPMiddleware",
    "core.headers.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known (it is in the URL) and before any view work.
    "core.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: locks the admin login after repeated failures.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out user and address before any password
    # check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Focal persons' one-time sign-in links (accounts.views.sign_in_confirm).
    "sesame.backends.ModelBackend",
]
# A sign-in link works once, for 15 minutes, and only for the purpose it was made for.
SESAME_MAX_AGE = 15 * 60
SESAME_ONE_TIME = True
SESAME_SALT = "accounts.sign-in"

ROOT_URLCONF = "ccc_portal.urls"
WSGI_APPLICATION = "ccc_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ccc_portal.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# PostgreSQL in production and CI (DATABASE_URL); SQLite under var/ as the embedded default.
# Production must say which database it uses: without DEBUG, a missing DATABASE_URL is an
# error, never a silent SQLite file.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DATABASE_URL must be set when DEBUG is off, for example "
            "postgres://ccc_portal:password@127.0.0.1:5432/ccc_portal. "
            "For development, set DEBUG=1 (make run does) to use SQLite under var/."
        )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run's web server, worker and beat share one file: a writer takes the lock when its
    # transaction begins (no read-then-write upgrade that fails at once with "database is
    # locked") and waits up to 20 s for another.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -----------------------------------------------------------------------
# The web tier keeps no state of its own: sessions live in the database, the cache in Redis,
# shared by every web process (cached pages and rate-limit counters must be the same in all of
# them). REDIS_CACHE_URL names it; when unset and the broker is Redis, the cache takes the next
# database number on the broker's server (never the broker's own: clearing the cache flushes
# its database). Only with neither (development) is the cache per process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")


def _next_redis_database(url):
    scheme, _sep, rest = url.partition("://")
    address, _slash, database = rest.partition("/")
    number = int(database.split("?")[0] or 0)
    return f"{scheme}://{address}/{(number + 1) % 16}"


REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", "")
if not REDIS_CACHE_URL and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    REDIS_CACHE_URL = _next_redis_database(CELERY_BROKER_URL)
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.PooledRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            # A cache that does not answer quickly is treated as down (core/cache.py).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages kept for anonymous visitors this many seconds at most (0 turns it off); any
# change to what they show drops them at once (core/page_cache.py).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 60)

# --- Passwords --------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages, time and formats --------------------------------------------------------------
LANGUAGE_CODE = "km"
LANGUAGES = [("km", "ខ្មែរ"), ("en", "English")]
LOCALE_PATHS = [
    BASE_DIR / "locale",  # our own strings (makemessages); listed first, so they win
    BASE_DIR / "locale_overrides",  # Khmer of Django's and the libraries' strings, by hand
]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Phnom_Penh"
# Django's own km formats read dates month-first and start the week on Sunday: ours fix that.
FORMAT_MODULE_PATH = ["core.formats"]

MODELTRANSLATION_DEFAULT_LANGUAGE = "km"
MODELTRANSLATION_LANGUAGES = ("km", "en")
# Never an empty page: a text missing in one language falls back to the other.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("km", "en"), "km": ("en",), "en": ("km",)}

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Files with no public URL (event materials, signed MoUs), served only through views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
# Who sends a private file once a view has checked the right to it (core/sendfile.py,
# docs/private-files.md): "" Django itself, "nginx" (X-Accel-Redirect to an internal location
# at PRIVATE_FILES_INTERNAL_PREFIX) or "sendfile" (X-Sendfile: Apache's mod_xsendfile).
PRIVATE_FILES_SERVER = os.environ.get("PRIVATE_FILES_SERVER", "").strip().lower()
if PRIVATE_FILES_SERVER == "apache":
    PRIVATE_FILES_SERVER = "sendfile"
if PRIVATE_FILES_SERVER not in ("", "nginx", "sendfile"):
    raise ImproperlyConfigured(
        'PRIVATE_FILES_SERVER must be empty (Django sends private files), "nginx" or '
        f'"sendfile" (also "apache"), not "{PRIVATE_FILES_SERVER}".'
    )
PRIVATE_FILES_INTERNAL_PREFIX = os.environ.get("PRIVATE_FILES_INTERNAL_PREFIX", "/protected/")
if not (
    PRIVATE_FILES_INTERNAL_PREFIX.startswith("/") and PRIVATE_FILES_INTERNAL_PREFIX.endswith("/")
):
    raise ImproperlyConfigured(
        "PRIVATE_FILES_INTERNAL_PREFIX must start and end with a slash, such as /protected/."
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Fingerprinted files may be cached for a year (whitenoise sets immutable on them).
WHITENOISE_MAX_AGE = 3600
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Email ------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CCC portal <no-reply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "core.mail.SMTPBackend"  # Django's, sending prepared bytes as they are
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
STAFF_NOTIFICATION_EMAILS = env_list("STAFF_NOTIFICATION_EMAILS")

# --- Celery -----------------------------------------------------------------------------------
# Redis in production and CI; the embedded default is kombu's filesystem transport, which needs
# no server, so `make run` can start a worker and beat beside the web server.
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_folder = VAR_DIR / "celery" / "broker"
    # kombu's filesystem transport expects its folders to exist.
    for _folder in (
        _broker_folder,
        VAR_DIR / "celery" / "processed",
        VAR_DIR / "celery" / "control",
    ):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_folder),
        "data_folder_out": str(_broker_folder),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcasts (worker pings) would otherwise land in ./control of the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# A task is acknowledged after it ran, so a worker killed mid-task leaves it to be redone;
# every task is idempotent through the database for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Forms ------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the admin's JavaScript reads it
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere (templates/emails/ excepted: mail is not served with CSP):
# page code lives in static/js and static/css. CSP_REPORT_ONLY=1 sends the same policy as
# Content-Security-Policy-Report-Only, for a rollout that only reports to the browser console.
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # data: for the SVG icons that Bootstrap's and the admin's stylesheets embed.
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
# Every feature off; core.headers allows the camera on the staff check-in pages.
PERMISSIONS_POLICY = dict.fromkeys(
    (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ),
    "",
)
CSRF_FAILURE_VIEW = "ccc_portal.errors.csrf_failure"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Behind a TLS-terminating proxy (nginx, a load balancer) that sets X-Forwarded-Proto.
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated):
# the rate limit and the login lockout then count the visitor's address, not the proxy's.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# The admin login (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_address"
AXES_LOCKOUT_TEMPLATE = "admin/login_locked_out.html"
AXES_VERBOSE = False

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- The portal -------------------------------------------------------------------------------
PORTAL_NAME = _("Cooperation Committee for Cambodia")
# Registration posts one address may make in ten minutes (the load benchmark raises it).
REGISTRATION_RATE_LIMIT = env_int("REGISTRATION_RATE_LIMIT", 20)
# Sign-in links one address may ask for in fifteen minutes.
SIGN_IN_RATE_LIMIT = env_int("SIGN_IN_RATE_LIMIT", 5)
# Registrants' personal data is anonymised this many months after their event ended, by the
# nightly task privacy.tasks.anonymise_expired_registrations (privacy/retention.py says what
# is kept). At least 1: a mistyped 0 must not anonymise every past event at once.
REGISTRATION_RETENTION_MONTHS = env_int("REGISTRATION_RETENTION_MONTHS", 24)
if REGISTRATION_RETENTION_MONTHS < 1:
    raise ImproperlyConfigured("REGISTRATION_RETENTION_MONTHS must be 1 or more.")
# Telegram notices (opt-in per registrant). Without a bot token the option is hidden and every
# notice goes by email alone. The webhook secret is Telegram's X-Telegram-Bot-Api-Secret-Token.
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_BOT_USERNAME = os.environ.get("TELEGRAM_BOT_USERNAME", "")
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
# Tests and CI point this at a fake Bot API on loopback; nothing in them talks to Telegram.
TELEGRAM_API_BASE_URL = os.environ.get("TELEGRAM_API_BASE_URL", "https://api.telegram.org")
# A minimal view at /bench/floor/ for the load benchmark's baseline; off in production.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
# Upload limit for signed MoU documents (bytes).
MOU_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# Upload limit for event materials: agendas, presentations, minutes, photos (bytes).
EVENT_MATERIAL_MAX_BYTES = 20 * 1024 * 1024

# --- Staff exports (django-import-export) -------------------------------------------------------
from import_export.formats.base_formats import CSV, XLSX  # noqa: E402

EXPORT_FORMATS = [XLSX, CSV]
IMPORT_FORMATS = [XLSX, CSV]
# Formulas are neutralised by core.spreadsheets (called by core.admin_spreadsheets' export mixin):
# a quote before any text starting with = + - @, a tab or a carriage return. The library's own
# escaping only strips a leading "=" (so "+cmd|..." and "@SUM(...)" pass) and turns every cell,
# numbers included, into text: it stays off.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Unset, these let every staff login import and export every model. Import needs the model's
# "change" right here, and both "add" and "change" in our admins (core.admin_spreadsheets);
# export needs "view".
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Largest spreadsheet staff may upload (bytes).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
# Confirmed imports with more rows than this run in a Celery worker, with their progress shown.
IMPORT_IN_BACKGROUND_ROWS = env_int("IMPORT_IN_BACKGROUND_ROWS", 1000)

# --- Outbox -------------------------------------------------------------------------------------
# First retry delay for an email the mail server refused for now (4xx) or could not be reached
# for; it doubles at each attempt (core/outbox.py).
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
# A worker renews its claim on a batch as it sends; a claim not renewed for this long belongs
# to a worker that died, and the next sweep (every minute) takes its emails over. Keep it above
# the longest a single email can take (a few EMAIL_TIMEOUTs).
OUTBOX_CLAIM_TIMEOUT_SECONDS = env_int("OUTBOX_CLAIM_TIMEOUT_SECONDS", 60)
