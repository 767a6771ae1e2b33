"""Storing uploads: sniff the type from the bytes, enforce limits, hash, write the blob once."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from tradeshield.accounts.models import User
from tradeshield.files.models import StoredFile
from tradeshield.kit.errors import Invalid, NotFound
from tradeshield.organizations.models import Organization

MAX_BYTES = 10 * 1024 * 1024

# Magic numbers of the formats we accept; the client's declared type is not trusted.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),  # evidence bundles (legal), never accepted as an upload type
)
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}


def sniff(data: bytes) -> str | None:
    for magic, content_type in SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def media_root() -> Path:
    return Path(settings.TRADESHIELD_MEDIA_ROOT)


def blob_path(sha256: str) -> Path:
    return media_root() / sha256[:2] / sha256[2:4] / sha256


def _write_blob(sha256: str, data: bytes) -> None:
    path = blob_path(sha256)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a crash never leaves a half-written blob under its hash.
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
        tmp.write(data)
        tmp.flush()
        os.fsync(tmp.fileno())
    os.replace(tmp.name, path)


def file_store(
    *,
    data: bytes,
    name: str,
    purpose: str,
    organization: Organization,
    uploaded_by: User | None,
    allowed_types: set[str] = IMAGE_TYPES,
    field: str = "file",
) -> StoredFile:
    if not data:
        raise Invalid(_("The file is empty."), field=field, code="file_empty")
    if len(data) > MAX_BYTES:
        raise Invalid(
            _("Files are limited to %(megabytes)s MB.") % {"megabytes": MAX_BYTES // (1024 * 1024)},
            field=field,
            code="file_too_large",
        )
    content_type = sniff(data)
    if content_type not in allowed_types:
        allowed = ", ".join(sorted(allowed_types))
        raise Invalid(
            _("This kind of file is not accepted here (allowed: %(allowed)s).") % {"allowed": allowed},
            field=field,
            code="file_type",
        )
    sha256 = hashlib.sha256(data).hexdigest()
    _write_blob(sha256, data)
    return StoredFile.objects.create(
        sha256=sha256,
        size=len(data),
        content_type=content_type,
        name=(os.path.basename(name) or "upload")[:200],
        purpose=purpose,
        organization=organization,
        uploaded_by=uploaded_by,
    )


def file_read(stored: StoredFile) -> bytes:
    """The file's bytes, checked against the hash recorded at upload."""
    path = blob_path(stored.sha256)
    if not path.exists():
        raise NotFound(_("The file's content is missing from storage."), code="file_missing")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise Invalid(_("The stored file no longer matches its SHA-256."), code="file_tampered", status=409)
    return data
