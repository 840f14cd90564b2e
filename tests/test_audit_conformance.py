"""One audit, two engines: the TypeScript engine (run under Node) and the Python engine give the same
per-photo audits and the same report (places, names, identities, hidden pictures) for the corpus."""

from __future__ import annotations

from pathlib import Path

from privpix.tools.audit import AuditSummary, audit_photo, load_gazetteer

from .conftest import manifest, run_ts_engine


def test_audit_json_is_identical(corpus: Path) -> None:
    files = [corpus / e["file"] for e in manifest()]
    doc = run_ts_engine("audit", *map(str, files))
    summary = AuditSummary(load_gazetteer())
    photos = []
    for path in files:
        photo = audit_photo(path.read_bytes(), str(path))
        summary.add(photo)
        photos.append(photo.to_json())
    report = summary.report().to_json()
    mismatched = [p["name"] for p, t in zip(photos, doc["photos"]) if p != t]
    assert mismatched == []
    assert len(doc["photos"]) == len(files)
    assert doc["report"] == report
    # The comparison covers real findings: the corpus has located, named and serial-numbered photos.
    assert report["with_gps"] >= 10 and report["places"] and {g["kind"] for g in report["identity"]} >= {"name", "serial"}
