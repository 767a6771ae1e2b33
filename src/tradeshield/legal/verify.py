"""Checking an evidence bundle offline: no database, no Django, only the ZIP file itself.

A bundle passes when every file the manifest lists is present with the listed size and SHA-256, no
file is there that the manifest does not list, and the audit chain in `audit.json` recomputes, link
by link, to the head hash the manifest quotes.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
MANIFEST = "manifest.json"


def link(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _manifest(archive: zipfile.ZipFile) -> tuple[dict[str, Any] | None, list[str]]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        return None, [f"{MANIFEST} is missing."]
    except ValueError:
        return None, [f"{MANIFEST} is not valid JSON."]
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return None, [f"{MANIFEST} has no 'files' table."]
    return manifest, []


def _check_files(archive: zipfile.ZipFile, listed: dict[str, Any]) -> list[str]:
    problems = []
    present = {name for name in archive.namelist() if not name.endswith("/") and name != MANIFEST}
    for name in sorted(set(listed) - present):
        problems.append(f"{name}: listed in the manifest but missing from the bundle.")
    for name in sorted(present - set(listed)):
        problems.append(f"{name}: in the bundle but not listed in the manifest.")
    for name in sorted(present & set(listed)):
        entry = listed[name] if isinstance(listed[name], dict) else {}
        data = archive.read(name)
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            problems.append(f"{name}: SHA-256 does not match the manifest (the file was changed).")
        elif len(data) != entry.get("size"):
            problems.append(f"{name}: size does not match the manifest.")
    return problems


def _check_chain(archive: zipfile.ZipFile, head: object) -> list[str]:
    try:
        audit = json.loads(archive.read("audit.json"))
        entries = audit["entries"]
    except KeyError:
        return ["audit.json is missing or has no 'entries'."]
    except (ValueError, TypeError):
        return ["audit.json is not valid JSON."]
    prev = GENESIS
    for position, entry in enumerate(entries, start=1):
        try:
            seq, payload, prev_hash, hash_ = entry["seq"], entry["payload"], entry["prev_hash"], entry["hash"]
        except (KeyError, TypeError):
            return [f"audit.json: entry {position} is malformed."]
        if seq != position:
            return [f"audit.json: entry {position} is missing."]
        if prev_hash != prev or link(prev, str(payload)) != hash_:
            return [f"audit.json: entry {seq} does not follow from the one before it (it was edited)."]
        prev = hash_
    if prev != head:
        return [f"audit.json: the chain ends at {prev[:12]}…, not at the manifest's head hash."]
    return []


def verify_bundle(path: str | Path) -> list[str]:
    """Every problem with the bundle at `path`, one sentence each; empty when it is intact."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest, problems = _manifest(archive)
            if manifest is None:
                return problems
            problems += _check_files(archive, manifest["files"])
            problems += _check_chain(archive, manifest.get("audit_head"))
            return problems
    except FileNotFoundError:
        return [f"{path}: no such file."]
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        return [f"{path}: not a readable ZIP file ({error})."]
