"""The server under test and the benchmark's own database on it, dropped and recreated per run.

With DATABASE_URL the server is that one (the database it names is never touched); without it, the
embedded server under var/ is started here, and stays up while this process lives.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from bench.dburl import describe, with_database


@dataclass(frozen=True)
class Server:
    admin_url: str  # the server's `postgres` database, for CREATE/DROP DATABASE
    embedded: bool
    version: str
    major: int

    def url_for(self, db_name: str) -> str:
        return with_database(self.admin_url, db_name)

    @property
    def label(self) -> str:
        kind = "embedded" if self.embedded else "DATABASE_URL"
        server = describe(self.admin_url).rsplit("/", 1)[0]
        return f"PostgreSQL {self.version} ({kind}: {server})"


def connect_server() -> Server:
    url = os.environ.get("DATABASE_URL", "").strip()
    embedded = not url
    if embedded:
        from tradeshield.db import embedded_database_url

        url = embedded_database_url()  # starts (or joins) the server; exports DATABASE_URL
    admin_url = with_database(url, "postgres")
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        row = conn.execute("SELECT current_setting('server_version'), current_setting('server_version_num')").fetchone()
    assert row is not None
    return Server(admin_url=admin_url, embedded=embedded, version=str(row[0]).split()[0], major=int(row[1]) // 10000)


def recreate_database(server: Server, db_name: str) -> str:
    """Drop (closing any leftover sessions of an earlier run) and create `db_name`; its URL."""
    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db_name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    return server.url_for(db_name)


def tradeshield_command() -> str:
    """The venv's `tradeshield` script, next to the running interpreter."""
    script = Path(sys.executable).with_name("tradeshield")
    return str(script) if script.exists() else "tradeshield"


def migrate(url: str) -> None:
    result = subprocess.run(
        [tradeshield_command(), "migrate"],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"tradeshield migrate failed:\n{result.stdout}\n{result.stderr}")


def setup_django(url: str) -> None:
    """Point this process (and the processes it starts) at the benchmark database, then set Django up."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradeshield.settings")
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")  # platformdirs, harmless here
    import django

    django.setup()
