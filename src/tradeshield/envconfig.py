"""Reading settings from the environment, collecting every bad value instead of stopping at the first.

settings.py reads each variable through one `Env`; a value that does not parse is recorded with a
one-line message saying what is wrong and how to fix it, and the default is used meanwhile so the rest
can still be read. At the end settings call `env.finish()`, which raises `ConfigurationError` listing
every problem. `tradeshield` commands print one `error:` line per problem and exit 2, never a
traceback; `tradeshield check` runs the same reading plus the checks that need the network (database,
SMTP) and Django's deploy checks.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off", "")


class ConfigurationError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class Env:
    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ
        self.problems: list[str] = []

    def is_set(self, name: str) -> bool:
        return bool(self.environ.get(name, "").strip())

    def text(self, name: str, default: str = "") -> str:
        value = self.environ.get(name)
        return default if value is None else value

    def problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def flag(self, name: str, default: bool) -> bool:
        value = self.environ.get(name)
        if value is None:
            return default
        text = value.strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        self.problem(f"{name}={value!r} is not a yes/no value: use 1/0, true/false, yes/no or on/off")
        return default

    def _number(self, name: str, default: T, kind: Callable[[str], T], what: str, minimum: float | None) -> T:
        value = self.environ.get(name)
        if value is None or not value.strip():
            return default
        try:
            number = kind(value.strip())
        except ValueError:
            self.problem(f"{name}={value!r} is not {what}: set it to e.g. {default}")
            return default
        if minimum is not None and number < minimum:  # type: ignore[operator]
            self.problem(f"{name}={value!r} is too small: it must be at least {minimum:g}")
            return default
        return number

    def integer(self, name: str, default: int, minimum: int | None = 0) -> int:
        return self._number(name, default, int, "a whole number", minimum)

    def number(self, name: str, default: float, minimum: float | None = 0) -> float:
        return self._number(name, default, float, "a number", minimum)

    def choice(self, name: str, default: str, choices: tuple[str, ...], *, allow_other: bool = False) -> str:
        value = self.environ.get(name)
        if value is None or not value.strip():
            return default
        text = value.strip().lower()
        if text in choices or (allow_other and "." in value):
            return value.strip() if allow_other and "." in value else text
        self.problem(f"{name}={value!r} is not one of: {', '.join(c or '(empty)' for c in choices)}")
        return default

    def finish(self) -> None:
        if self.problems:
            raise ConfigurationError(list(self.problems))
