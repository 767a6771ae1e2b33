"""Structured logs: one JSON object per line, with the request id, and nothing secret in them.

`JsonFormatter` writes `{"ts", "level", "logger", "msg", "request_id", ...extra}` on one line (a
traceback goes into `exc`, escaped, so it stays one line). `RedactFilter` runs on every handler before
formatting and rewrites the message, its arguments, string extras and the traceback:

- `Authorization`/`Bearer …` values, `key=value` and `"key": "value"` pairs whose key names a secret
  (password, token, secret, api key, cvc, card number, account number, iban, …);
- webhook signing secrets (`whsec_…`), our API token and key prefixes, passwords in database URLs;
- card numbers: 13 to 19 digits (spaces or dashes allowed) that pass the Luhn check;
- IBANs and long bank account numbers next to the word "account".

Import-light on purpose (no Django models): settings' LOGGING refers to these classes by path.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime
from typing import Any

from tradeshield.kit.context import current_request_id

REDACTED = "[redacted]"

_SECRET_KEYS = (
    r"pass(?:word|wd|phrase)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|"
    r"authorization|cookie|session(?:id)?|csrf(?:token|middlewaretoken)?|cvc|cvv|cvc2|card[_-]?number|"
    r"account[_-]?number|iban|routing[_-]?number|x-api-key|webhook[_-]?secret|signature"
)
# key=value, key: value, "key": "value", 'key': 'value' (JSON, dict reprs, query strings, headers)
_PAIR = re.compile(
    rf"""(?ix)
    (?P<key>["']?\b(?:[\w-]*?(?:{_SECRET_KEYS}))["']?)
    (?P<sep>\s*[:=]\s*)
    (?P<value>\[redacted\]|"[^"]*"|'[^']*'|[^\s,;&}}\]]+)
    """
)
_BEARER = re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}")
_PREFIXED = re.compile(r"\b(?:whsec|tsk|tst|tsp|sk|pk|rk)_[A-Za-z0-9+/=_-]{8,}")
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]+):[^@\s/]+@")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_ACCOUNT = re.compile(r"(?i)(\baccount\b[^0-9\n]{0,20})(\d[\d -]{6,30}\d)")
_DIGITS = re.compile(r"(?<![\w.])\d(?:[ -]?\d){12,18}(?![\w.])")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[card]" if 13 <= len(digits) <= 19 and luhn_valid(digits) else match.group(0)


def _pair(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group('key')}{match.group('sep')}{quote}{REDACTED}{quote}"


def redact(text: str) -> str:
    """`text` with every secret-looking part replaced; idempotent."""
    if not text:
        return text
    text = _URL_PASSWORD.sub(rf"\1:{REDACTED}@", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _PREFIXED.sub(REDACTED, text)
    text = _PAIR.sub(_pair, text)
    text = _DIGITS.sub(_card, text)
    text = _IBAN.sub("[iban]", text)
    return _ACCOUNT.sub(lambda m: f"{m.group(1)}[account]", text)


_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "request_id"}


class RedactFilter(logging.Filter):
    """Rewrites the record in place so every handler after it sees only redacted text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        for key, value in list(record.__dict__.items()):
            if key not in _RESERVED and isinstance(value, str):
                setattr(record, key, redact(value))
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extras passed with `extra={...}` become fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                # Objects (Django's `request`, say) are written as their text, redacted like everything else.
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else redact(str(value))
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc"] = redact("".join(traceback.format_exception(*record.exc_info)))
        elif record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
