"""Pydantic's validation messages in the reader's language.

Pydantic words its messages in English only. The kinds a client of this API meets are worded again here,
identical in English, with the error's context as named placeholders; any other kind keeps Pydantic's text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Wording = Callable[[Mapping[str, Any]], str]


def _n(count: Any) -> int:
    return count if isinstance(count, int) else 2


WORDINGS: dict[str, Wording] = {
    "missing": lambda ctx: _("Field required"),
    "string_type": lambda ctx: _("Input should be a valid string"),
    "string_too_short": lambda ctx: (
        ngettext(
            "String should have at least %(min_length)s character",
            "String should have at least %(min_length)s characters",
            _n(ctx["min_length"]),
        )
        % dict(ctx)
    ),
    "string_too_long": lambda ctx: (
        ngettext(
            "String should have at most %(max_length)s character",
            "String should have at most %(max_length)s characters",
            _n(ctx["max_length"]),
        )
        % dict(ctx)
    ),
    "string_pattern_mismatch": lambda ctx: _("String should match pattern '%(pattern)s'") % dict(ctx),
    "int_type": lambda ctx: _("Input should be a valid integer"),
    "int_parsing": lambda ctx: _("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": lambda ctx: _("Input should be a valid integer, got a number with a fractional part"),
    "float_type": lambda ctx: _("Input should be a valid number"),
    "float_parsing": lambda ctx: _("Input should be a valid number, unable to parse string as a number"),
    "decimal_parsing": lambda ctx: _("Input should be a valid decimal"),
    "bool_type": lambda ctx: _("Input should be a valid boolean"),
    "bool_parsing": lambda ctx: _("Input should be a valid boolean, unable to interpret input"),
    "greater_than": lambda ctx: _("Input should be greater than %(gt)s") % dict(ctx),
    "greater_than_equal": lambda ctx: _("Input should be greater than or equal to %(ge)s") % dict(ctx),
    "less_than": lambda ctx: _("Input should be less than %(lt)s") % dict(ctx),
    "less_than_equal": lambda ctx: _("Input should be less than or equal to %(le)s") % dict(ctx),
    "enum": lambda ctx: _("Input should be %(expected)s") % dict(ctx),
    "literal_error": lambda ctx: _("Input should be %(expected)s") % dict(ctx),
    "dict_type": lambda ctx: _("Input should be a valid dictionary"),
    "list_type": lambda ctx: _("Input should be a valid list"),
    "model_attributes_type": lambda ctx: _("Input should be a valid dictionary or object to extract fields from"),
    "too_short": lambda ctx: (
        ngettext(  # JSON arrays only: see validation_message
            "List should have at least %(min_length)s item after validation, not %(actual_length)s",
            "List should have at least %(min_length)s items after validation, not %(actual_length)s",
            _n(ctx["min_length"]),
        )
        % dict(ctx)
    ),
    "too_long": lambda ctx: (
        ngettext(
            "List should have at most %(max_length)s item after validation, not %(actual_length)s",
            "List should have at most %(max_length)s items after validation, not %(actual_length)s",
            _n(ctx["max_length"]),
        )
        % dict(ctx)
    ),
    "date_type": lambda ctx: _("Input should be a valid date"),
    "date_parsing": lambda ctx: _("Input should be a valid date in the format YYYY-MM-DD, %(error)s") % dict(ctx),
    "datetime_type": lambda ctx: _("Input should be a valid datetime"),
    "datetime_parsing": lambda ctx: _("Input should be a valid datetime, %(error)s") % dict(ctx),
    "datetime_from_date_parsing": lambda ctx: _("Input should be a valid datetime or date, %(error)s") % dict(ctx),
    "date_from_datetime_parsing": lambda ctx: _("Input should be a valid date or datetime, %(error)s") % dict(ctx),
    "timezone_aware": lambda ctx: _("Input should have timezone info"),
    "value_error": lambda ctx: _("Value error, %(error)s") % dict(ctx),
    "json_invalid": lambda ctx: _("Invalid JSON: %(error)s") % dict(ctx),
}


def validation_message(error: Mapping[str, Any], fallback: str) -> str:
    """The human message of one Pydantic error, translated when its kind is known, else `fallback`."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    word = WORDINGS.get(kind)
    if word is None or (kind in ("too_short", "too_long") and ctx.get("field_type") != "List"):
        return fallback
    try:
        return word(ctx)
    except (KeyError, TypeError, ValueError):  # a context without the expected keys: Pydantic's own text
        return fallback
