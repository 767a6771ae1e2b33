"""`tradeshield fx load FILE`: load exchange rates (CSV or JSON) into the rate table.

The file is checked first: any bad row refuses the whole file, every problem is printed on one
`error:` line, and the exit status is 1 (no traceback). See docs/domains/payments.md for the format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradeshield.cli.boot import console, fail, setup_django

fx_app = typer.Typer(help="Exchange rates for paying in another currency.", no_args_is_help=True)


@fx_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="CSV (base,quote,rate,source,as_of) or JSON list of rates.")],
) -> None:
    """Load exchange rates from FILE; all rows or none."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {file}: {exc.strerror if isinstance(exc, OSError) else 'not UTF-8 text'}")
    setup_django()
    from tradeshield.kit.errors import DomainError
    from tradeshield.payments.exchange import rates_load

    try:
        count = rates_load(text, filename=file.name)
    except DomainError as error:
        fail(f"{file}: {error.message}")
    console.print(f"[green]✓[/] {count} exchange rate(s) loaded from {file}")
