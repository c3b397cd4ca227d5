"""``runway-mock drift``: recordings replayed against the emulator, differences reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from runway_mock.cli import build_parser, main
from runway_mock.contracts import drift

ROOT = Path(__file__).resolve().parents[1] / "cassettes"


def _copy(tmp_path: Path, *names: str) -> Path:
    out = tmp_path / "cassettes"
    for name in names:
        src = ROOT / name
        (out / src.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(src, out / src.parent.name / src.name)
    return out


def _edit(path: Path, index: int, change) -> None:
    doc = yaml.safe_load(path.read_text())
    change(doc["interactions"][index]["response"])
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def test_shapes_ignore_values_but_not_keys_or_types():
    """Shape comparison ignores values but reports changed types, extra and missing keys."""
    a = drift.shape({"id": "x", "n": 1, "items": [{"a": 1}, {"a": 2, "b": None}]})
    b = drift.shape({"id": "y", "n": 2.5, "items": [{"a": 3, "b": None}]})
    assert drift.compare_shapes(a, b) == []
    c = drift.shape({"id": 7, "extra": True, "items": []})
    found = drift.compare_shapes(a, c)
    assert "id: string recorded, number from the emulator" in found
    assert "extra: sent by the emulator, not recorded" in found
    assert "n: recorded, missing from the emulator" in found


def test_paths_are_grouped_by_template():
    """Drift groups task paths by template, replacing ids with {id}."""
    assert drift.template("GET", "/v1/tasks/0f8fad5b-d9cb-469f-a165-70867728950e") == \
        "GET /v1/tasks/{id}"
    assert drift.template("POST", "/v1/image_to_video") == "POST /v1/image_to_video"


def test_the_emulator_does_not_drift_from_its_own_recordings(tmp_path):
    """The committed task and error cassettes show no drift against the emulator."""
    names = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "test_tasks").glob("*.yaml"))]
    names += [str(p.relative_to(ROOT)) for p in sorted((ROOT / "test_errors").glob("*.yaml"))]
    report = drift.drift([_copy(tmp_path, *names)])
    assert report.cassettes == len(names)
    assert report.drifted == 0, drift.format_report(report)
    assert "GET /v1/tasks/{id}" in report.endpoints


def test_a_changed_recording_is_reported_per_endpoint_and_fails_strict(tmp_path, capsys):
    """Edited recordings are reported per endpoint; drift --strict exits 1; --json counts."""
    root = _copy(tmp_path, "test_errors/test_organization_has_the_documented_shape.yaml",
                 "test_errors/test_unknown_task_is_not_found.yaml")
    org = root / "test_errors" / "test_organization_has_the_documented_shape.yaml"

    def add_field(resp):
        body = json.loads(resp["body"]["string"])
        body["creditLimit"] = 5
        resp["body"]["string"] = json.dumps(body)

    _edit(org, -1, add_field)
    missing = root / "test_errors" / "test_unknown_task_is_not_found.yaml"

    def other_status(resp):
        resp["status"]["code"] = 410
        resp["headers"]["Content-Type"] = ["text/plain"]

    _edit(missing, -1, other_status)
    report = drift.drift([root])
    org_entry = report.endpoints["GET /v1/organization"]
    assert org_entry.drifted == 1
    assert "creditLimit: recorded, missing from the emulator" in org_entry.findings
    task_entry = report.endpoints["GET /v1/tasks/{id}"]
    assert "status: 410 recorded, 404 from the emulator" in task_entry.findings
    assert any(f.startswith("content-type: text/plain recorded") for f in task_entry.findings)

    assert main(["drift", str(root)]) == 0
    assert main(["drift", str(root), "--strict"]) == 1
    out = capsys.readouterr().out
    assert "DRIFT GET /v1/organization" in out
    assert main(["drift", str(root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["drifted"] == 2


def test_drift_is_a_runway_mock_verb():
    """drift is a runway-mock verb; a missing directory exits 2."""
    args = build_parser().parse_args(["drift", "cassettes", "--strict"])
    assert args.func is drift._run
    assert main(["drift", "no/such/dir"]) == 2


def test_ids_of_a_foreign_recording_are_mapped_as_they_appear(tmp_path):
    """Ids in a recording not made by the emulator are mapped as they appear, so no drift."""
    root = _copy(tmp_path, "test_tasks/test_task_runs_to_the_end_along_the_documented_path.yaml")
    path = next(root.rglob("*.yaml"))
    doc = yaml.safe_load(path.read_text())
    doc["metadata"].pop("emulator")  # as a live recording: other key, other seed, other ids
    doc["metadata"]["recordedAgainst"] = "runway"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    report = drift.drift([root])
    tasks = report.endpoints["GET /v1/tasks/{id}"]
    assert tasks.interactions >= 3
    assert report.drifted == 0, drift.format_report(report)
