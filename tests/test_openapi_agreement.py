"""The served document states what the validator enforces: its patterns, formats and lengths.

A spec-driven client (or Schemathesis) reads the constraints from /openapi.json; each
pattern there must accept exactly the values the validator accepts.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from runway_mock import create_app
from runway_mock.clock import fake_clock
from runway_mock.schema import (
    HTTPS_PATTERN,
    Media,
    Str,
    data_uri_pattern,
    media_problem,
    utf16_len,
    validate,
)

from tests.conftest import auth

URLISH = st.text(alphabet="a1.-:@/?#[]_ \n%", max_size=40).map(lambda t: "https://" + t)
DATAISH = st.from_regex(r"data:(image|video|IMAGE)/[a-z0-9.+-]{0,5}(;[a-z0-9=]{0,8}){0,3},"
                        r"[A-Za-z0-9+/= ]{0,8}", fullmatch=True)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.one_of(URLISH, st.from_regex(HTTPS_PATTERN, fullmatch=True)))
def test_https_pattern_is_the_validators_rule(url):
    if not 13 <= utf16_len(url) <= 2048:
        return
    assert (media_problem(url, ("image",)) is None) == bool(re.match(HTTPS_PATTERN, url)), url


@settings(max_examples=400, derandomize=True, deadline=None)
@given(DATAISH)
def test_data_uri_pattern_is_the_validators_rule(uri):
    pattern = data_uri_pattern(("image",))
    assert (media_problem(uri, ("image",)) is None) == bool(re.match(pattern, uri)), uri


def test_media_schema_carries_both_patterns():
    schema = Media(("video",)).json_schema()
    patterns = [branch["pattern"] for branch in schema["anyOf"]]
    assert HTTPS_PATTERN in patterns and data_uri_pattern(("video",)) in patterns


def test_lengths_count_utf16_units_and_the_document_says_so():
    spec = Str(max_len=4)
    assert validate(spec, "\U0001f600\U0001f600") == []
    assert validate(spec, "\U0001f600\U0001f600a")  # five units
    assert "UTF-16" in spec.json_schema()["description"]


def test_date_formats_are_checked_and_declared():
    spec = Str(pattern=r"\d{4}-\d{2}-\d{2}", formats=("date",))
    assert spec.json_schema()["format"] == "date"
    assert validate(spec, "2026-02-28") == []
    for bad in ("0000-00-00", "2026-02-30", "2026-13-01"):
        assert validate(spec, bad)[0]["code"] == "invalid_string"


def test_a_body_that_may_be_empty_is_not_required():
    doc = create_app(clock=fake_clock()).test_client().get("/openapi.json").get_json()
    patch = doc["paths"]["/v1/routers/{router_id}"]["patch"]
    assert patch["requestBody"]["required"] is False
    assert doc["paths"]["/v1/text_to_video"]["post"]["requestBody"]["required"] is True


def test_emulator_routes_declare_no_tenant_security_and_their_errors():
    doc = create_app(clock=fake_clock()).test_client().get("/openapi.json").get_json()
    assert doc["paths"]["/_mock/reset"]["post"]["security"] == []
    assert "security" not in doc["paths"]["/v1/organization"]["get"]
    assert {"400", "401", "404", "413", "429"} <= set(
        doc["paths"]["/v1/organization"]["get"]["responses"])
    admin = create_app({"admin_token": "t"}, clock=fake_clock()).test_client()
    doc = admin.get("/openapi.json").get_json()
    assert doc["paths"]["/_mock/reset"]["post"]["security"] == [{"adminToken": []}]
    assert doc["paths"]["/_mock/health"]["get"]["security"] == []


def test_allow_names_the_methods_of_the_path_that_owns_the_request():
    client = create_app(clock=fake_clock()).test_client()
    options = client.options("/v1/voices/preview", headers=auth())
    assert options.headers["Allow"] == "OPTIONS, POST"
    refused = client.put("/v1/voices/preview", headers=auth())
    assert refused.status_code == 405 and refused.headers["Allow"] == "OPTIONS, POST"
    assert client.put("/v1/voices/x", headers=auth()).headers["Allow"] == (
        "DELETE, GET, HEAD, OPTIONS, PATCH")
