"""No input makes any route answer 5xx: random JSON bodies, ids and queries everywhere."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runway_mock import create_app
from runway_mock.clock import fake_clock

from tests.conftest import auth

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=12,
)
SEGMENT = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126,
                                         exclude_characters="/?#%"), min_size=1, max_size=40)
QUERY = st.dictionaries(st.sampled_from(["limit", "cursor", "from", "to", "startDate",
                                         "endDate", "sort", "order", "tenant", "apiKey"]),
                        st.text(max_size=20), max_size=4)


def routes() -> list[tuple[str, str]]:
    app = create_app()
    out = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/static"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((method, rule.rule))
    return sorted(set(out))


ROUTES = routes()


@pytest.fixture(scope="module")
def client():
    return create_app({"seed": 1}, clock=fake_clock()).test_client()


@pytest.mark.parametrize("method,rule", ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=JSON, ids=st.lists(SEGMENT, min_size=3, max_size=3), query=QUERY)
def test_no_route_answers_5xx(client, method, rule, body, ids, query):
    """Random bodies, path ids and queries never get a 5xx on any route; JSON errors have error."""
    parts = iter(ids)
    path = re.sub(r"<[^>]+>", lambda _m: next(parts, "x"), rule)
    r = client.open(path, method=method, json=body, query_string=query, headers=auth())
    assert r.status_code < 500, (method, path, body, r.get_data(as_text=True)[:300])
    if r.status_code >= 400 and r.content_type.startswith("application/json"):
        assert "error" in r.get_json()
