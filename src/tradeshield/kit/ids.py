"""Opaque, time-ordered ids with a type prefix: `ord_01JD5Z…`.

48 bits of milliseconds then 80 random bits, Crockford base32: sortable by creation time, so
cursor pagination can order by id, and unguessable, so ids leak nothing about volumes.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    millis = time.time_ns() // 1_000_000
    value = (millis << 80) | secrets.randbits(80)
    return f"{prefix}_{_encode(value, 26)}"


def random_token(prefix: str, nbytes: int = 24) -> str:
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"
