"""``serve --api-keys`` and the ``api_keys`` config: only the listed keys are tenants.

Any other key gets 401 in Runway's error shape, so a client's 401 handling can be
tested; with no list (the default) any non-empty key is a tenant.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
import runwayml
from runway_mock import create_app
from runway_mock.clock import fake_clock
from runway_mock.config import Config, parse_api_keys
from runway_mock.testing import serve

from tests.conftest import auth


def test_listed_keys_are_tenants_and_others_get_401():
    """With api_keys set only the listed keys are tenants; others get 401 before validation."""
    client = create_app({"api_keys": ["key-one", "key-two"]}, clock=fake_clock()).test_client()
    for key in ("key-one", "key-two"):
        assert client.get("/v1/organization", headers=auth(key)).status_code == 200
    refused = client.get("/v1/organization", headers=auth("key-three"))
    assert refused.status_code == 401
    body = refused.get_json()
    assert isinstance(body["error"], str) and body["error"]
    # The same answer on a task endpoint, before any validation of the body.
    created = client.post("/v1/text_to_video", json={}, headers=auth("key-three"))
    assert created.status_code == 401
    assert client.get("/v1/organization", headers={
        "X-Runway-Version": "2024-11-06"}).status_code == 401


def test_by_default_any_non_empty_key_is_a_tenant():
    """Without a key list any non-empty key is a tenant and a blank one is 401."""
    client = create_app(clock=fake_clock()).test_client()
    assert client.get("/v1/organization", headers=auth("anything-at-all")).status_code == 200
    assert client.get("/v1/organization", headers=auth(" ")).status_code == 401


def test_the_control_api_is_not_gated_by_tenant_keys():
    """The control API answers regardless of the tenant key list."""
    client = create_app({"api_keys": ["key-one"]}, clock=fake_clock()).test_client()
    assert client.get("/_mock/health").status_code == 200
    assert client.get("/_mock/credits?apiKey=key-one").status_code == 200


@pytest.mark.parametrize("value", [[], [""], ["ok", "  "], [1]])
def test_an_unusable_key_list_is_refused(value):
    """An empty list, blank or non-string keys make Config raise naming api_keys."""
    with pytest.raises(ValueError, match="api_keys"):
        Config(api_keys=value)


def test_parse_a_comma_separated_list():
    """A comma-separated key list is split, trimmed and stripped of empties."""
    assert parse_api_keys("a, b,,c ") == ["a", "b", "c"]


def test_parse_a_file_of_one_key_per_line(tmp_path):
    """A key file gives one key per line, skipping comments and blanks."""
    path = tmp_path / "keys.txt"
    path.write_text("# tenants of this run\nkey-one\n\n  key-two  \n", encoding="utf-8")
    assert parse_api_keys(str(path)) == ["key-one", "key-two"]


def test_parse_refuses_an_empty_list(tmp_path):
    """A key file or list with no keys raises ValueError."""
    path = tmp_path / "keys.txt"
    path.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ValueError):
        parse_api_keys(str(path))
    with pytest.raises(ValueError):
        parse_api_keys(" , ")


def test_the_official_sdk_raises_authentication_error_for_an_unlisted_key():
    """The official SDK raises AuthenticationError with the error body for an unlisted key."""
    app = create_app({"api_keys": ["sdk-key"]}, clock=fake_clock())
    with serve(app, threads=2) as url:
        good = runwayml.RunwayML(api_key="sdk-key", base_url=url, max_retries=0)
        assert good.organization.retrieve().credit_balance >= 0
        bad = runwayml.RunwayML(api_key="not-listed", base_url=url, max_retries=0)
        with pytest.raises(runwayml.AuthenticationError) as caught:
            bad.organization.retrieve()
        assert caught.value.status_code == 401
        assert isinstance(caught.value.body, dict) and "error" in caught.value.body
        with pytest.raises(runwayml.AuthenticationError):
            bad.text_to_image.create(model="gen4_image", prompt_text="a cat", ratio="1920:1080")


def test_serve_flag_takes_a_file(tmp_path):
    """serve --api-keys FILE serves only the keys in that file."""
    keys = tmp_path / "keys.txt"
    keys.write_text("cli-key\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "runway_mock", "serve", "--port", "0", "--api-keys", str(keys)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        assert "serving the Runway API at http://127.0.0.1:" in line, line
        url = line.rsplit(" ", 1)[1].strip()
        assert requests.get(f"{url}/v1/organization", headers=auth("cli-key"),
                            timeout=5).status_code == 200
        refused = requests.get(f"{url}/v1/organization", headers=auth("other"), timeout=5)
        assert refused.status_code == 401 and "error" in refused.json()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def test_serve_flag_refuses_an_empty_list():
    """serve --api-keys with an empty list exits 2 naming the flag."""
    result = subprocess.run([sys.executable, "-m", "runway_mock", "serve", "--port", "0",
                             "--api-keys", ","], check=False, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 2
    assert "--api-keys" in result.stderr
