"""Contracts for authentication, versioning, unknown resources and malformed bodies."""

from __future__ import annotations

import pytest
from runway_mock.catalog import ENDPOINTS
from runway_mock.contracts import checks, strategies

UNKNOWN_TASK = "00000000-0000-4000-8000-000000000000"


def _create_path() -> str:
    endpoint, _ = strategies.cheapest_rows()[0]
    return ENDPOINTS[endpoint].path


def test_missing_api_key_is_unauthorized(runway_api):
    """A GET without an API key is refused as unauthorized in the error shape."""
    checks.check_unauthorized(runway_api.get("/v1/organization", auth=False))


@pytest.mark.parametrize("value", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer "])
def test_unusable_authorization_is_unauthorized(runway_api, value):
    """Basic auth or an empty Bearer token is refused as unauthorized."""
    reply = runway_api.get("/v1/organization", headers={"Authorization": value})
    checks.check_unauthorized(reply)


def test_create_without_api_key_is_unauthorized(runway_api):
    """A create without an API key is refused as unauthorized."""
    checks.check_unauthorized(runway_api.post(_create_path(), {}, auth=False))


def test_missing_version_header_is_rejected(runway_api):
    """A request without X-Runway-Version is rejected in the error shape."""
    checks.check_version_rejected(runway_api.get("/v1/organization", version=False))


def test_unknown_version_is_rejected(runway_api):
    """A request with an unknown X-Runway-Version is rejected."""
    reply = runway_api.get("/v1/organization", headers={"X-Runway-Version": "2099-01-01"})
    checks.check_version_rejected(reply)


def test_unknown_task_is_not_found(runway_api):
    """GET of an unknown task id is a not-found in the error shape."""
    checks.check_not_found(runway_api.task(UNKNOWN_TASK))


def test_deleting_an_unknown_task_is_not_found(runway_api):
    """DELETE of an unknown task id is a not-found in the error shape."""
    checks.check_not_found(runway_api.cancel(UNKNOWN_TASK))


def test_body_that_is_not_an_object_is_rejected(runway_api):
    """A create whose JSON body is a list is a 400 in the error shape."""
    checks.check_error_shape(runway_api.post(_create_path(), ["not", "an", "object"]), 400)


def test_body_that_is_not_json_is_rejected(runway_api):
    """A create whose body is not JSON is a 400 in the error shape."""
    reply = runway_api.request("POST", _create_path(), data=b"{not json",
                               headers={"Content-Type": "application/json"})
    checks.check_error_shape(reply, 400)


def test_organization_has_the_documented_shape(runway_api):
    """GET /v1/organization is a 200 JSON reply of the documented shape."""
    reply = runway_api.organization()
    assert reply.status == 200, f"status: GET /v1/organization gave {reply.status}"
    checks.check_json_reply(reply)
    checks.check_organization_shape(reply.body)


def test_usage_report_has_the_documented_shape(runway_api):
    """POST /v1/organization/usage, where served, is a 200 of the documented shape."""
    reply = runway_api.usage()
    if reply.status == 404:
        pytest.skip("POST /v1/organization/usage is not served by this target")
    assert reply.status == 200, f"status: POST /v1/organization/usage gave {reply.status}"
    checks.check_json_reply(reply)
    checks.check_usage_shape(reply.body)


@pytest.mark.runway_needs("faults")
@pytest.mark.parametrize("status", [429, 503])
def test_transient_errors_use_the_error_shape(runway_api, status):
    """Injected 429 and 503 use the error shape with Retry-After and fire only once."""
    api = runway_api
    rule = api.control("POST", "/faults", {
        "match": {"method": "GET", "path": "/v1/organization", "apiKey": api.token},
        "effect": {"type": "status", "status": status, "retryAfter": 1}, "times": 1})
    assert rule.status == 200, f"POST /_mock/faults: {rule.status} {rule.text[:200]}"
    reply = api.organization()
    checks.check_error_shape(reply, status)
    checks.check_retry_after(reply)
    again = api.organization()
    assert again.status == 200, f"status: the fault fired once, the retry gave {again.status}"
