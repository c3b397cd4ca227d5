"""The operator's side of ``runway-mock serve``: one-line errors, --version and --help,
options from flags, environment and file, the access log, and --unmetered."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest
import requests
from runway_mock import __version__, options
from runway_mock.config import API_VERSION

CMD = [sys.executable, "-m", "runway_mock"]


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 30
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CMD, *args], capture_output=True, text=True, timeout=timeout,
                          check=False, env={**os.environ, **(env or {})})


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The command failed with exit 2 and exactly one line on stderr, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_version_prints_the_package_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"runway-mock {__version__}"


def test_serve_help_shows_defaults_environment_and_precedence_without_markup():
    """serve --help shows each default, its env variable and the precedence, with no RST markup."""
    out = run("serve", "--help").stdout
    assert "(default: 0.05; env RUNWAY_MOCK_TIME_SCALE)" in " ".join(out.split())
    assert "RUNWAY_MOCK_THREADS" in out and "--config" in out
    assert "a flag beats the environment" in " ".join(out.split())
    assert "``" not in run("--help").stdout + out


@pytest.mark.parametrize("args,needle", [
    (["--time-scale", "-1"], "--time-scale: must be greater than 0, got -1"),
    (["--time-scale", "fast"], "--time-scale: expected a number, got 'fast'"),
    (["--tier", "9"], "--tier: must be at most 5, got 9"),
    (["--faults", "no-such-file.yaml"], "--faults: no such file: no-such-file.yaml"),
    (["--log-format", "xml"], "--log-format: expected one of text, json, got 'xml'"),
])
def test_bad_serve_values_end_in_one_line(args, needle):
    """Each bad serve value exits 2 with one stderr line naming the option and the value."""
    assert needle in one_line_error(run("serve", *args))


def test_an_invalid_faults_file_is_one_line(tmp_path):
    """An invalid --faults file exits 2 with one line naming the file."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("- match: {method: GET}\n  effect: {type: explode}\n")
    line = one_line_error(run("serve", "--port", "0", "--faults", str(bad)))
    assert line.startswith("runway-mock: error: --faults: ") and "bad.yaml" in line


def test_a_port_in_use_is_one_line_naming_the_fix():
    """A busy port exits 2 with one line naming the port and --port."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        line = one_line_error(run("serve", "--port", str(port)))
    assert f"port {port} on 127.0.0.1 is already in use" in line and "--port" in line


def test_precedence_is_flag_then_environment_then_file_then_default(tmp_path):
    """Options resolve flag over environment over config file over default."""
    config = tmp_path / "runway-mock.toml"
    config.write_text("seed = 1\ncredits = 5\n[serve]\ntier = 3\n")
    # [serve] wins over the top level when both exist: the file is read as one table.
    config.write_text("[serve]\nseed = 1\ncredits = 5\ntier = 3\ntime-scale = 0.5\n")
    env = {"RUNWAY_MOCK_CONFIG": str(config), "RUNWAY_MOCK_SEED": "2",
           "RUNWAY_MOCK_CREDITS": "6"}
    values = options.resolve({"seed": "3"}, environ=env)
    assert values["seed"] == 3  # flag
    assert values["credits"] == 6  # environment over file
    assert values["tier"] == 3 and values["time_scale"] == 0.5  # file over default
    assert values["threads"] == 8  # default


def test_config_file_errors_name_the_file_and_key(tmp_path):
    """Unknown or out-of-range config keys and bad env values raise naming their source."""
    config = tmp_path / "c.toml"
    config.write_text("sede = 1\n")
    with pytest.raises(options.OptionError, match=r"c.toml: unknown option 'sede'"):
        options.resolve({"config": str(config)}, environ={})
    config.write_text("tier = 0\n")
    with pytest.raises(options.OptionError, match=r"c.toml: tier: must be at least 1"):
        options.resolve({"config": str(config)}, environ={})
    with pytest.raises(options.OptionError, match=r"RUNWAY_MOCK_QUIET: expected true or"):
        options.resolve({}, environ={"RUNWAY_MOCK_QUIET": "maybe"})


class Served:
    """A ``runway-mock serve`` subprocess on a free port, its output collected."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [*CMD, "serve", "--port", "0", *args], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
        self.banner = [self.proc.stdout.readline()]
        if "serving" not in self.banner[0]:
            self.proc.kill()
            raise AssertionError(self.banner[0] + self.proc.stderr.read())
        self.url = self.banner[0].rsplit(" ", 1)[1].strip()

    def stop(self) -> tuple[str, str]:
        requests.get(self.url + "/_mock/health", timeout=5)  # the banner is all out by now
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)  # generous: Granian stops its workers one by one
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise
        finally:
            if self.proc.returncode is not None and self.proc.returncode != 0:
                self.proc.stdout.close()
                self.proc.stderr.close()
        assert self.proc.returncode == 0  # SIGTERM is a clean stop
        out, err = self.proc.stdout.read(), self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return "".join(self.banner) + out, err


def api(url: str, method: str, path: str, key: str = "key_ops", **kw) -> requests.Response:
    headers = {"Authorization": f"Bearer {key}", "X-Runway-Version": API_VERSION}
    return requests.request(method, url + path, headers=headers, timeout=10, **kw)


def test_access_log_has_one_text_line_per_request_without_the_key():
    """The text access log has one line per request with tenant and ms, never the API key."""
    served = Served(env={"RUNWAY_MOCK_QUIET": "0"})
    try:
        assert api(served.url, "GET", "/v1/organization").status_code == 200
        assert api(served.url, "GET", "/v1/tasks/nope").status_code in (400, 404)
        requests.get(served.url + "/_mock/health", timeout=5)
    finally:
        _, err = served.stop()
    lines = [line for line in err.splitlines() if '"' in line]
    # A buffered answer is logged before it is sent, so no stop can lose its line.
    assert 3 <= len(lines) <= 4, err
    assert '"GET /v1/organization" 200' in lines[0] and "tenant=" in lines[0]
    assert '"GET /v1/tasks/nope" 404' in lines[1] and "ms" in lines[0]
    assert "key_ops" not in err
    assert all('"GET /_mock/health" 200' in line for line in lines[2:])


def test_access_log_in_json_names_the_injected_fault():
    """The JSON access log records method, status, ms, tenant and the fault that fired."""
    served = Served("--log-format", "json")
    try:
        rule = {"match": {"path": "/v1/organization"}, "effect": {"type": "status",
                                                                   "status": 503}}
        assert requests.post(served.url + "/_mock/faults", json=rule,
                             timeout=5).status_code == 200
        assert api(served.url, "GET", "/v1/organization").status_code == 503
    finally:
        _, err = served.stop()
    records = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    org = [r for r in records if r.get("path") == "/v1/organization"]
    assert len(org) == 1, err
    assert org[0]["status"] == 503 and org[0]["fault"].endswith(":status")
    assert org[0]["method"] == "GET" and isinstance(org[0]["ms"], float)
    assert len(org[0]["tenant"]) == 12


def test_quiet_prints_no_banner_lines_but_the_url_and_no_access_log():
    """--quiet prints only the URL line and no access log."""
    served = Served("--quiet")
    try:
        api(served.url, "GET", "/v1/organization")
    finally:
        out, err = served.stop()
    assert err.strip() == "" and len(out.strip().splitlines()) == 1


def test_unmetered_counts_credits_and_quota_but_never_refuses():
    """Unmetered mode accounts credits (balance goes negative) but never refuses."""
    from runway_mock import create_app
    from runway_mock.client.testing import wsgi_session

    app = create_app({"initial_credits": 10, "unmetered": True})
    session = wsgi_session(app)
    headers = {"Authorization": "Bearer key_big_suite", "X-Runway-Version": API_VERSION}
    body = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg",
            "ratio": "1280:720", "duration": 5}
    statuses = [session.post("http://emulator/v1/image_to_video", json=body,
                             headers=headers).status_code for _ in range(60)]
    assert statuses == [200] * 60  # past 10 credits and past tier 1's daily quota
    org = session.get("http://emulator/v1/organization", headers=headers).json()
    assert org["creditBalance"] < 0  # accounted: the spending shows
    metered = wsgi_session(create_app({"initial_credits": 10}))
    refused = metered.post("http://emulator/v1/image_to_video", json=body, headers=headers)
    assert refused.status_code == 400


def test_serve_unmetered_says_so_in_the_banner():
    """serve --unmetered says unmetered in its banner."""
    served = Served("--unmetered")
    out, _ = served.stop()
    assert "unmetered" in out


def test_load_state_at_start_restores_a_saved_world(tmp_path):
    """--load-state restores a saved dump: the task, the balance and the seed."""
    served = Served("--seed", "7")
    try:
        task = api(served.url, "POST", "/v1/text_to_image", json={
            "model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"}).json()
        before = api(served.url, "GET", "/v1/organization").json()
        dump = requests.get(served.url + "/_mock/state", timeout=5).json()
    finally:
        served.stop()
    path = tmp_path / "world.json"
    path.write_text(json.dumps(dump))
    again = Served("--load-state", str(path))
    try:
        got = api(again.url, "GET", f"/v1/tasks/{task['id']}")
        org = api(again.url, "GET", "/v1/organization").json()
        health = requests.get(again.url + "/_mock/health", timeout=5).json()
    finally:
        again.stop()
    assert got.status_code == 200 and got.json()["id"] == task["id"]
    charged = task["estimatedCost"]["credits"]
    assert charged > 0
    assert org["creditBalance"] == before["creditBalance"] == 10_000 - charged
    assert health["seed"] == 7


def test_a_bad_state_file_is_one_line(tmp_path):
    """A file that is not a state dump makes --load-state exit 2 with one line."""
    path = tmp_path / "world.json"
    path.write_text(textwrap.dedent('{"tenants": {}}'))
    line = one_line_error(run("serve", "--port", "0", "--load-state", str(path)))
    assert "--load-state: not a runway-mock state dump" in line


def test_a_204_has_no_content_type():
    """A 204 reply (task delete) has an empty body and no Content-Type."""
    from runway_mock import create_app

    client = create_app({"seed": 1}).test_client()
    headers = {"Authorization": "Bearer key_a", "X-Runway-Version": API_VERSION}
    task = client.post("/v1/text_to_image", headers=headers, json={
        "model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"}).get_json()
    gone = client.delete(f"/v1/tasks/{task['id']}", headers=headers)
    assert gone.status_code == 204 and gone.data == b""
    assert "Content-Type" not in gone.headers


def test_the_journal_and_fault_rules_use_one_operation_name():
    """The journal says ``image_to_video`` and a rule matching that name fires."""
    from runway_mock import create_app

    client = create_app({"seed": 1}).test_client()
    client.post("/_mock/faults", json={"match": {"endpoint": "image_to_video"},
                                        "effect": {"type": "status", "status": 503}})
    headers = {"Authorization": "Bearer key_a", "X-Runway-Version": API_VERSION}
    answer = client.post("/v1/image_to_video", headers=headers, json={
        "model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720"})
    client.get("/v1/tasks/00000000-0000-4000-8000-000000000000", headers=headers)
    entries = client.get("/_mock/journal").get_json()["entries"]
    assert answer.status_code == 503
    assert [e["endpoint"] for e in entries[-2:]] == ["image_to_video", "get_task"]


def test_run_without_a_key_names_the_flag_and_the_variable():
    """run without any API key exits 2 naming --api-key and RUNWAYML_API_SECRET."""
    env = dict.fromkeys(("RUNWAYML_API_SECRET", "RUNWAY_TOKEN"), "")
    result = run("run", "text_to_image", "--prompt-text", "a fox", env=env)
    assert result.returncode == 2
    assert "--api-key" in result.stderr and "RUNWAYML_API_SECRET" in result.stderr
    assert "api_key=" not in result.stderr


def test_an_unreachable_emulator_is_one_line_naming_the_url():
    """An unreachable base URL exits 1 with one line naming it, no urllib3 noise."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]  # bound but not listening: connections are refused
        result = run("org", "--base-url", f"http://127.0.0.1:{port}", "--api-key", "k",
                     env={"RUNWAYML_BASE_URL": ""})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"could not reach http://127.0.0.1:{port} (Connection refused)" in lines[0]
    assert "urllib3" not in result.stderr and "HTTPConnectionPool" not in result.stderr


def test_the_readme_lists_every_serve_option_with_its_default_and_variable():
    """README's options table lists every serve option with its env variable and default."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for opt in options.SERVE_OPTIONS:
        default = "off" if opt.boolean else ("none" if opt.default is None else opt.default)
        assert f"| `--{opt.name}` | `{opt.env}` | `{default}` |" in readme, opt.name


@pytest.mark.parametrize("verb", ["serve", "routes", "run", "task", "org", "drift", "record"])
def test_every_verbs_help_is_plain_text_with_defaults(verb):
    """Every verb's --help exits 0 and has no RST markup."""
    result = run(verb, "--help")
    assert result.returncode == 0, result.stderr
    assert "``" not in result.stdout and ":class:" not in result.stdout


def test_the_package_and_the_command_agree_on_the_version():
    from importlib.metadata import version

    assert version("runway-mock") == __version__
