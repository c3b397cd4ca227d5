"""``runway-mock drift``: replay recorded cassettes against the emulator and report drift.

Reads the contract kit's cassettes and the recording proxy's (``runway-mock record``).
Every request of every cassette is sent, in order, to a fresh in-process emulator (the
same seed and per-test key as an emulator recording, so ids and timings repeat; ids of
other recordings are mapped as they appear). Each response is compared with the
recording by shape, not value: the status, the content type, the JSON key sets and value
types (ids, timestamps, URLs and numbers may differ), the wording of error messages and
the ``Retry-After``/``retry-after-ms``/``Allow`` headers. Differences are reported per
endpoint; ``--strict`` exits 1 when there are any. Needs only the base install.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from runway_mock.cassettes import cassette_files

_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DRIFT_KEY = "runway-mock-drift-key"
# Credits of every drift tenant: recordings may have spent more than a default key has.
DRIFT_CREDITS = 1_000_000_000


@dataclass
class EndpointReport:
    """Drift found on one endpoint (method and path template)."""

    interactions: int = 0
    drifted: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)


@dataclass
class Report:
    """Drift across every cassette replayed."""

    cassettes: int = 0
    skipped: int = 0
    endpoints: dict[str, EndpointReport] = field(
        default_factory=lambda: defaultdict(EndpointReport))

    @property
    def drifted(self) -> int:
        """Interactions whose response differs from the recording."""
        return sum(e.drifted for e in self.endpoints.values())

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "cassettes": self.cassettes, "skipped": self.skipped, "drifted": self.drifted,
            "endpoints": {k: {"interactions": v.interactions, "drifted": v.drifted,
                              "findings": dict(v.findings), "notes": dict(v.notes)}
                          for k, v in sorted(self.endpoints.items())},
        }


# ---------------------------------------------------------------------------
# Shapes


def shape(value: Any) -> Any:
    """The type skeleton of a JSON value: key sets and value types, no values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            merged = _merge(merged, shape(item))
        return [merged] if value else []
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "null"


def _merge(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = _merge(out.get(k), v)
        return out
    return a  # mixed item types: the first one seen stands for the list


def _kind(s: Any) -> str:
    if isinstance(s, dict):
        return "object"
    if isinstance(s, list):
        return "array"
    return str(s)


def compare_shapes(recorded: Any, emulated: Any, path: str = "") -> list[str]:
    """Where ``emulated``'s shape differs from ``recorded``'s (``path: what``)."""
    where = path or "(body)"
    if _kind(recorded) != _kind(emulated):
        return [f"{where}: {_kind(recorded)} recorded, {_kind(emulated)} from the emulator"]
    out: list[str] = []
    if isinstance(recorded, dict):
        for key in recorded.keys() - emulated.keys():
            out.append(f"{path + '.' if path else ''}{key}: recorded, missing from the emulator")
        for key in emulated.keys() - recorded.keys():
            out.append(f"{path + '.' if path else ''}{key}: sent by the emulator, not recorded")
        for key in recorded.keys() & emulated.keys():
            out.extend(compare_shapes(recorded[key], emulated[key],
                                      f"{path}.{key}" if path else key))
    elif isinstance(recorded, list) and recorded and emulated:
        out.extend(compare_shapes(recorded[0], emulated[0], f"{path}[]"))
    return sorted(out)


def template(method: str, path: str) -> str:
    """``GET /v1/tasks/{id}`` for ``GET /v1/tasks/<uuid>``."""
    parts = ["{id}" if _ID.match(p) else p for p in path.split("/")]
    return f"{method} {'/'.join(parts)}"


def _json(text: Any) -> Any:
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _mime(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


# ---------------------------------------------------------------------------
# Replaying


def _app_for(meta: dict[str, Any]) -> tuple[Any, str]:
    """A fresh emulator as the recording saw it, and the key to call it with."""
    from runway_mock import create_app
    from runway_mock.cassettes import key_for_test
    from runway_mock.clock import fake_clock

    emulator = meta.get("emulator") or {}
    seed = emulator.get("seed") or 0
    start = emulator.get("clock")
    clock = fake_clock(start) if isinstance(start, (int, float)) else fake_clock()
    app = create_app({"seed": seed, "initial_credits": DRIFT_CREDITS}, clock=clock)
    per_test = emulator.get("key") == "per-test" and "test" in meta
    key = key_for_test(meta["test"]) if per_test else DRIFT_KEY
    return app, key


def _map_ids(text: str, ids: dict[str, str]) -> str:
    for old, new in ids.items():
        text = text.replace(old, new)
    return text


def _headers(recorded: dict[str, Any], key: str) -> dict[str, str]:
    from runway_mock.cassettes import SCRUBBED

    return {name: value.replace(SCRUBBED, key) if name.lower() == "authorization" else value
            for name, value in recorded.items()}


def replay_cassette(path: Path, report: Report) -> None:
    """Send one cassette's requests to a fresh emulator and add the drift to ``report``."""
    from runway_mock import cassettes

    meta = cassettes.read_metadata(path) or {}
    if meta.get("skipped") or not ("test" in meta or meta.get("recorder")):
        report.skipped += 1
        return
    report.cassettes += 1
    app, key = _app_for(meta)
    client = app.test_client()
    ids: dict[str, str] = {}
    for item in cassettes.interactions(path):
        url = urlsplit(item["uri"])
        target = _map_ids(url.path, ids) + (f"?{url.query}" if url.query else "")
        body = item["body"]
        if isinstance(body, bytes):
            body = body.decode("utf-8", errors="replace")
        if isinstance(body, str):
            body = _map_ids(body.replace(cassettes.SCRUBBED, key), ids)
        resp = client.open(target, method=item["method"], data=body,
                           headers=_headers(item["headers"], key))
        if url.path.startswith(("/_mock/", "/_replay/")):
            continue  # the control API is the emulator's own, not Runway's
        _compare(report.endpoints[template(item["method"], url.path)], item, resp, ids)


def _compare(entry: EndpointReport, item: dict[str, Any], resp: Any,
             ids: dict[str, str]) -> None:
    entry.interactions += 1
    findings: list[str] = []
    recorded_body = _json(item["response_body"])
    emulated_body = _json(resp.get_data())
    if isinstance(recorded_body, dict) and isinstance(emulated_body, dict):
        old, new = recorded_body.get("id"), emulated_body.get("id")
        if isinstance(old, str) and isinstance(new, str) and old != new:
            ids[old] = new
    if item["status"] != resp.status_code:
        findings.append(f"status: {item['status']} recorded, {resp.status_code} from the emulator")
    has_body = bool((item["response_body"] or "").strip()) or bool(resp.get_data().strip())
    rec_type = _mime(item["response_headers"].get("content-type"))
    emu_type = _mime(resp.headers.get("Content-Type"))
    if has_body and rec_type != emu_type:
        findings.append(f"content-type: {rec_type or 'none'} recorded, {emu_type or 'none'} "
                        "from the emulator")
    if (isinstance(recorded_body, dict) and isinstance(emulated_body, dict)
            and "status" in recorded_body and recorded_body.get("status") != emulated_body.get(
                "status")):
        # A task read at a different moment of its life: its shape legitimately differs.
        entry.notes[f"task status {recorded_body.get('status')} recorded, "
                    f"{emulated_body.get('status')} from the emulator (timing)"] += 1
    elif item["status"] == resp.status_code:
        findings.extend(compare_shapes(shape(recorded_body), shape(emulated_body)))
        findings.extend(_wording(recorded_body, emulated_body))
    findings.extend(_header_findings(item["response_headers"], resp.headers))
    if findings:
        entry.drifted += 1
        entry.findings.update(findings)


# Response headers whose presence and form clients act on (retry timing, allowed methods).
COMPARED_HEADERS = ("retry-after", "retry-after-ms", "allow")


def _wording(recorded: Any, emulated: Any) -> list[str]:
    """An error message worded differently (SDKs and people read it)."""
    if not (isinstance(recorded, dict) and isinstance(emulated, dict)):
        return []
    old, new = recorded.get("error"), emulated.get("error")
    if isinstance(old, str) and isinstance(new, str) and old != new:
        return [f"error: {_clip(old)!r} recorded, {_clip(new)!r} from the emulator"]
    return []


def _clip(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _header_findings(recorded: dict[str, str], emulated: Any) -> list[str]:
    """Retry-After and friends: present on one side only, or not a number on one side."""
    out = []
    for name in COMPARED_HEADERS:
        old = recorded.get(name)
        new = emulated.get(name)
        label = {"retry-after": "Retry-After", "allow": "Allow"}.get(name, name)
        if old is not None and new is None:
            out.append(f"header {label}: recorded, missing from the emulator")
        elif old is None and new is not None:
            out.append(f"header {label}: sent by the emulator, not recorded")
        elif old is not None and name != "allow" and _number(old) != _number(new):
            out.append(f"header {label}: {old!r} recorded, {new!r} from the emulator")
        elif name == "allow" and old is not None and (
                {m.strip() for m in old.split(",")} != {m.strip() for m in new.split(",")}):
            out.append(f"header Allow: {old!r} recorded, {new!r} from the emulator")
    return out


def drift(paths: Iterable[str | Path]) -> Report:
    """Replay every cassette under ``paths`` and collect the drift."""
    report = Report()
    for path in cassette_files(paths):
        replay_cassette(path, report)
    return report


def format_report(report: Report, limit: int = 10) -> str:
    """A human-readable drift report."""
    lines = [f"replayed {report.cassettes} cassettes ({report.skipped} skipped: recorded as "
             "skipped, or not a recording) against the emulator"]
    total = sum(e.interactions for e in report.endpoints.values())
    for name, entry in sorted(report.endpoints.items()):
        mark = "DRIFT" if entry.drifted else "ok"
        lines.append(f"  {mark:5} {name}: {entry.interactions} interactions, "
                     f"{entry.drifted} differ")
        for finding, n in entry.findings.most_common(limit):
            lines.append(f"          {finding} (x{n})")
        for note, n in entry.notes.most_common(3):
            lines.append(f"          note: {note} (x{n})")
    lines.append(f"{report.drifted} of {total} recorded responses differ in status, shape, "
                 "content type, error wording or headers" if report.drifted else
                 f"no drift: all {total} recorded responses match the emulator's in shape")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"runway-mock drift: no such cassette path: {', '.join(missing)}", file=sys.stderr)
        return 2
    report = drift(args.paths)
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(format_report(report, args.limit))
    return 1 if args.strict and report.drifted else 0


def add_parser(sub: Any) -> None:
    """Register the ``drift`` verb with ``runway-mock``'s sub-commands."""
    p = sub.add_parser("drift", help="replay recorded cassettes against the emulator and "
                                     "report where its responses differ")
    p.add_argument("paths", nargs="*", default=["cassettes"],
                   help="cassette files or directories (default: cassettes)")
    p.add_argument("--strict", action="store_true", help="exit 1 when anything drifted")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--limit", type=int, default=10, help="findings shown per endpoint")
    p.set_defaults(func=_run)


__all__ = ["Report", "add_parser", "compare_shapes", "drift", "format_report",
           "replay_cassette", "shape", "template"]
