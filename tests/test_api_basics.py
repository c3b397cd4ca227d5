"""Authentication, versioning, error shapes and tenant isolation."""

from __future__ import annotations

import pytest

from tests.conftest import OTHER_KEY, auth

I2V = {"model": "gen4_turbo", "promptImage": "https://example.com/a.jpg", "ratio": "1280:720"}


def _create(client, key=None):
    r = client.post("/v1/image_to_video", json=I2V, headers=auth(key) if key else auth())
    assert r.status_code == 200, r.json
    return r.json["id"]


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer   ", "Basic abc", "token abc"])
def test_missing_or_malformed_key_is_401(client, header):
    """A missing, empty or non-Bearer Authorization is a JSON 401 mentioning the API key."""
    h = {"X-Runway-Version": "2024-11-06"}
    if header is not None:
        h["Authorization"] = header
    r = client.get("/v1/organization", headers=h)
    assert r.status_code == 401
    assert r.content_type.startswith("application/json")
    # Runway's first sentence (public captures); the rest is the emulator's.
    assert r.json["error"].startswith("No API key was provided. ")
    assert set(r.json) == {"error", "docUrl"}
    assert r.json["docUrl"] == "https://docs.dev.runwayml.com/api"


@pytest.mark.parametrize("version", [None, "2024-09-13", "", "latest"])
def test_missing_or_wrong_version_is_400(client, version):
    """A missing or unsupported X-Runway-Version is a 400 naming the header and 2024-11-06."""
    h = {"Authorization": "Bearer k"}
    if version is not None:
        h["X-Runway-Version"] = version
    r = client.get("/v1/organization", headers=h)
    assert r.status_code == 400
    # Runway's wording (public captures), missing and invalid alike.
    assert r.json == {"error": (
        "The X-Runway-Version header was not provided in the request" if version is None
        else "The API version that was provided in the X-Runway-Version header is not valid."),
        "docUrl": "https://docs.dev.runwayml.com/api"}


def test_any_non_empty_token_is_a_tenant(client):
    """Any non-empty bearer token is accepted as a tenant."""
    for key in ("a", "key_" + "0" * 128, "x y z"):
        assert client.get("/v1/organization", headers=auth(key)).status_code == 200


def test_tenants_cannot_see_each_others_tasks(client):
    """Another tenant's task is "Task not found." on GET and DELETE and stays intact."""
    task_id = _create(client)
    assert client.get(f"/v1/tasks/{task_id}", headers=auth()).status_code == 200
    other = client.get(f"/v1/tasks/{task_id}", headers=auth(OTHER_KEY))
    assert other.status_code == 404
    assert other.json == {"error": "Could not find Task",
                          "docUrl": "https://docs.dev.runwayml.com/api"}
    assert client.delete(f"/v1/tasks/{task_id}", headers=auth(OTHER_KEY)).status_code == 404
    # The owner still has it: the other tenant's DELETE did nothing.
    assert client.get(f"/v1/tasks/{task_id}", headers=auth()).status_code == 200


def test_unknown_route_is_404_json(client, headers):
    """An unknown /v1 route is a JSON 404 with an error."""
    r = client.get("/v1/no_such_thing", headers=headers)
    assert r.status_code == 404
    assert r.content_type.startswith("application/json")
    assert "error" in r.json


def test_wrong_method_is_405_json(client, headers):
    """A wrong method is a JSON 405 whose Allow header names the right one."""
    r = client.get("/v1/image_to_video", headers=headers)
    assert r.status_code == 405
    assert r.json["error"].startswith("Method GET is not allowed")
    assert "POST" in r.headers["Allow"]


@pytest.mark.parametrize("data,content_type,needle", [
    ("{bad json", "application/json", "not valid JSON"),
    ("model=gen4_turbo", "application/x-www-form-urlencoded", "must be JSON"),
    ("hello", "text/plain", "must be JSON"),
    (b"\xff\xfe\x00", "application/json", "not valid UTF-8"),
])
def test_non_json_bodies_get_a_400_that_says_so(client, headers, data, content_type, needle):
    """Bad JSON, form bodies, plain text and bad UTF-8 are 400s saying why."""
    r = client.post("/v1/image_to_video", data=data, headers={**headers,
                                                              "Content-Type": content_type})
    assert r.status_code == 400
    assert needle in r.json["error"]


@pytest.mark.parametrize("body", [[], [1, 2], "text", 3, None, True])
def test_a_body_that_is_not_an_object_is_400(client, headers, body):
    """A JSON body that is not an object is a 400 with issues."""
    r = client.post("/v1/image_to_video", json=body, headers=headers)
    assert r.status_code == 400
    assert r.json["issues"]


def test_empty_body_reports_the_missing_model(client, headers):
    """An empty body is a 400 whose first issue is the missing model discriminator."""
    r = client.post("/v1/image_to_video", headers=headers)
    assert r.status_code == 400
    # Zod 4 as Runway answers (public capture): a missing model is a missing string.
    assert r.json["issues"] == [{"expected": "string", "code": "invalid_type",
                                 "path": ["model"],
                                 "message": "Invalid input: expected string, received undefined"}]


def test_unknown_model_is_no_matching_discriminator(client, headers):
    """An unknown model is one invalid_union issue "No matching discriminator" on model."""
    r = client.post("/v1/image_to_video", json={**I2V, "model": "gen9"}, headers=headers)
    assert r.json["issues"] == [{"code": "invalid_union", "errors": [],
                                 "note": "No matching discriminator", "discriminator": "model",
                                 "path": ["model"], "message": "Invalid input"}]


def test_validation_error_shape(client, headers):
    """A validation 400 has error and issues, each issue with code, path and message."""
    r = client.post("/v1/image_to_video", json={**I2V, "ratio": "1:1", "extra": 1},
                    headers=headers)
    assert r.status_code == 400
    assert r.content_type == "application/json; charset=utf-8"
    body = r.json
    # The shape of Runway's validation failures in public captures (Zod 4 issues).
    assert list(body) == ["error", "issues", "docUrl"]
    assert body["error"] == "Validation of body failed"
    assert body["docUrl"] == "https://docs.dev.runwayml.com/api"
    paths = [i["path"] for i in body["issues"]]
    assert ["ratio"] in paths and ["extra"] in paths
    for i in body["issues"]:
        assert {"code", "path", "message"} <= set(i)
    ratio = next(i for i in body["issues"] if i["path"] == ["ratio"])
    assert ratio["code"] == "invalid_value" and "1280:720" in ratio["values"]
    assert ratio["message"].startswith('Invalid option: expected one of "1280:720"|')


@pytest.mark.parametrize(("change", "issue"), [
    ({"duration": 11}, {"origin": "number", "code": "too_big", "maximum": 10, "type": "number",
                        "inclusive": True, "path": ["duration"],
                        "message": "Too big: expected number to be <=10"}),
    ({"duration": 1}, {"origin": "number", "code": "too_small", "minimum": 2, "type": "number",
                       "inclusive": True, "path": ["duration"],
                       "message": "Too small: expected number to be >=2"}),
    ({"promptText": "x" * 1001}, {"origin": "string", "code": "too_big", "maximum": 1000,
                                  "type": "string", "inclusive": True, "path": ["promptText"],
                                  "message": "Too big: expected string to have <=1000 "
                                             "characters"}),
    ({"promptText": 5}, {"expected": "string", "code": "invalid_type", "path": ["promptText"],
                    "message": "Invalid input: expected string, received number"}),
])
def test_zod4_issue_items(client, headers, change, issue):
    """Range and type errors are reported as zod 4 issue items, field for field."""
    body = {"model": "gen4.5", "promptImage": I2V["promptImage"], "promptText": "a fox",
            "ratio": "1280:720", "duration": 5, **change}
    r = client.post("/v1/image_to_video", json=body, headers=headers)
    assert r.status_code == 400 and r.json["issues"] == [issue]


def test_reference_wording_is_a_config_choice(clock):
    """error_wording "reference" gives the older zod 3 wording; an unknown wording raises."""
    from runway_mock import create_app

    old = create_app({"error_wording": "reference"}, clock=clock).test_client()
    r = old.post("/v1/image_to_video", json={**I2V, "ratio": "1:1"}, headers=auth())
    assert r.status_code == 400 and set(r.json) == {"error", "issues"}
    assert r.json["error"].startswith("Invalid parameter 'ratio': Invalid enum value.")
    assert r.json["issues"][0]["code"] == "invalid_enum_value"
    assert set(old.get("/v1/organization").json) == {"error"}
    with pytest.raises(ValueError, match="error_wording"):
        create_app({"error_wording": "zod5"}, clock=clock)


def test_nothing_is_charged_for_a_rejected_request(client, headers):
    """A request refused for validation leaves the balance unchanged."""
    before = client.get("/v1/organization", headers=headers).json["creditBalance"]
    client.post("/v1/image_to_video", json={**I2V, "ratio": "bad"}, headers=headers)
    after = client.get("/v1/organization", headers=headers).json["creditBalance"]
    assert before == after


def test_oversized_body_is_413_json(clock):
    """A body over max_body_bytes is a JSON 413 saying too large."""
    from runway_mock import create_app

    small = create_app({"max_body_bytes": 1000}, clock=clock).test_client()
    r = small.post("/v1/image_to_video", json={**I2V, "promptText": "x" * 5000},
                   headers=auth())
    assert r.status_code == 413
    assert "too large" in r.json["error"]


def test_health_needs_no_key(client):
    """The health endpoint answers 200 ok without an API key."""
    r = client.get("/_mock/health")
    assert r.status_code == 200
    assert r.json["status"] == "ok"
