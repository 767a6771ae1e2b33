"""`INSERT … SELECT` for a Django model, in SQL, for generating many rows fast.

The caller gives SQL for the columns it cares about; every other column gets what Django would have
written (its default, `now()` for clock defaults, NULL if nullable). So a column another engineer
adds with a default does not break the generator; one without a default is reported by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone

from tradeshield.kit import clock

NOW_DEFAULTS: tuple[Any, ...] = (clock.now, clock.real_now, timezone.now)


class MissingColumn(ValueError):
    pass


@dataclass(frozen=True)
class Value:
    """What a column gets: raw SQL, or a Python value to quote."""

    sql: str | None = None
    value: Any = None


def column_value(field: models.Field[Any, Any]) -> Value | None:
    """What Django would write for `field` when the caller gives nothing; None: leave it to the database."""
    if getattr(field, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED:
        return None
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return Value(sql="now()")
    if field.has_default():
        default = field.default
        if default in NOW_DEFAULTS:
            return Value(sql="now()")
        if field.primary_key or field.unique:
            raise MissingColumn(f"{field.model.__name__}.{field.name} is unique: give it a value")
        return Value(value=default() if callable(default) else default)
    if field.null:
        return Value(sql="NULL")
    raise MissingColumn(f"{field.model.__name__}.{field.name} has no default: give it a value")


def _quoted(field: models.Field[Any, Any], value: Any) -> str:
    prepared = field.get_db_prep_save(value, connection)
    # The result is used as a %-format template: literal percent signs are doubled.
    composed: str = connection.ops.compose_sql("%s", [prepared])  # type: ignore[attr-defined]  # PostgreSQL's
    return composed.replace("%", "%%")


def insert_select(model: type[models.Model], columns: Mapping[str, str], source: str) -> str:
    """`INSERT INTO <table> (…) SELECT … FROM <source>`, with `columns` (column name → SQL expression)."""
    names: list[str] = []
    expressions: list[str] = []
    unknown = set(columns) - {field.column for field in model._meta.concrete_fields}
    if unknown:
        raise MissingColumn(f"{model.__name__} has no column(s) {', '.join(sorted(unknown))}")
    for field in model._meta.concrete_fields:
        if field.column in columns:
            expression = columns[field.column]
        else:
            value = column_value(field)
            if value is None:
                continue
            expression = value.sql if value.sql is not None else _quoted(field, value.value)
        names.append(connection.ops.quote_name(field.column))
        expressions.append(expression)
    table = connection.ops.quote_name(model._meta.db_table)
    return f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(expressions)} FROM {source}"
