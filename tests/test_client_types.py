"""Client construction, field-name mapping, response objects and pagination."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from runway_mock.client import (
    DEFAULT_BASE_URL,
    CancelledTask,
    ConfigurationError,
    FailedTask,
    PendingTask,
    Record,
    RunningTask,
    RunwayClient,
    SucceededTask,
    Task,
    ThrottledTask,
)
from runway_mock.client.runway import normalise_base_url, to_fields, to_query
from runway_mock.client.testing import ScriptedSession
from runway_mock.client.types import camel, snake

CREATED = (200, {"id": "t-1", "estimatedCost": {"credits": 5}})


def make(*effects, **options):
    session = ScriptedSession(*effects)
    client = RunwayClient("key-test", base_url="http://runway.test", session=session,
                          sleep=lambda s: None, seed=1, **options)
    return client, session


def sent_json(call):
    return json.loads(call["data"])


# -- construction ------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "expected"), [
    ("http://127.0.0.1:8127", "http://127.0.0.1:8127"),
    ("http://127.0.0.1:8127/", "http://127.0.0.1:8127"),
    ("http://127.0.0.1:8127/v1", "http://127.0.0.1:8127"),
    ("https://api.dev.runwayml.com/v1/", "https://api.dev.runwayml.com"),
    ("  https://proxy.example/runway/v1  ", "https://proxy.example/runway"),
])
def test_base_url_with_or_without_v1(given, expected):
    """Base URLs are normalised: trailing slash, /v1 and surrounding spaces are dropped."""
    assert normalise_base_url(given) == expected


def test_configuration_from_the_environment(monkeypatch):
    """The key comes from the argument, RUNWAYML_API_SECRET or RUNWAY_TOKEN; bad config raises."""
    for name in ("RUNWAYML_API_SECRET", "RUNWAY_TOKEN", "RUNWAYML_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match="RUNWAYML_API_SECRET"):
        RunwayClient()
    monkeypatch.setenv("RUNWAY_TOKEN", "key-from-token")
    client = RunwayClient()
    assert client.api_key == "key-from-token"
    assert client.base_url == DEFAULT_BASE_URL == "https://api.dev.runwayml.com"
    monkeypatch.setenv("RUNWAYML_API_SECRET", "key-from-secret")
    monkeypatch.setenv("RUNWAYML_BASE_URL", "http://127.0.0.1:9/v1")
    client = RunwayClient()
    assert (client.api_key, client.base_url) == ("key-from-secret", "http://127.0.0.1:9")
    assert RunwayClient("explicit", base_url="http://x").api_key == "explicit"
    with pytest.raises(ConfigurationError):
        RunwayClient("   ")
    with pytest.raises(ConfigurationError):
        RunwayClient("k", max_retries=-1)


def test_context_manager_closes_only_its_own_session():
    """Leaving the with block closes a session the client made, never one it was given."""
    session = ScriptedSession()
    with RunwayClient("k", session=session) as client:
        assert isinstance(client, RunwayClient)
    assert not session.closed
    own = RunwayClient("k")
    closed = []
    own._session.close = lambda: closed.append(True)
    with own:
        pass
    assert closed == [True]


# -- field names ----------------------------------------------------------------------------

@pytest.mark.parametrize(("python", "wire"), [
    ("prompt_image", "promptImage"), ("model", "model"), ("from_", "from"),
    ("content_moderation", "contentModeration"), ("promptText", "promptText"),
    ("target_lang", "targetLang"), ("max_credits_per_generation", "maxCreditsPerGeneration"),
])
def test_keyword_names_map_mechanically(python, wire):
    """snake_case keywords map to camelCase wire names; from_ becomes from."""
    assert camel(python) == wire


def test_attribute_names_map_back():
    """camelCase wire names read back as snake_case attributes."""
    assert snake("nextCursor") == "next_cursor"
    assert snake("estimatedCost") == "estimated_cost"
    assert snake("id") == "id"


def test_two_names_for_one_field_is_an_error():
    """Giving one field under both its snake and camel name is a TypeError."""
    with pytest.raises(TypeError, match="promptText"):
        to_fields({"prompt_text": "a", "promptText": "b"})


def test_body_top_level_mapped_nested_values_sent_as_given():
    """Only top-level keywords are renamed; nested user keys are sent untouched."""
    client, session = make(CREATED)
    client.image_to_video.create(
        model="gen4_turbo", prompt_image=[{"uri": "https://e.com/a.jpg", "position": "first"}],
        content_moderation={"publicFigureThreshold": "low"}, seed=3)
    assert sent_json(session.calls[0]) == {
        "model": "gen4_turbo",
        "promptImage": [{"uri": "https://e.com/a.jpg", "position": "first"}],
        "contentModeration": {"publicFigureThreshold": "low"}, "seed": 3}
    client, session = make(CREATED)
    client.workflows.run("wf-1", node_outputs={"5f0c-node": {"my_prompt": {
        "type": "primitive", "value": "hi"}}})
    # User keys inside nested objects (node ids, output keys) are never renamed.
    assert sent_json(session.calls[0]) == {"nodeOutputs": {"5f0c-node": {"my_prompt": {
        "type": "primitive", "value": "hi"}}}}


def test_json_values_dates_and_nulls():
    """Dates and datetimes are sent in the API's formats and an explicit None as null."""
    client, session = make((200, {"models": [], "results": []}), (200, {"id": "a"}))
    client.organization.retrieve_usage(start_date=date(2026, 1, 1),
                                       before_date=datetime(2026, 1, 31, tzinfo=timezone.utc))
    assert sent_json(session.calls[0]) == {"startDate": "2026-01-01",
                                           "beforeDate": "2026-01-31T00:00:00.000Z"}
    client.avatars.update("a", start_script=None)  # an explicit None is sent as null
    assert sent_json(session.calls[1]) == {"startScript": None}


def test_query_values():
    """Query values become strings: lowercase booleans, comma lists, UTC times; None dropped."""
    stamp = datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert to_query({"limit": 5, "cursor": None, "flag": True, "ids": ["a", "b"],
                     "from": stamp}) == {
        "limit": "5", "flag": "true", "ids": "a,b", "from": "2026-01-01T10:00:00.000Z"}


def test_path_parameters_positional_or_keyword_and_quoted():
    """Path parameters may be positional or keyword and are URL-quoted; misuse is TypeError."""
    page = (200, {"data": [], "hasMore": False, "nextCursor": None})
    client, session = make((204, None), (204, None), page)
    client.tasks.delete("t-1")
    client.tasks.delete(id="a/b c")
    client.routers.list_requests("r-1", limit=3)
    assert session.calls[0]["url"] == "http://runway.test/v1/tasks/t-1"
    assert session.calls[1]["url"] == "http://runway.test/v1/tasks/a%2Fb%20c"
    assert session.calls[2]["url"] == "http://runway.test/v1/routers/r-1/requests"
    assert session.calls[2]["params"] == {"limit": "3"}
    with pytest.raises(TypeError, match="positional"):
        client.tasks.retrieve("a", "b")
    with pytest.raises(TypeError, match="'id'"):
        client.tasks.retrieve()
    with pytest.raises(TypeError, match="no fields"):
        client.tasks.delete("t-1", force=True)


def test_from_keyword_reaches_the_query_as_from():
    """from_ and snake_case list filters reach the query as from and camelCase."""
    page = (200, {"data": [], "hasMore": False, "nextCursor": None})
    client, session = make(page)
    client.organization.webapp.audit_logs.list(limit=2, from_="2026-01-01T00:00:00Z",
                                               actor_emails="a@x.io,b@x.io")
    assert session.calls[0]["params"] == {"limit": "2", "from": "2026-01-01T00:00:00Z",
                                          "actorEmails": "a@x.io,b@x.io"}


def test_raw_request_escape_hatch():
    """client.request sends any method and path and returns the parsed body."""
    client, session = make((200, {"url": "wss://x", "token": "t", "roomName": "r"}))
    out = client.request("POST", "/v1/realtime_sessions/s-1/consume", body={})
    assert out["roomName"] == "r"
    assert session.calls[0]["method"] == "POST"


# -- response objects -----------------------------------------------------------------------

def test_records_read_snake_case_and_wire_names():
    """Records read by snake_case attribute or wire key, copy out on to_dict, compare equal."""
    r = Record({"estimatedCost": {"credits": 5}, "output": [{"nodeId": "n"}], "from": 1,
                "gen4.5": {"maxDailyGenerations": 50}})
    assert r.estimated_cost.credits == 5
    assert r["estimatedCost"]["credits"] == 5
    assert r.output[0].node_id == "n"
    assert r.from_ == 1
    assert r["gen4.5"].max_daily_generations == 50
    assert "estimated_cost" in r and "estimatedCost" in r and "nope" not in r
    assert "estimated_cost" in dir(r)
    with pytest.raises(AttributeError, match="estimated_cost"):
        r.missing_field  # noqa: B018
    assert r.get("missing", 7) == 7
    copy = r.to_dict()
    copy["estimatedCost"]["credits"] = 0
    assert r.estimated_cost.credits == 5
    assert r == Record(r.to_dict()) and r == r.to_dict()


@pytest.mark.parametrize(("status", "cls", "extra"), [
    ("PENDING", PendingTask, {"estimatedCost": {"credits": 5}}),
    ("THROTTLED", ThrottledTask, {"estimatedCost": {"credits": 5}}),
    ("RUNNING", RunningTask, {"progress": 0.5, "estimatedCost": {"credits": 5}}),
    ("SUCCEEDED", SucceededTask, {"output": ["https://x/a.mp4"], "cost": {"credits": 5}}),
    ("FAILED", FailedTask, {"failure": "no", "cost": {"credits": 0}}),
    ("CANCELLED", CancelledTask, {"cost": {"credits": 0}}),
    ("SOMETHING_NEW", Task, {}),
])
def test_tasks_are_typed_by_status(status, cls, extra):
    """A task is returned as the class of its status, with terminal set; unknown status is Task."""
    body = {"id": "t-1", "status": status, "createdAt": "2026-01-01T00:00:00.000Z", **extra}
    client, _ = make((200, body))
    task = client.tasks.retrieve("t-1")
    assert type(task) is cls
    assert task.status == status
    assert task.terminal == (status in ("SUCCEEDED", "FAILED", "CANCELLED"))
    if status == "FAILED":
        assert task.failure_code is None  # optional on the wire
    if status == "PENDING":
        with pytest.raises(AttributeError):
            task.progress  # noqa: B018


def test_pages_walk_every_page_with_the_original_query():
    """Iterating a page fetches the next pages with the original query plus cursor."""
    pages = [
        (200, {"data": [{"id": "a"}, {"id": "b"}], "hasMore": True, "nextCursor": "c1"}),
        (200, {"data": [{"id": "c"}, {"id": "d"}], "hasMore": True, "nextCursor": "c2"}),
        (200, {"data": [{"id": "e"}], "hasMore": False, "nextCursor": None}),
    ]
    client, session = make(*pages)
    page = client.documents.list(limit=2, sort="createdAt")
    assert [d.id for d in page.data] == ["a", "b"]
    assert page.has_more and page.next_cursor == "c1"
    assert type(page.data[0]).__name__ == "Document"
    assert [d.id for d in page] == ["a", "b", "c", "d", "e"]
    assert [c["params"] for c in session.calls] == [
        {"limit": "2", "sort": "createdAt"},
        {"limit": "2", "sort": "createdAt", "cursor": "c1"},
        {"limit": "2", "sort": "createdAt", "cursor": "c2"},
    ]
    assert session.unused == []


def test_a_last_page_does_not_fetch_more():
    """A last page (empty cursor) has no next page and fetches nothing more."""
    client, session = make((200, {"data": [{"id": "a"}], "hasMore": False, "nextCursor": ""}))
    page = client.voices.list(limit=10)
    assert page.next_cursor is None and page.next_page() is None
    assert [v.id for v in page] == ["a"]
    assert len(session.calls) == 1


def test_no_content_answers_return_none():
    """A 204 answer makes the method return None."""
    client, _ = make((204, None))
    assert client.documents.update("d-1", name="x") is None


def test_the_client_stands_alone():
    """Importable with the emulator and Flask absent: it needs only requests."""
    import subprocess
    import sys

    code = ("import sys\n"
            "for name in ('runway_mock.app', 'flask', 'werkzeug', 'waitress', 'runwayml'):\n"
            "    sys.modules[name] = None\n"
            "import runway_mock.client as client\n"
            "import runway_mock.client.cli, runway_mock.client.testing\n"
            "assert len(client.OPERATIONS) == 66\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
