"""`python -m tradeshield.cli …` is the same as the `tradeshield` command."""

from tradeshield.cli.main import app

app(prog_name="tradeshield")
