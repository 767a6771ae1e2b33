"""Evidence bundles: who may export one, what is inside, and `tradeshield verify-bundle` catching tampering."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.disputes.conftest import PNG, open_dispute, shipped_order, upload
from tradeshield.audit.models import AuditEntry
from tradeshield.cli.main import app
from tradeshield.legal.verify import verify_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputed(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id, description="Die Paneele flackern — 面板闪烁").json()
    assert upload(buyer, dispute["id"]).status_code == 201
    return order_id


def _bundle(party, order_id: str) -> bytes:
    response = party.client.get(f"/orders/{order_id}/evidence-bundle")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    return response.content


def _write(tmp_path: Path, entries: dict[str, bytes], name: str = "bundle.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return path


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_party_exports_a_complete_bundle_that_verifies(buyer, supplier, disputed, tmp_path):
    entries = _entries(_bundle(supplier, disputed))
    manifest = json.loads(entries["manifest.json"])
    assert manifest["order_id"] == disputed
    head = AuditEntry.objects.filter(order_id=disputed).order_by("-seq").first()
    assert manifest["audit_head"] == head.hash
    assert set(manifest["files"]) == set(entries) - {"manifest.json"}
    for name, meta in manifest["files"].items():
        assert meta == {"sha256": hashlib.sha256(entries[name]).hexdigest(), "size": len(entries[name])}
    evidence = [name for name in entries if name.startswith("files/")]
    assert len(evidence) == 1 and entries[evidence[0]] == PNG
    assert entries["summary.pdf"].startswith(b"%PDF")
    case = json.loads(entries["case.json"])
    assert case["order"]["terms_hash"] and case["disputes"][0]["description"].endswith("面板闪烁")
    assert [e["kind"] for e in case["events"]][-1].startswith("dispute.")
    audit = json.loads(entries["audit.json"])
    assert audit["verified_by_platform"] is True and len(audit["entries"]) == len(case["events"])
    assert verify_bundle(_write(tmp_path, entries)) == []
    result = CliRunner().invoke(app, ["verify-bundle", str(_write(tmp_path, entries, "again.zip"))])
    assert result.exit_code == 0, result.output


def test_strangers_get_404_and_staff_may_export(buyer, other_buyer, disputed):
    assert other_buyer.client.get(f"/orders/{disputed}/evidence-bundle").status_code == 404
    assert buyer.client.get("/orders/ord_missing/evidence-bundle").status_code == 404


def test_tampered_removed_and_extra_files_are_each_reported(buyer, disputed, tmp_path):
    entries = _entries(_bundle(buyer, disputed))
    evidence = next(name for name in entries if name.startswith("files/"))

    tampered = entries | {evidence: PNG + b"x"}
    assert verify_bundle(_write(tmp_path, tampered, "t.zip")) == [
        f"{evidence}: SHA-256 does not match the manifest (the file was changed)."
    ]
    removed = {k: v for k, v in entries.items() if k != "summary.pdf"}
    assert verify_bundle(_write(tmp_path, removed, "r.zip")) == [
        "summary.pdf: listed in the manifest but missing from the bundle."
    ]
    extra = entries | {"files/planted.txt": b"hi"}
    assert verify_bundle(_write(tmp_path, extra, "e.zip")) == [
        "files/planted.txt: in the bundle but not listed in the manifest."
    ]


def test_an_edited_audit_entry_breaks_the_chain_even_with_a_fixed_manifest(buyer, disputed, tmp_path):
    entries = _entries(_bundle(buyer, disputed))
    audit = json.loads(entries["audit.json"])
    audit["entries"][0]["payload"] = audit["entries"][0]["payload"].replace("order.", "order.x")
    edited = json.dumps(audit).encode()
    manifest = json.loads(entries["manifest.json"])
    # The forger also fixes the manifest's hash for audit.json: the chain itself still does not recompute.
    manifest["files"]["audit.json"] = {"sha256": hashlib.sha256(edited).hexdigest(), "size": len(edited)}
    forged = entries | {"audit.json": edited, "manifest.json": json.dumps(manifest).encode()}
    problems = verify_bundle(_write(tmp_path, forged))
    assert problems == ["audit.json: entry 1 does not follow from the one before it (it was edited)."]
    result = CliRunner().invoke(app, ["verify-bundle", str(tmp_path / "bundle.zip")])
    assert result.exit_code == 1 and "entry 1 does not follow" in result.output


def test_a_corrupt_or_missing_file_fails_cleanly(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    for path in (junk, tmp_path / "absent.zip"):
        result = CliRunner().invoke(app, ["verify-bundle", str(path)])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output and "PROBLEM" in result.output
    assert verify_bundle(_write(tmp_path, {"case.json": b"{}"})) == ["manifest.json is missing."]
