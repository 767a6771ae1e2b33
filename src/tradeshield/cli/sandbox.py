"""`tradeshield clock …` and `tradeshield simulate`: simulation clocks from the command line."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from tradeshield.cli.boot import check_database, console, database_errors, fail, setup_django

clock_app = typer.Typer(help="Simulation clocks (sandboxes whose time you move).", no_args_is_help=True)
DURATION = re.compile(r"^(\d+)([dhm])$")


def _when(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        fail(f"not an RFC 3339 time: {text!r} (e.g. 2027-03-01T09:00:00Z)")
    if moment.tzinfo is None:
        fail(f"the time needs a zone: {text!r} (e.g. 2027-03-01T09:00:00Z)")
    return moment


def _ready() -> None:
    setup_django()
    check_database(require_migrated=True)


def _domain_errors() -> type[BaseException]:
    from tradeshield.kit.errors import DomainError

    return DomainError


@clock_app.command("create")
def clock_create(
    name: Annotated[str, typer.Option(help="A name to recognise the sandbox by.")] = "sandbox",
    start: Annotated[str | None, typer.Option(help="Start time, RFC 3339 (default: now).")] = None,
    org: Annotated[list[str] | None, typer.Option("--org", help="Organization id to put on it (repeatable).")] = None,
) -> None:
    """Create a simulation clock, optionally with organizations (that have no orders yet) on it."""
    _ready()
    from tradeshield.clocks.services import test_clock_create
    from tradeshield.organizations.models import Organization

    with database_errors():
        clock = test_clock_create(name=name, start_at=_when(start) if start else datetime.now(UTC))
        for org_id in org or []:
            updated = Organization.objects.filter(pk=org_id).update(test_clock=clock)
            if not updated:
                fail(f"no organization {org_id}")
    console.print(f"[green]✓[/] {clock.id} at {clock.now_at.isoformat()}")


@clock_app.command("advance")
def clock_advance(
    clock_id: Annotated[str, typer.Argument(help="The clk_… id.")],
    to: Annotated[str | None, typer.Option(help="Target time, RFC 3339.")] = None,
    by: Annotated[str | None, typer.Option(help="Or a step: 3d, 12h, 30m.")] = None,
) -> None:
    """Move a simulation clock forward; every protection rule that falls due fires, in order."""
    if (to is None) == (by is None):
        fail("give exactly one of --to or --by")
    _ready()
    from tradeshield.clocks.models import TestClock
    from tradeshield.protections.services import test_clock_advance

    current = TestClock.objects.filter(pk=clock_id).values_list("now_at", flat=True).first()
    if current is None:
        fail(f"no test clock {clock_id} (real time cannot be advanced)")
    if by is not None:
        match = DURATION.match(by)
        if not match:
            fail(f"--by takes a number and d, h or m, e.g. 3d (got {by!r})")
        unit = {"d": "days", "h": "hours", "m": "minutes"}[match.group(2)]
        target = current + timedelta(**{unit: int(match.group(1))})
    else:
        target = _when(to or "")
    try:
        with database_errors():
            clock, report = test_clock_advance(clock_id=clock_id, to=target)
    except _domain_errors() as error:
        fail(str(getattr(error, "message", error)))
    console.print(
        f"[green]✓[/] {clock.id} now at {clock.now_at.isoformat()}; rules fired: {dict(report.acted) or 'none'}"
    )


def simulate(
    buyers: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    suppliers: Annotated[int, typer.Option(min=1, max=1000)] = 5,
    orders: Annotated[int, typer.Option(min=1, max=100_000)] = 60,
    days: Annotated[int, typer.Option(min=1, max=3650)] = 120,
    late: Annotated[float, typer.Option(min=0, max=1, help="Share of orders shipped late.")] = 0.2,
    never: Annotated[float, typer.Option(min=0, max=1, help="Share never shipped.")] = 0.05,
    silent: Annotated[float, typer.Option(min=0, max=1, help="Share of buyers who never confirm.")] = 0.3,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same market.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Run a simulated market on a new simulation clock and report what protection did."""
    _ready()
    from tradeshield.demo.simulation import MarketParams, run_market

    params = MarketParams(
        buyers=buyers,
        suppliers=suppliers,
        orders=orders,
        days=days,
        late_share=late,
        never_share=never,
        silent_share=silent,
        seed=seed,
    )
    with database_errors():
        if as_json:
            report = run_market(params)
            typer.echo(json.dumps(report.as_dict(), sort_keys=True))
        else:
            with Progress(
                TextColumn("simulating"),
                BarColumn(),
                TextColumn("day {task.completed}/{task.total}"),
                TimeRemainingColumn(),
                console=console,
            ) as bar:
                task = bar.add_task("days", total=days)
                report = run_market(params, progress=lambda done, total: bar.update(task, completed=done))
            for line in report.lines():
                console.print(line)
    if not report.ledger_balanced:
        raise typer.Exit(1)
