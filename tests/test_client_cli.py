"""The client verbs of ``runway-mock``: run, task, org, and the progress bar."""

from __future__ import annotations

import io
import json

import pytest
from runway_mock import create_app
from runway_mock.cli import build_parser, main
from runway_mock.client import RunwayClient
from runway_mock.client.cli import ProgressBar, parse_sets
from runway_mock.client.testing import wsgi_session
from runway_mock.clock import fake_clock
from runway_mock.testing import serve

RUN = ["run", "image_to_video", "--model", "gen4_turbo", "--prompt-image",
       "https://example.com/a.jpg", "--ratio", "1280:720", "--duration", "5"]


class Captured:
    """WSGI middleware keeping the JSON bodies sent to /v1 paths."""

    def __init__(self, app):
        self.app = app
        self.bodies: list[tuple[str, object]] = []

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)
        if raw and environ["PATH_INFO"].startswith("/v1/"):
            self.bodies.append((environ["PATH_INFO"], json.loads(raw)))
        return self.app(environ, start_response)


@pytest.fixture
def cli():
    """Runs a verb in-process against the emulator on a fake clock; returns its exit code."""
    clock = fake_clock()
    app = Captured(create_app({"seed": 9}, clock=clock))

    def factory(api_key, base_url=None):
        return RunwayClient(api_key or "key-cli", base_url=base_url or "http://runway.test",
                            session=wsgi_session(app), sleep=clock.advance,
                            monotonic=clock.now, seed=1)

    def run(*argv):
        args = build_parser().parse_args(list(argv))
        args.make_client = factory
        return args.func(args)

    run.app = app
    return run


def test_run_creates_waits_and_saves(cli, tmp_path, capsys):
    """run sends the mapped body, shows progress changes on stderr and saves the output."""
    code = cli(*RUN, "--set", "seed=42", "--set", "content_moderation.public_figure_threshold=low",
               "--out", str(tmp_path))
    out, err = capsys.readouterr()
    assert code == 0, err
    saved = out.strip().splitlines()
    assert len(saved) == 1 and saved[0].endswith("_0.mp4")
    assert (tmp_path / saved[0].rsplit("/", 1)[1]).stat().st_size > 0
    assert "created task" in err and "at most 25 credits" in err
    lines = [line for line in err.splitlines() if "[" in line]
    assert lines[0].startswith("PENDING") and lines[-1].startswith("SUCCEEDED")
    assert "100%" in lines[-1] and "\r" not in err  # not a terminal: plain lines
    assert len(lines) == len({line[:line.index("%")] for line in lines})  # changes only
    path, body = cli.app.bodies[0]
    assert path == "/v1/image_to_video"
    assert body == {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg",
                    "ratio": "1280:720", "duration": 5, "seed": 42,
                    "contentModeration": {"publicFigureThreshold": "low"}}


def test_run_without_waiting_prints_the_id(cli, capsys):
    """run --no-wait prints only the new task's id."""
    assert cli(*RUN, "--no-wait") == 0
    out, _ = capsys.readouterr()
    assert len(out.strip()) == 36


def test_run_reports_validation_issues(cli, capsys):
    """run with a bad body exits 1 printing the 400 and each issue path."""
    assert cli("run", "text_to_video", "--model", "gen4.5") == 1
    _, err = capsys.readouterr()
    assert err.startswith("error: 400")
    assert "  promptText:" in err and "  ratio:" in err


def test_task_show_wait_delete(cli, tmp_path, capsys):
    """task shows, waits for and saves, and deletes a task; then it is a 404."""
    assert cli(*RUN, "--no-wait") == 0
    task_id = capsys.readouterr().out.strip()
    assert cli("task", task_id) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == task_id and shown["status"] == "PENDING"
    assert cli("task", task_id, "--wait", "--out", str(tmp_path)) == 0
    assert capsys.readouterr().out.strip().endswith(".mp4")
    assert cli("task", task_id, "--delete") == 0
    capsys.readouterr()
    assert cli("task", task_id) == 1
    assert "404" in capsys.readouterr().err


def test_org_shows_the_balance(cli, capsys):
    """org prints the balance and today's use per model; --json prints the raw body."""
    cli(*RUN, "--no-wait")
    capsys.readouterr()
    assert cli("org") == 0
    out = capsys.readouterr().out
    assert "credit balance: " in out
    assert "gen4_turbo: 1 today" in out
    assert cli("org", "--json") == 0
    assert "creditBalance" in json.loads(capsys.readouterr().out)


def test_a_missing_key_exits_2(monkeypatch, capsys):
    """A client verb without any API key exits 2 naming RUNWAYML_API_SECRET."""
    for name in ("RUNWAYML_API_SECRET", "RUNWAY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["org", "--base-url", "http://127.0.0.1:9"]) == 2
    assert "RUNWAYML_API_SECRET" in capsys.readouterr().err


def test_parse_sets():
    """--set KEY=VALUE parses JSON values and dotted snake paths into camelCase nesting."""
    assert parse_sets(["seed=42", "promptText=a calm sea", "audio=true",
                       "content_moderation.public_figure_threshold=low",
                       "referenceImages=[{\"uri\": \"https://e.com/a.jpg\"}]"]) == {
        "seed": 42, "promptText": "a calm sea", "audio": True,
        "contentModeration": {"publicFigureThreshold": "low"},
        "referenceImages": [{"uri": "https://e.com/a.jpg"}]}
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_sets(["novalue"])


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_redraws_in_place_on_a_terminal():
    """On a terminal the progress bar redraws in place with carriage returns."""
    stream = FakeTerminal()
    bar = ProgressBar(stream, width=10, clock=lambda: 0.0)
    bar("RUNNING", 0.5)
    bar("RUNNING", 0.5)
    bar("SUCCEEDED", None)
    bar.finish()
    text = stream.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n")
    assert "[#####-----]  50%" in text and "[##########] 100%" in text


def test_progress_bar_without_a_terminal_prints_changes_only():
    """Off a terminal the progress bar prints one line per change, with elapsed time."""
    stream = io.StringIO()
    now = [0.0]
    bar = ProgressBar(stream, width=4, clock=lambda: now[0])
    for status, progress in [("PENDING", None), ("PENDING", None), ("RUNNING", 0.25),
                             ("RUNNING", 0.25), ("RUNNING", 1.0), ("SUCCEEDED", None)]:
        now[0] += 5
        bar(status, progress)
    bar.finish()
    assert stream.getvalue().splitlines() == [
        "PENDING    [----]   0%     5s",
        "RUNNING    [#---]  25%    15s",
        "RUNNING    [####] 100%    25s",
        "SUCCEEDED  [####] 100%    30s",
    ]


def test_run_over_real_http(tmp_path, capsys, monkeypatch):
    """run works over real HTTP against a served emulator with a /v1 base URL."""
    monkeypatch.setenv("RUNWAYML_API_SECRET", "key-http")
    with serve(config={"seed": 2, "time_scale": 0.005}) as url:
        code = main([*RUN, "--base-url", url + "/v1", "--poll-interval", "0.1",
                     "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.strip().endswith(".mp4")
    assert "SUCCEEDED" in err


def test_run_uploads_a_local_file_first(cli, tmp_path, capsys):
    """run uploads a local file given as a media input and sends its runway:// URI."""
    photo = tmp_path / "me.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + bytes(4096))
    code = cli("run", "image_to_video", "--model", "gen4_turbo", "--prompt-image", str(photo),
               "--ratio", "1280:720", "--duration", "5", "--out", str(tmp_path))
    _, err = capsys.readouterr()
    assert code == 0, err
    assert f"uploading {photo}" in err
    paths = [path for path, _ in cli.app.bodies]
    assert paths == ["/v1/uploads", "/v1/image_to_video"]
    assert cli.app.bodies[1][1]["promptImage"].startswith("runway://")
