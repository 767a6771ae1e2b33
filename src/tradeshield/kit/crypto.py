"""Encryption at rest: AES-256-GCM under keys from settings, each ciphertext naming its key.

`TRADESHIELD_ENCRYPTION_KEYS` is an ordered list of `kid:base64key` (32-byte keys); the first is the
current key, used for every new value; the others still decrypt older values until
`tradeshield rotate-keys` has re-encrypted them. A stored value looks like `enc:v1:<kid>:<base64>`,
where the base64 holds the 12-byte nonce, the ciphertext and the 16-byte tag. The associated data
is the column's name (`table.column`), so a value copied into another column does not decrypt.

Outside production a fixed development key is used when none is configured; production refuses to
start encrypting without keys (see `keys()`).
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc:v1:"
# Development only (never accepted in production): lets `make run` and the tests work without setup.
DEV_KEYS = "dev1:ZGV2LW9ubHktdHJhZGVzaGllbGQta2V5LTMyYnl0ZXM="


class DecryptionFailed(Exception):
    """A stored value that no configured key opens (wrong key, or tampered)."""


def parse_keys(spec: str) -> list[tuple[str, bytes]]:
    """`kid:base64key,kid2:base64key2` (commas or whitespace between) → [(kid, key)], current first."""
    out: list[tuple[str, bytes]] = []
    for item in spec.replace(",", " ").split():
        kid, sep, b64 = item.partition(":")
        if not sep or not kid or ":" in kid:
            raise ImproperlyConfigured("TRADESHIELD_ENCRYPTION_KEYS entries must be kid:base64key.")
        try:
            key = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"Encryption key {kid!r} is not valid base64.") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"Encryption key {kid!r} must be 32 bytes (AES-256), not {len(key)}.")
        if any(kid == k for k, _ in out):
            raise ImproperlyConfigured(f"Encryption key id {kid!r} appears twice.")
        out.append((kid, key))
    if not out:
        raise ImproperlyConfigured("TRADESHIELD_ENCRYPTION_KEYS is empty.")
    return out


@lru_cache(maxsize=4)
def _keys_for(spec: str, production: bool) -> tuple[tuple[str, bytes], ...]:
    if not spec:
        if production:
            raise ImproperlyConfigured(
                "Set TRADESHIELD_ENCRYPTION_KEYS (kid:base64 of 32 random bytes) in production; "
                "the development key is refused."
            )
        spec = DEV_KEYS
    parsed = parse_keys(spec)
    if production and any(key == parse_keys(DEV_KEYS)[0][1] for _, key in parsed):
        raise ImproperlyConfigured("The development encryption key is refused in production.")
    return tuple(parsed)


def keys() -> tuple[tuple[str, bytes], ...]:
    return _keys_for(settings.TRADESHIELD_ENCRYPTION_KEYS, settings.TRADESHIELD_PRODUCTION)


def current_kid() -> str:
    return keys()[0][0]


def new_key_spec(kid: str) -> str:
    """A fresh key entry for the settings (used by `tradeshield rotate-keys --new-key`)."""
    return f"{kid}:{base64.b64encode(os.urandom(32)).decode()}"


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def key_id_of(value: str) -> str | None:
    if not is_encrypted(value):
        return None
    return value[len(PREFIX) :].split(":", 1)[0]


def encrypt(plaintext: str, *, context: str) -> str:
    kid, key = keys()[0]
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}{kid}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(value: str, *, context: str) -> str:
    """The plaintext of a stored value. A value stored before encryption existed is returned as is."""
    if not is_encrypted(value):
        return value
    kid, _, body = value[len(PREFIX) :].partition(":")
    key = dict(keys()).get(kid)
    if key is None:
        raise DecryptionFailed(f"No encryption key {kid!r} is configured.")
    try:
        raw = base64.b64decode(body, validate=True)
        return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except (binascii.Error, ValueError, InvalidTag) as exc:
        raise DecryptionFailed(f"A value under key {kid!r} could not be decrypted.") from exc


def mask(value: str, visible: int = 4) -> str:
    """`••••1234`: what an API response or page may show of a secret number."""
    return "••••" + value[-visible:]


class EncryptedTextField(models.TextField):
    """A text column stored encrypted (see module doc); Python code sees the plaintext.

    It cannot be filtered on (every encryption differs). Empty strings stay empty, so "not set" is
    visible without a key.
    """

    def context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        return decrypt(value, context=self.context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value or is_encrypted(value):
            return value
        return encrypt(value, context=self.context())


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every encrypted column of every installed model (what `rotate-keys` walks)."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def reencrypt_column(connection: Any, *, table: str, pk: str, column: str, batch: int = 500) -> Iterator[int]:
    """Encrypt under the current key every value of one column that is in clear or under an older key.

    Batched by primary key; each row is updated by compare-and-set on its old value, so a concurrent
    writer is never overwritten and running it again changes nothing (idempotent). Yields the number
    of rows changed per batch, for progress display.
    """
    qn = connection.ops.quote_name
    context = f"{table}.{column}"
    current = PREFIX + current_kid() + ":"
    last = ""
    while True:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} WHERE {qn(pk)}::text > %s AND {qn(column)} <> ''"
                f" AND left({qn(column)}, %s) <> %s ORDER BY {qn(pk)}::text LIMIT %s",
                [last, len(current), current, batch],
            )
            rows = cur.fetchall()
            if not rows:
                return
            changed = 0
            for key, value in rows:
                fresh = encrypt(decrypt(value, context=context), context=context)
                cur.execute(
                    f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s AND {qn(column)} = %s",
                    [fresh, key, value],
                )
                changed += cur.rowcount
            last = str(rows[-1][0])
        yield changed
