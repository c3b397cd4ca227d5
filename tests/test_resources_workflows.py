"""Workflows and their invocations; organization usage and the web-workspace reports."""

from __future__ import annotations

import pytest
from runway_mock.config import tenant_of
from runway_mock.domain import ledger
from runway_mock.testing import runtime_of

from tests.conftest import API_KEY, OTHER_KEY, auth


def workflow(client, name: str = "Product shot", key: str | None = None) -> dict:
    listed = client.get("/v1/workflows", headers=auth(key) if key else auth()).get_json()
    newest = next(w for w in listed["data"] if w["name"] == name)["versions"][0]
    return client.get(f"/v1/workflows/{newest['id']}",
                      headers=auth(key) if key else auth()).get_json()


def node(wf: dict, name: str) -> dict:
    return next(n for n in wf["graph"]["nodes"] if n["name"] == name)


def run(client, wf: dict, node_outputs: dict | None = None):
    body = {} if node_outputs is None else {"nodeOutputs": node_outputs}
    return client.post(f"/v1/workflows/{wf['id']}", json=body, headers=auth())


def invocation(client, inv_id: str) -> dict:
    resp = client.get(f"/v1/workflow_invocations/{inv_id}", headers=auth())
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_samples_are_listed_by_name_with_versions_newest_first(client) -> None:
    """Sample workflows list by name, versions newest first, stable, with per-tenant ids."""
    listed = client.get("/v1/workflows", headers=auth()).get_json()
    assert set(listed) == {"data"}
    names = [w["name"] for w in listed["data"]]
    assert names == ["Product shot", "Podcast intro", "Storyboard"]
    versions = listed["data"][0]["versions"]
    assert [v["version"] for v in versions] == [2, 1]
    wf = client.get(f"/v1/workflows/{versions[1]['id']}", headers=auth()).get_json()
    assert wf["version"] == 1 and wf["graph"]["nodes"] and wf["graph"]["edges"]
    again = client.get("/v1/workflows", headers=auth()).get_json()
    assert again == listed
    theirs = client.get("/v1/workflows", headers=auth(OTHER_KEY)).get_json()
    assert theirs["data"][0]["versions"][0]["id"] != versions[0]["id"]
    assert client.get(f"/v1/workflows/{versions[0]['id']}",
                      headers=auth(OTHER_KEY)).status_code == 404


def test_run_progresses_like_a_task_with_downloadable_outputs(app, client, clock) -> None:
    """A workflow run is charged up front, progresses like a task and serves each node's output."""
    wf = workflow(client)
    rt, tenant = runtime_of(app), tenant_of(API_KEY)
    before = ledger.balance(rt, tenant)
    resp = run(client, wf, {node(wf, "Prompt")["id"]: {
        "text": {"type": "primitive", "value": "a chair"}}})
    assert resp.status_code == 200 and set(resp.get_json()) == {"id"}
    inv_id = resp.get_json()["id"]
    credits = sum(n.get("credits", 0) for n in wf["graph"]["nodes"])
    assert ledger.balance(rt, tenant) == before - credits
    assert invocation(client, inv_id)["status"] == "PENDING"
    clock.advance(2.5)
    running = invocation(client, inv_id)
    assert running["status"] == "RUNNING" and 0 < running["progress"] < 1
    assert len(running["output"]) < 2
    clock.advance(60)
    done = invocation(client, inv_id)
    assert done["status"] == "SUCCEEDED" and done["cost"] == {"credits": credits}
    assert set(done["output"]) == {node(wf, "Styled still")["id"], node(wf, "Turntable clip")["id"]}
    kinds = set()
    for (url,) in done["output"].values():
        got = client.get(url.removeprefix("http://localhost"))
        assert got.status_code == 200
        kinds.add(got.content_type)
    assert kinds == {"image/png", "video/mp4"}
    assert ledger.balance(rt, tenant) == before - credits


def test_overridden_generation_nodes_are_not_run_or_charged(app, client, clock) -> None:
    """A generation node given in nodeOutputs is not run or charged; its value is output."""
    wf = workflow(client)
    still = node(wf, "Styled still")
    rt, tenant = runtime_of(app), tenant_of(API_KEY)
    before = ledger.balance(rt, tenant)
    inv_id = run(client, wf, {still["id"]: {"image": {
        "type": "image", "uri": "https://example.com/still.png"}}}).get_json()["id"]
    assert ledger.balance(rt, tenant) == before - node(wf, "Turntable clip")["credits"]
    clock.advance(60)
    done = invocation(client, inv_id)
    assert done["output"][still["id"]] == ["https://example.com/still.png"]


def test_failed_run_is_refunded_and_names_the_node(app, client, clock) -> None:
    """A failed run costs 0, is refunded once, and names the failing node."""
    client.post("/_mock/policies", json={"key": "workflows", "outcome": {
        "status": "FAILED", "failureCode": "SAFETY.OUTPUT.VIDEO"}})
    wf = workflow(client)
    rt, tenant = runtime_of(app), tenant_of(API_KEY)
    before = ledger.balance(rt, tenant)
    inv_id = run(client, wf).get_json()["id"]
    clock.advance(60)
    failed = invocation(client, inv_id)
    assert failed["status"] == "FAILED" and failed["failureCode"] == "SAFETY.OUTPUT.VIDEO"
    assert failed["cost"] == {"credits": 0}
    (error,) = failed["nodeErrors"].values()
    assert error["nodeName"] == "Turntable clip"
    invocation(client, inv_id)
    assert ledger.balance(rt, tenant) == before


@pytest.mark.parametrize(("outputs", "path_tail"), [
    ({"00000000-0000-4000-8000-000000000000": {"text": {"type": "primitive", "value": 1}}},
     []),
    ({"PROMPT": {"nope": {"type": "primitive", "value": "x"}}}, ["nope"]),
    ({"PROMPT": {"text": {"type": "image", "uri": "https://example.com/a.png"}}},
     ["text", "type"]),
    ({"PHOTO": {"image": {"type": "image", "uri": "runway://uploads/none/x.png"}}},
     ["image", "uri"]),
    ({"PHOTO": {"image": {"type": "image", "uri": "http://example.com/a.png"}}},
     ["image", "uri"]),
    ({"PROMPT": {"text": {"type": "primitive"}}}, ["text", "value"]),
    ({"not-a-uuid": {}}, []),
])
def test_node_outputs_are_validated(client, outputs, path_tail) -> None:
    """Bad node ids, output names, types or URIs in nodeOutputs are 400s with the full path."""
    wf = workflow(client)
    ids = {"PROMPT": node(wf, "Prompt")["id"], "PHOTO": node(wf, "Product photo")["id"]}
    given = {ids.get(k, k): v for k, v in outputs.items()}
    resp = run(client, wf, given)
    assert resp.status_code == 400
    (node_id,) = given
    assert resp.get_json()["issues"][0]["path"] == ["nodeOutputs", node_id, *path_tail]


def test_unknown_workflow_and_invocation_are_404(client) -> None:
    """Unknown workflows and invocations, or another tenant's invocation, are 404s."""
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.post(f"/v1/workflows/{missing}", json={}, headers=auth()).status_code == 404
    assert client.get(f"/v1/workflow_invocations/{missing}", headers=auth()).status_code == 404
    inv_id = run(client, workflow(client)).get_json()["id"]
    assert client.get(f"/v1/workflow_invocations/{inv_id}",
                      headers=auth(OTHER_KEY)).status_code == 404


# ---------------------------------------------------------------------------
# Organization usage


def usage(client, body: dict, key: str | None = None):
    return client.post("/v1/organization/usage", json=body, headers=auth(key) if key else auth())


def test_usage_reflects_real_spend_and_refunds(client, clock) -> None:
    """Organization usage shows each day's real spend per model, net of refunds, per tenant."""
    task = client.post("/v1/text_to_image", headers=auth(), json={
        "model": "gen4_image", "promptText": "a fox", "ratio": "1920:1080"}).get_json()
    client.post("/_mock/policies", json={"key": "gen4_image_turbo", "outcome": {
        "status": "FAILED"}, "transition": {"kind": "immediate"}})
    failed = client.post("/v1/text_to_image", headers=auth(), json={
        "model": "gen4_image_turbo", "promptText": "a fox", "ratio": "1920:1080",
        "referenceImages": [{"uri": "https://example.com/a.png"}]}).get_json()
    assert task["estimatedCost"]["credits"] > 0 and failed["id"]
    report = usage(client, {"startDate": "2025-12-31", "beforeDate": "2026-01-02"}).get_json()
    assert [r["date"] for r in report["results"]] == ["2025-12-31", "2026-01-01"]
    assert report["results"][0]["usedCredits"] == []
    day = {u["model"]: u["amount"] for u in report["results"][1]["usedCredits"]}
    assert day == {"gen4_image": task["estimatedCost"]["credits"]}
    assert report["models"] == ["gen4_image"]
    assert usage(client, {"startDate": "2025-12-31", "beforeDate": "2026-01-02"},
                 key=OTHER_KEY).get_json()["models"] == []


def test_usage_default_range_is_the_30_days_before_today(client) -> None:
    """Without dates, or with only a start, usage covers 30 days."""
    report = usage(client, {}).get_json()
    dates = [r["date"] for r in report["results"]]
    assert len(dates) == 30 and dates[0] == "2025-12-02" and dates[-1] == "2025-12-31"
    only_start = usage(client, {"startDate": "2025-11-01"}).get_json()["results"]
    assert len(only_start) == 30


@pytest.mark.parametrize(("body", "field"), [
    ({"startDate": "2026-01-01", "beforeDate": "2026-04-02"}, "beforeDate"),
    ({"startDate": "2026-13-01"}, "startDate"),
    ({"startDate": "01/01/2026"}, "startDate"),
    ({"beforeDate": 20260101}, "beforeDate"),
    ({"endDate": "2026-01-01"}, "endDate"),
])
def test_usage_date_rules(client, body, field) -> None:
    """Over-90-day windows, bad dates and unknown fields are 400s naming the field."""
    resp = usage(client, body)
    assert resp.status_code == 400 and resp.get_json()["issues"][0]["path"] == [field]


@pytest.mark.parametrize("before", ["2026-01-10", "2026-01-01"])
def test_usage_window_ending_at_or_before_its_start_is_empty(client, before) -> None:
    """A usage window ending at or before its start answers 200 with no results."""
    resp = usage(client, {"startDate": "2026-01-10", "beforeDate": before})
    assert resp.status_code == 200 and resp.get_json()["results"] == []


def test_usage_allows_exactly_90_days(client) -> None:
    """A usage window of exactly 90 days is allowed and has 90 results."""
    resp = usage(client, {"startDate": "2026-01-01", "beforeDate": "2026-04-01"})
    assert resp.status_code == 200 and len(resp.get_json()["results"]) == 90


# ---------------------------------------------------------------------------
# Web workspace reports (no linked workspace in the emulator)


def test_webapp_usage_is_an_empty_page_after_validation(client) -> None:
    """Webapp usage validates its query and answers an empty page."""
    ok = client.get("/v1/organization/webapp/usage?limit=10&from=2026-01-01&to=2026-01-02",
                    headers=auth())
    assert ok.status_code == 200
    assert ok.get_json() == {"data": [], "hasMore": False, "nextCursor": None}
    reversed_ = client.get("/v1/organization/webapp/usage?from=2026-01-02&to=2026-01-01",
                           headers=auth())
    assert reversed_.status_code == 200 and reversed_.get_json()["data"] == []
    for query, field in (("limit=10&to=2026-01-02", "from"), ("limit=10&from=2026-01-02", "to"),
                         ("from=2026-01-01&to=2026-01-02&workspaceIds=a,b", "workspaceIds"),
                         ("from=2026-01-01&to=2026-01-02&limit=500", "limit"),
                         ("from=2026-01-01&to=2026-01-02&cursor=bad", "cursor")):
        resp = client.get(f"/v1/organization/webapp/usage?{query}", headers=auth())
        assert resp.status_code == 400, query
        assert resp.get_json()["issues"][0]["path"] == [field], query


def test_audit_logs_validate_filters_and_detail_is_404(client) -> None:
    """Audit logs validate actions and email counts, answer empty, need a key; detail 404s."""
    ok = client.get("/v1/organization/webapp/audit_logs?limit=5&actions=UserLogin,AssetCreated"
                    "&actorEmails=a@example.com&workspaceIds=1,2&from=2026-01-01T00:00:00Z",
                    headers=auth())
    assert ok.status_code == 200 and ok.get_json()["data"] == []
    bad = client.get("/v1/organization/webapp/audit_logs?actions=UserLogin,Nope", headers=auth())
    assert bad.status_code == 400 and bad.get_json()["issues"][0]["path"] == ["actions"]
    many = ",".join(f"u{i}@example.com" for i in range(51))
    resp = client.get(f"/v1/organization/webapp/audit_logs?actorEmails={many}", headers=auth())
    assert resp.status_code == 400
    detail = client.get("/v1/organization/webapp/audit_logs/evt_123", headers=auth())
    assert detail.status_code == 404 and set(detail.get_json()) == {"error", "docUrl"}
    assert client.get("/v1/organization/webapp/audit_logs").status_code == 401
