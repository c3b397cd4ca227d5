"""The shell examples in README.md and docs/*.md run as written against a served emulator.

Every fenced ``sh``/``bash`` block runs, in order per file, in one temporary folder with
``runway-mock`` on the PATH, against a ``runway-mock serve`` this module starts: the
documented address ``127.0.0.1:8127`` (or ``localhost:8127``) is rewritten to its port, and
``runway-mock serve ... &`` lines are dropped (the emulator is already there). Variables a
block assigns (``M=...``, ``export K=...``) carry to the next block of the same file.
``curl`` fails the block on any 4xx/5xx unless the line says which status it expects
(``# 404``), and a sample answer written as a comment under a command (``# {"seed":42}``)
must name keys the real answer has.

A block that cannot run here is marked on the line before its opening fence, or the line
after its closing one, with ``<!-- not run: REASON -->`` (installing packages, a user's own
script, the real API); the reason is required and the marked blocks are listed in the
skip report.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "cassettes/README.md"]
FENCE = re.compile(r"^```(\w*)\s*$")
NOT_RUN = re.compile(r"<!--\s*not run:\s*(.*?)\s*-->")
ASSIGNED = re.compile(r"^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=", re.M)
SERVE_LINE = re.compile(r"^\s*runway-mock serve\b[^\n]*&\s*$", re.M)
EXPECT = re.compile(r"#\s*(\d{3})\b")
CALL = re.compile(r"(?:^\s*|\$\()curl\b")  # a curl call: a command, or inside $(...)


@dataclass
class Block:
    """One fenced shell example."""

    path: Path
    line: int
    text: str
    not_run: str | None

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """The shell blocks of ``path``, each with its ``not run`` reason if marked."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if fence and fence.group(1):
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            if fence.group(1) in ("sh", "bash", "shell"):
                before = NOT_RUN.search(lines[i - 1]) if i else None
                after = NOT_RUN.search(lines[end + 1]) if end + 1 < len(lines) else None
                marker = before or after
                found.append(Block(path, i + 1, "\n".join(lines[i + 1:end]),
                                   marker.group(1) if marker else None))
            i = end
        i += 1
    return found


ALL = [b for path in DOCS if path.exists() for b in blocks(path)]


def top_keys(text: str) -> set[str]:
    """Keys at the first level of a JSON-looking sample, ellipses allowed anywhere."""
    keys: set[str] = set()
    depth = 0
    for match in re.finditer(r'[{}\[\]]|"((?:[^"\\]|\\.)*)"\s*:', text):
        token = match.group(0)
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
        elif depth == 1:
            keys.add(match.group(1))
    return keys


PRELUDE = r"""
set -euo pipefail
curl() {
  local expect="${RUNWAY_DOCS_EXPECT:-}"
  local out status
  out=$(command curl -sS -w '\n%{http_code}' "$@")
  status="${out##*$'\n'}"
  out="${out%$'\n'*}"
  printf '%s\n' "$out"
  printf '%s\t%s\n' "$status" "$out" >> "$RUNWAY_DOCS_LOG"
  if [ -n "$expect" ]; then
    [ "$status" = "$expect" ] || { echo "curl: expected $expect, got $status" >&2; return 1; }
  elif [ "$status" -ge 400 ]; then
    echo "curl: HTTP $status" >&2; return 1
  fi
}
"""


def _script(block: Block, url: str, names: list[str], state: Path) -> str:
    host = url.removeprefix("http://")
    body = SERVE_LINE.sub(":", block.text)
    body = body.replace("127.0.0.1:8127", host).replace("localhost:8127", host)
    lines: list[str] = []
    source = body.splitlines()
    for i, line in enumerate(source):
        if line.lstrip().startswith("curl"):
            end = i
            while source[end].rstrip().endswith("\\") and end + 1 < len(source):
                end += 1
            # A documented error status (``# 404`` on the command): that status, no other.
            expect = EXPECT.search("\n".join(source[i:end + 1]))
            if expect:
                line = f"RUNWAY_DOCS_EXPECT={expect.group(1)} {line}"  # noqa: PLW2901
        lines.append(line)
    save = " ".join(names)
    return (PRELUDE + f"[ -f {state} ] && . {state}\n" + "\n".join(lines) +
            (f"\ndeclare -p {save} 2>/dev/null > {state} || true\n" if save else "\n"))


def _samples(block: Block) -> list[tuple[int, str]]:
    """(index of the curl call, sample text) for every ``# {...}`` answer in the block; a
    sample goes on over following ``#  `` lines."""
    samples: list[list] = []
    calls = -1
    current: list | None = None
    for line in block.text.splitlines():
        stripped = line.strip()
        if CALL.search(line):
            calls += 1
            current = None
        elif stripped.startswith("# {"):
            current = [calls, stripped[2:]]
            samples.append(current)
        elif current is not None and stripped.startswith("#  "):
            current[1] += stripped[1:]
        else:
            current = None
    return [(index, text) for index, text in samples]


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """A ``runway-mock serve`` on a free port, on the fast defaults the README shows."""
    exe = shutil.which("runway-mock") or str(Path(sys.executable).with_name("runway-mock"))
    proc = subprocess.Popen([exe, "serve", "--port", "0", "--quiet"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    url = line.rsplit(" ", 1)[-1].strip()
    try:
        assert url.startswith("http://"), line + proc.stderr.read()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()


def test_every_unrun_example_says_why():
    """Every shell example marked not-run gives a reason."""
    assert ALL, "no shell examples found"
    for block in ALL:
        if block.not_run is not None:
            assert len(block.not_run) > 10, f"{block.name}: give the reason it is not run"


@pytest.mark.parametrize("path", [p for p in DOCS if any(b.path == p for b in ALL)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_the_examples_of_a_document_run_as_written(path, emulator, tmp_path):
    """A document's shell examples run in order and its sample answers match the emulator's keys."""
    requests.post(f"{emulator}/_mock/reset", json={}, timeout=10)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "RUNWAYML_BASE_URL": emulator, "RUNWAYML_API_SECRET": "key_docs"}
    mine = [b for b in ALL if b.path == path]
    names = sorted({n for b in mine for n in ASSIGNED.findall(b.text)})
    state = tmp_path / "vars.sh"
    skipped = []
    for block in mine:
        if block.not_run is not None:
            skipped.append(f"{block.name} ({block.not_run})")
            continue
        if not (tmp_path / "cassettes").exists():  # the examples run in the repository
            (tmp_path / "cassettes").symlink_to(ROOT / "cassettes")
        log = tmp_path / "calls.log"
        log.write_text("")
        run = subprocess.run(["bash", "-c", _script(block, emulator, names, state)],
                             cwd=tmp_path, env={**env, "RUNWAY_DOCS_LOG": str(log)},
                             capture_output=True, text=True, timeout=60, check=False)
        assert run.returncode == 0, f"{block.name} failed:\n{block.text}\n---\n" \
                                    f"{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
        answers = [line.split("\t", 1)[1] for line in log.read_text().splitlines() if line]
        for index, sample in _samples(block):
            assert 0 <= index < len(answers), f"{block.name}: a sample answer with no call"
            if sample:
                try:
                    actual = json.loads(answers[index])
                except ValueError:
                    actual = None
                if isinstance(actual, dict):
                    missing = top_keys(sample) - set(actual)
                    assert not missing, (f"{block.name}: the sample answer names {missing}, "
                                         f"the emulator's does not:\n{answers[index][:500]}")
    if skipped:
        print("not run:", *skipped, sep="\n  ")
