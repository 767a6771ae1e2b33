"""Database URLs: the same server with another database, and libpq variables for pgbench (pure)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from tradeshield.db import database_settings


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` on the same server (user, password, host, query kept)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(name), parts.query, parts.fragment))


def libpq_env(url: str) -> dict[str, str]:
    """PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE for command-line clients such as pgbench."""
    settings = database_settings(url)
    env = {
        "PGHOST": str(settings["HOST"]),
        "PGPORT": str(settings["PORT"]),
        "PGUSER": str(settings["USER"]),
        "PGPASSWORD": str(settings["PASSWORD"]),
        "PGDATABASE": str(settings["NAME"]),
    }
    return {key: value for key, value in env.items() if value}


def describe(url: str) -> str:
    """For humans and the JSON: never shows a password."""
    settings = database_settings(url)
    host = settings["HOST"] or "local socket"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"{settings['USER']}@{host}{port}/{settings['NAME']}"
