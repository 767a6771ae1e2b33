"""The `tradeshield` command: serve, run background jobs, migrate, seed, administer.

Each command sets Django up lazily (inside the command), so `--help` is instant and never touches a
database. With no DATABASE_URL, settings start an embedded PostgreSQL under var/ for the command's lifetime.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from tradeshield.cli import fx, operations, sandbox, translations
from tradeshield.cli.boot import (
    check_database,
    console,
    database_errors,
    database_label,
    err_console,
    fail,
    first_line,
    setup_django,
)

app = typer.Typer(
    name="tradeshield",
    help="TradeShield: trade assurance for cross-border B2B purchasing.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,  # locals may hold secrets (database URL, passwords)
)


def _demo_accounts() -> list[dict[str, Any]]:
    """`tradeshield.demo.accounts.DEMO_ACCOUNTS` if that module exists, else nothing."""
    try:
        from tradeshield.demo.accounts import DEMO_ACCOUNTS  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError as exc:
        if exc.name in ("tradeshield.demo", "tradeshield.demo.accounts"):
            return []
        raise
    return [dict(account) for account in DEMO_ACCOUNTS]


def _demo_table(accounts: list[dict[str, Any]]) -> Table:
    table = Table(title="Demo accounts", title_justify="left", expand=False, box=box.SIMPLE_HEAD)
    table.add_column("Email", no_wrap=True)  # copied into the login form: never truncated
    table.add_column("Password", no_wrap=True)
    table.add_column("Role")
    table.add_column("Organization")
    for account in accounts:
        table.add_row(*(escape(str(account.get(key, ""))) for key in ("email", "password", "role", "organization")))
    return table


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Web worker processes (gunicorn, threaded).")] = 2,
    threads: Annotated[int, typer.Option(min=1, help="Threads per web worker.")] = 4,
    job_worker: Annotated[
        bool,
        typer.Option("--worker/--no-worker", help="Also run one background-job worker in a child process."),
    ] = True,
) -> None:
    """Serve the web app and API with gunicorn (production-grade), plus one job worker.

    Static files are served by WhiteNoise straight from the installed packages: no collectstatic step.
    Put a reverse proxy that terminates TLS in front of it in production.
    """
    from tradeshield.cli.server import check_port_free, metrics_dir, serve_forever

    check_port_free(host, port)
    metrics_dir()
    setup_django()
    check_database(require_migrated=True)

    from django.conf import settings

    shown_host = {"0.0.0.0": "127.0.0.1", "::": "localhost", "": "127.0.0.1"}.get(host, host)
    shown_host = f"[{shown_host}]" if ":" in shown_host else shown_host
    base = f"http://{shown_host}:{port}"
    lines = [
        f"[bold]TradeShield[/] is serving at [link={base}/]{base}/[/]",
        f"API docs   {base}/api/v1/docs",
        f"OpenAPI    {base}/api/v1/openapi.json",
        f"Database   {escape(database_label())}",
        f"Web        {workers} worker(s) x {threads} thread(s)",
        f"Jobs       {'one worker (child process)' if job_worker else 'not started (--no-worker)'}",
        "Stop with Ctrl+C",
    ]
    console.print(Panel("\n".join(lines), expand=False, border_style="green"))
    accounts = _demo_accounts()
    if accounts:
        console.print(_demo_table(accounts))
    if settings.SESSION_COOKIE_SECURE:
        console.print(
            "[yellow]note:[/] cookies are HTTPS-only; for plain-HTTP local use set "
            "TRADESHIELD_SECURE_COOKIES=0 (make run does)."
        )
    serve_forever(host=host, port=port, workers=workers, threads=threads, job_worker=job_worker)


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Jobs run at the same time.")] = 1,
    queue: Annotated[
        list[str] | None, typer.Option("--queue", "-q", help="Queue to listen to (repeatable; default all).")
    ] = None,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            min=1, max=65535, help="Serve this worker's job metrics (Prometheus) on 127.0.0.1:PORT (internal only)."
        ),
    ] = None,
) -> None:
    """Run a background-job worker (Procrastinate) until SIGTERM or Ctrl+C.

    Production runs several of these beside `serve --no-worker`. On a stop signal running jobs get
    TRADESHIELD_WORKER_SHUTDOWN_TIMEOUT seconds to finish.
    """
    setup_django()
    check_database(require_migrated=True)
    from tradeshield.worker import run_worker

    queues = list(queue or [])
    if metrics_port is not None:
        from prometheus_client import start_http_server

        try:
            start_http_server(metrics_port, addr="127.0.0.1")
        except OSError as exc:
            fail(f"cannot serve worker metrics on 127.0.0.1:{metrics_port}: {exc.strerror or exc}")
    console.print(
        f"[green]job worker[/] pid {os.getpid()}: concurrency {concurrency}, "
        f"queues {', '.join(queues) if queues else 'all'} ({escape(database_label())})"
    )
    with database_errors():
        run_worker(concurrency=concurrency, queues=queues or None)
    console.print(f"[green]job worker[/] pid {os.getpid()} stopped")


@app.command()
def migrate() -> None:
    """Create or update the database schema (Django migrations, including the job queue's)."""
    setup_django()
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    with database_errors():
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            console.print(f"[green]✓[/] database schema is up to date ({escape(database_label())})")
            return
        with console.status(f"Applying {len(plan)} migration(s) to {escape(database_label())}…"):
            call_command("migrate", interactive=False, verbosity=0)
    console.print(f"[green]✓[/] applied {len(plan)} migration(s)")


@app.command("seed-demo")
def seed_demo(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing if the database already has data.")] = False,
) -> None:
    """Load demo organizations, users and orders (for trying the product, never for production)."""
    setup_django()
    try:
        from tradeshield.demo.seed import seed_demo as run_seed  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError as exc:
        if exc.name in ("tradeshield.demo", "tradeshield.demo.seed"):
            fail("demo data is not available in this build (no tradeshield.demo.seed)")
        raise
    check_database(require_migrated=True)
    with database_errors(), console.status("Seeding demo data…"):
        seeded = run_seed(if_empty=if_empty)
    if not seeded:
        console.print("[green]✓[/] database already has data; demo seed skipped")
        return
    console.print("[green]✓[/] demo data loaded")
    accounts = _demo_accounts()
    if accounts:
        console.print(_demo_table(accounts))


@app.command()
def createsuperuser(
    email: Annotated[str, typer.Option("--email", help="Sign-in email of the platform admin.")],
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            envvar="TRADESHIELD_ADMIN_PASSWORD",
            help="Password (prompted for if omitted; may come from TRADESHIELD_ADMIN_PASSWORD).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create a platform admin (staff role admin, Django admin access)."""
    setup_django()
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.db import IntegrityError

    from tradeshield.accounts.models import User

    try:
        validate_email(email)
    except ValidationError:
        fail(f"not a valid email address: {email}")
    if password is None:
        if not sys.stdin.isatty():
            fail("no --password given and no terminal to ask for one (or set TRADESHIELD_ADMIN_PASSWORD)")
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    from django.contrib.auth.password_validation import validate_password

    try:
        validate_password(password, user=User(email=email))
    except ValidationError as exc:
        fail("password rejected: " + " ".join(exc.messages))
    with database_errors():
        if User.objects.filter(email__iexact=email).exists():
            fail(f"a user with email {email} already exists")
        try:
            user = User.objects.create_superuser(email, password)
        except IntegrityError as exc:
            fail(f"could not create the user: {first_line(exc)}")
    console.print(f"[green]✓[/] platform admin {escape(user.email)} created")


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def manage(
    args: Annotated[list[str] | None, typer.Argument(help="Django management command and its arguments.")] = None,
) -> None:
    """Run a Django management command, e.g. `tradeshield manage showmigrations`.

    `tradeshield manage help` lists the commands; `tradeshield manage help NAME` shows one's options.
    """
    setup_django()
    from django.core.management import execute_from_command_line

    with database_errors():
        execute_from_command_line(["tradeshield manage", *(args or [])])


@app.command("ledger-check")
def ledger_check() -> None:
    """Audit the books: every currency balances to zero and account totals match the transfers.

    Exits 1 if anything is off.
    """
    setup_django()
    check_database(require_migrated=True)
    from tradeshield.ledger.selectors import ledger_check as run_check

    with database_errors():
        totals = run_check()
    if not totals:
        console.print("[green]✓[/] ledger is empty: nothing to check")
        return
    table = Table(title="Ledger check", title_justify="left")
    table.add_column("Currency")
    table.add_column("Posted sum", justify="right")
    table.add_column("Pending sum", justify="right")
    table.add_column("Totals match transfers")
    table.add_column("Result")
    broken = 0
    for row in totals:
        ok = row.posted_sum == 0 and row.pending_sum == 0 and row.recomputed_matches
        broken += not ok
        table.add_row(
            row.currency,
            str(row.posted_sum),
            str(row.pending_sum),
            "yes" if row.recomputed_matches else "[red]no[/]",
            "[green]ok[/]" if ok else "[bold red]BROKEN[/]",
        )
    console.print(table)
    if broken:
        err_console.print(f"[bold red]error:[/] {broken} currency ledger(s) do not balance")
        raise typer.Exit(1)
    console.print("[green]✓[/] the books balance")


@app.command("audit-verify")
def audit_verify(
    order: Annotated[list[str] | None, typer.Option("--order", help="Only this order (repeatable).")] = None,
) -> None:
    """Recompute the hash chain of every order's audit log (or the ones named). Exits 1 if one is broken."""
    setup_django()
    check_database(require_migrated=True)
    from tradeshield.audit.models import AuditEntry
    from tradeshield.audit.services import verify_order

    with database_errors():
        order_ids = order or list(AuditEntry.objects.values_list("order_id", flat=True).distinct().order_by("order_id"))
        reports = [verify_order(order_id) for order_id in order_ids]
    broken = [r for r in reports if not r.ok]
    for report in broken:
        err_console.print(f"[bold red]BROKEN[/] {escape(report.order_id)}: {escape(report.problem)}")
    if broken:
        raise typer.Exit(1)
    console.print(f"[green]✓[/] {len(reports)} order audit chain(s) verified, {sum(r.entries for r in reports)} events")


@app.command("verify-bundle")
def verify_bundle_command(
    file: Annotated[str, typer.Argument(help="An evidence bundle ZIP (GET /api/v1/orders/{id}/evidence-bundle).")],
) -> None:
    """Check an evidence bundle offline: file hashes, extra or missing files, the audit chain. Exits 1 if not intact."""
    from tradeshield.legal.verify import verify_bundle

    problems = verify_bundle(file)
    for problem in problems:
        err_console.print(f"[bold red]PROBLEM[/] {escape(problem)}")
    if problems:
        raise typer.Exit(1)
    console.print(f"[green]✓[/] {escape(file)}: every file matches the manifest and the audit chain recomputes")


@app.command("rotate-keys")
def rotate_keys(
    batch: Annotated[int, typer.Option(min=1, help="Rows per batch (one short transaction each).")] = 500,
    new_key: Annotated[
        str, typer.Option(help="Only print a fresh key entry with this key id to put first in the settings.")
    ] = "",
) -> None:
    """Re-encrypt every encrypted value under the current key (the first of TRADESHIELD_ENCRYPTION_KEYS).

    Values in clear (written before encryption) are encrypted too. Safe to run again and while the app
    runs: each row changes by compare-and-set. Keep the old key configured until this has finished.
    """
    if new_key:
        from tradeshield.kit.crypto import new_key_spec

        console.print(new_key_spec(new_key), soft_wrap=True)
        return
    setup_django()
    check_database(require_migrated=True)
    from django.db import connection, transaction
    from rich.progress import Progress

    from tradeshield.kit import crypto

    total = 0
    with database_errors(), Progress(console=console) as progress:
        for model, field in crypto.encrypted_fields():
            table, pk = model._meta.db_table, model._meta.pk.column  # type: ignore[union-attr]
            task = progress.add_task(f"{table}.{field.column}", total=None)
            batches = crypto.reencrypt_column(connection, table=table, pk=pk, column=field.column, batch=batch)
            while True:
                with transaction.atomic():
                    changed = next(batches, None)
                if changed is None:
                    break
                total += changed
                progress.advance(task, changed)
            progress.update(
                task, total=progress.tasks[task].completed or 1, completed=progress.tasks[task].completed or 1
            )
    console.print(f"[green]✓[/] {total} value(s) re-encrypted under key {crypto.current_kid()!r}")


if __name__ == "__main__":
    app(prog_name="tradeshield")


app.add_typer(sandbox.clock_app, name="clock")
app.add_typer(translations.translations_app, name="translations")
app.command("simulate")(sandbox.simulate)
operations.register(app)
app.add_typer(fx.fx_app, name="fx")


@app.command("mail-in")
def mail_in(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="SMTP port.")] = 2525,
) -> None:
    """Receive support email over SMTP: replies join their ticket, other mail opens a new ticket."""
    import time

    setup_django()
    from aiosmtpd.controller import Controller

    from tradeshield.support.mailin import Handler

    controller = Controller(Handler(), hostname=host, port=port)
    controller.start()
    console.print(f"[green]✓[/] support mail-in listening on {host}:{port} (Ctrl-C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        controller.stop()
