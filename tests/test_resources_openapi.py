"""GET /openapi.json: generated from the validating specs, covering every route, valid 3.1."""

from __future__ import annotations

import re

import pytest
from runway_mock.catalog import ENDPOINTS
from runway_mock.domain.resources import avatars, documents, realtime, routers, voices, workflows
from runway_mock.http.routes import api_operations
from runway_mock.schema import validate

from tests.conftest import auth


@pytest.fixture
def doc(client) -> dict:
    resp = client.get("/openapi.json")
    assert resp.status_code == 200
    return resp.get_json()


def test_served_without_credentials_as_openapi_31(doc) -> None:
    """/openapi.json is OpenAPI 3.1.0 with the API version as info.version."""
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["version"] == "2024-11-06"


def test_every_v1_route_of_the_app_is_documented(app, doc) -> None:
    """Every /v1 operation the app serves appears in the OpenAPI paths."""
    operations = api_operations(app)
    assert len(operations) > 60
    for method, path in operations:
        assert method.lower() in doc["paths"].get(path, {}), f"{method} {path} missing"


def test_every_route_of_the_app_is_documented(app, doc) -> None:
    """Every route of the app, control and media included, appears in the document."""
    converter = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = converter.sub(r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"][path], f"{method} {path}"


def test_passes_the_openapi_validator(doc) -> None:
    """The document passes openapi-spec-validator."""
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(doc)


def test_request_schemas_are_the_validating_specs(doc) -> None:
    """Request and query schemas are generated from the same specs that validate."""
    body = doc["paths"]["/v1/documents"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == documents.CREATE.json_schema()
    router = doc["paths"]["/v1/routers"]["post"]["requestBody"]["content"]["application/json"]
    assert router["schema"] == routers.CREATE.json_schema()
    i2v = doc["paths"]["/v1/image_to_video"]["post"]["requestBody"]["content"]
    members = i2v["application/json"]["schema"]["oneOf"]
    assert len(members) == len(ENDPOINTS["image_to_video"].rows)
    assert [m["properties"]["model"]["const"] for m in members] == \
        list(ENDPOINTS["image_to_video"].rows)
    query = {p["name"]: p for p in doc["paths"]["/v1/documents"]["get"]["parameters"]}
    assert query["limit"]["schema"]["maximum"] == 100 and query["sort"]["in"] == "query"
    assert doc["paths"]["/v1/documents/{document_id}"]["patch"]["responses"].keys() >= {"204"}


def test_documented_response_specs_accept_real_responses(client, clock) -> None:
    """Real responses of each resource validate against their documented specs."""
    document = client.post("/v1/documents", json={"name": "n", "content": "c"},
                           headers=auth()).get_json()
    assert validate(documents.DOCUMENT, document) == []
    voice_id = client.post("/v1/voices", headers=auth(), json={"name": "v", "from": {
        "type": "text", "model": "eleven_ttv_v3", "prompt": "x" * 30}}).get_json()["id"]
    avatar = client.post("/v1/avatars", headers=auth(), json={
        "name": "a", "personality": "p", "referenceImage": "https://example.com/a.png",
        "voice": {"type": "custom", "id": voice_id}, "documentIds": [document["id"]]}).get_json()
    assert validate(avatars.AVATAR, avatar) == []
    clock.advance(120)
    for path, spec in ((f"/v1/voices/{voice_id}", voices.VOICE),
                       (f"/v1/avatars/{avatar['id']}", avatars.AVATAR),
                       ("/v1/workflows", workflows.WORKFLOWS)):
        assert validate(spec, client.get(path, headers=auth()).get_json()) == [], path
    session = client.post("/v1/realtime_sessions", headers=auth(), json={
        "model": "gwm1_avatars", "avatar": {"type": "custom", "avatarId": avatar["id"]}})
    session_id = session.get_json()["id"]
    got = client.get(f"/v1/realtime_sessions/{session_id}", headers=auth()).get_json()
    assert validate(realtime.SESSION, got) == []
    router = client.post("/v1/routers", json={"slug": "s"}, headers=auth()).get_json()
    assert validate(routers.ROUTER, router) == []
