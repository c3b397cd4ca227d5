"""CRUD, status codes, tenant isolation and pagination of documents, voices, avatars, routers."""

from __future__ import annotations

import pytest
from runway_mock.testing import runtime_of

from tests.conftest import OTHER_KEY, auth

AVATAR = {"name": "Ava", "personality": "Friendly.", "referenceImage": "https://example.com/a.png",
          "voice": {"type": "runway-live-preset", "presetId": "victoria"}}
VOICE = {"name": "Narrator", "from": {"type": "text", "model": "eleven_ttv_v3",
                                      "prompt": "A warm, slow narrator voice."}}
MISSING = "00000000-0000-4000-8000-000000000000"


def post(client, path: str, body: dict, key: str | None = None):
    return client.post(path, json=body, headers=auth(key) if key else auth())


def make(client, kind: str, n: int, key: str | None = None) -> list[str]:
    """Create ``n`` resources of ``kind``; their ids in creation order."""
    ids = []
    for i in range(n):
        body = {"documents": {"name": f"d{i}", "content": f"c{i}"}, "voices": VOICE,
                "avatars": AVATAR, "routers": {"slug": f"r{i}"}}[kind]
        resp = post(client, f"/v1/{kind}", body, key)
        assert resp.status_code == 200, resp.get_json()
        ids.append(resp.get_json()["id"])
    return ids


def walk(client, path: str, limit: int, extra: str = "") -> list[str]:
    """Every id of a list endpoint, page by page."""
    seen, cursor = [], None
    for _ in range(100):
        query = f"?limit={limit}{extra}" + (f"&cursor={cursor}" if cursor else "")
        resp = client.get(path + query, headers=auth())
        assert resp.status_code == 200, resp.get_json()
        page = resp.get_json()
        assert set(page) == {"data", "hasMore", "nextCursor"}
        assert len(page["data"]) <= limit
        seen += [item["id"] for item in page["data"]]
        assert page["hasMore"] == (page["nextCursor"] is not None)
        if not page["hasMore"]:
            return seen
        cursor = page["nextCursor"]
    raise AssertionError("pagination did not end")


# ---------------------------------------------------------------------------
# Pagination


@pytest.mark.parametrize("kind", ["documents", "voices", "avatars", "routers"])
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_pages_walk_the_whole_list_in_a_stable_order(client, kind, limit) -> None:
    """Walking any list page by page at any limit yields the full list once, in one stable order."""
    ids = make(client, kind, 7)
    full = client.get(f"/v1/{kind}?limit=100", headers=auth()).get_json()
    assert full["hasMore"] is False and full["nextCursor"] is None
    everything = [item["id"] for item in full["data"]]
    assert sorted(everything) == sorted(ids)
    assert walk(client, f"/v1/{kind}", limit) == everything


def test_default_limit_is_50(client) -> None:
    make(client, "documents", 52)
    page = client.get("/v1/documents", headers=auth()).get_json()
    assert len(page["data"]) == 50 and page["hasMore"] is True


@pytest.mark.parametrize("value", ["0", "101", "abc", "1.5", "-3", ""])
def test_bad_limit_is_400_naming_limit(client, value) -> None:
    """Out-of-range or non-integer limit values are a 400 whose issue path is ["limit"]."""
    resp = client.get(f"/v1/avatars?limit={value}", headers=auth())
    assert resp.status_code == 400
    assert resp.get_json()["issues"][0]["path"] == ["limit"]


@pytest.mark.parametrize("cursor", ["garbage", "a.b", "eyJzIjoiZG9jdW1lbnQifQ.AAAA", "x" * 1001])
def test_bad_cursor_is_400_naming_cursor(client, cursor) -> None:
    """Garbage, forged or oversized cursors are a 400 whose issue path is ["cursor"]."""
    resp = client.get(f"/v1/documents?limit=1&cursor={cursor}", headers=auth())
    assert resp.status_code == 400
    assert resp.get_json()["issues"][0]["path"] == ["cursor"]


def test_cursor_of_another_list_or_order_is_refused(client) -> None:
    """A cursor from another resource list, or from the other sort order, is a 400."""
    make(client, "documents", 3)
    make(client, "voices", 3)
    cursor = client.get("/v1/voices?limit=1", headers=auth()).get_json()["nextCursor"]
    resp = client.get(f"/v1/documents?limit=1&cursor={cursor}", headers=auth())
    assert resp.status_code == 400 and resp.get_json()["issues"][0]["path"] == ["cursor"]
    asc = client.get("/v1/documents?limit=1&order=asc", headers=auth()).get_json()["nextCursor"]
    resp = client.get(f"/v1/documents?limit=1&order=desc&cursor={asc}", headers=auth())
    assert resp.status_code == 400


def test_unknown_query_parameters_are_ignored(client) -> None:
    """An unknown query parameter on a list is ignored, not a 400."""
    make(client, "routers", 2)
    resp = client.get("/v1/routers?limit=1&whatever=1", headers=auth())
    assert resp.status_code == 200 and len(resp.get_json()["data"]) == 1


def test_deleting_during_a_walk_neither_repeats_nor_fails(client) -> None:
    """Deleting an item mid-walk leaves the cursor valid and skips only the deleted item."""
    ids = make(client, "documents", 5)
    first = client.get("/v1/documents?limit=2&order=asc", headers=auth()).get_json()
    client.delete(f"/v1/documents/{ids[2]}", headers=auth())
    rest = client.get(f"/v1/documents?limit=10&order=asc&cursor={first['nextCursor']}",
                      headers=auth()).get_json()
    assert [d["id"] for d in first["data"]] + [d["id"] for d in rest["data"]] == \
        [ids[0], ids[1], ids[3], ids[4]]


# ---------------------------------------------------------------------------
# Documents


def test_document_lifecycle_and_status_codes(client) -> None:
    """Documents create 200, list without content, patch 204, delete 204, then 404 everywhere."""
    resp = post(client, "/v1/documents", {"name": "Guide", "content": "# Hello"})
    assert resp.status_code == 200
    doc = resp.get_json()
    assert doc["type"] == "text" and doc["content"] == "# Hello" and doc["usedBy"] == []
    listed = client.get("/v1/documents?limit=5", headers=auth()).get_json()["data"][0]
    assert "content" not in listed and listed["id"] == doc["id"]
    patch = client.patch(f"/v1/documents/{doc['id']}", json={"name": "Guide 2"}, headers=auth())
    assert patch.status_code == 204 and patch.data == b""
    got = client.get(f"/v1/documents/{doc['id']}", headers=auth()).get_json()
    assert got["name"] == "Guide 2" and got["content"] == "# Hello"
    assert client.delete(f"/v1/documents/{doc['id']}", headers=auth()).status_code == 204
    gone = client.get(f"/v1/documents/{doc['id']}", headers=auth())
    assert gone.status_code == 404 and set(gone.get_json()) == {"error", "docUrl"}
    assert client.delete(f"/v1/documents/{doc['id']}", headers=auth()).status_code == 404
    assert client.patch(f"/v1/documents/{doc['id']}", json={"name": "x"},
                        headers=auth()).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "", "content": "x"}, "name"),
    ({"name": "n", "content": ""}, "content"),
    ({"name": "n" * 256, "content": "x"}, "name"),
    ({"name": "n"}, "content"),
    ({"name": "n", "content": "x", "kind": "file"}, "kind"),
])
def test_document_create_validation(client, body, field) -> None:
    """Empty, overlong, missing or unknown document fields are a 400 naming the field."""
    resp = post(client, "/v1/documents", body)
    assert resp.status_code == 400 and resp.get_json()["issues"][0]["path"] == [field]


def test_document_patch_needs_a_field(client) -> None:
    """Patching a document with an empty body is a 400."""
    doc = make(client, "documents", 1)[0]
    resp = client.patch(f"/v1/documents/{doc}", json={}, headers=auth())
    assert resp.status_code == 400


def test_documents_sort_by_updated_at(client, clock) -> None:
    """Documents sort by updatedAt or createdAt in either order; another sort key is a 400."""
    ids = make(client, "documents", 3)
    clock.advance(10)
    client.patch(f"/v1/documents/{ids[0]}", json={"content": "new"}, headers=auth())
    newest = client.get("/v1/documents?limit=3&sort=updatedAt&order=desc",
                        headers=auth()).get_json()["data"]
    assert [d["id"] for d in newest] == [ids[0], ids[2], ids[1]]
    created = client.get("/v1/documents?limit=3&sort=createdAt&order=asc",
                         headers=auth()).get_json()["data"]
    assert [d["id"] for d in created] == ids
    assert walk(client, "/v1/documents", 1, "&sort=updatedAt&order=asc") == \
        [ids[1], ids[2], ids[0]]
    bad = client.get("/v1/documents?sort=name", headers=auth())
    assert bad.status_code == 400 and bad.get_json()["issues"][0]["path"] == ["sort"]


# ---------------------------------------------------------------------------
# Voices


def test_voice_processing_then_ready_with_downloadable_preview(client, clock) -> None:
    """A voice is PROCESSING then READY with a real MP3 preview; patch, delete, preview 404s."""
    resp = post(client, "/v1/voices", VOICE)
    assert resp.status_code == 200 and set(resp.get_json()) == {"id"}
    voice_id = resp.get_json()["id"]
    first = client.get(f"/v1/voices/{voice_id}", headers=auth()).get_json()
    assert first["status"] == "PROCESSING" and "previewUrl" not in first
    clock.advance(60)
    ready = client.get(f"/v1/voices/{voice_id}", headers=auth()).get_json()
    assert ready["status"] == "READY" and ready["previewUrl"]
    audio = client.get(ready["previewUrl"].removeprefix("http://localhost"))
    assert audio.status_code == 200 and audio.content_type == "audio/mpeg"
    renamed = client.patch(f"/v1/voices/{voice_id}", json={"description": "Slow"},
                           headers=auth())
    assert renamed.status_code == 200 and renamed.get_json()["description"] == "Slow"
    assert client.delete(f"/v1/voices/{voice_id}", headers=auth()).status_code == 204
    assert client.get(f"/v1/voices/{voice_id}", headers=auth()).status_code == 404
    assert client.get(ready["previewUrl"].removeprefix("http://localhost")).status_code == 404


def test_voice_fails_by_policy(client, clock) -> None:
    """A voices policy with a FAILED outcome makes a new voice FAILED with a reason."""
    client.post("/_mock/policies", json={"key": "voices", "outcome": {
        "status": "FAILED", "failureCode": "ASSET.INVALID"}})
    voice_id = post(client, "/v1/voices", VOICE).get_json()["id"]
    clock.advance(60)
    failed = client.get(f"/v1/voices/{voice_id}", headers=auth()).get_json()
    assert failed["status"] == "FAILED" and failed["failureReason"]


@pytest.mark.parametrize(("body", "path"), [
    ({"name": "V", "from": {"type": "text", "model": "eleven_ttv_v3", "prompt": "short"}},
     ["from", "prompt"]),
    ({"name": "V", "from": {"type": "text", "model": "other", "prompt": "x" * 30}},
     ["from", "model"]),
    ({"name": "V", "from": {"type": "audio", "audio": "http://example.com/a.mp3"}},
     ["from", "audio"]),
    ({"name": "V", "from": {"type": "clone"}}, ["from", "type"]),
    ({"from": {"type": "audio", "audio": "https://example.com/a.mp3"}}, ["name"]),
])
def test_voice_validation(client, body, path) -> None:
    """Bad voice sources (short prompt, bad model, http audio, unknown type, no name) are 400s."""
    resp = post(client, "/v1/voices", body)
    assert resp.status_code == 400 and resp.get_json()["issues"][0]["path"] == path


def test_voice_preview_is_synchronous(client) -> None:
    """Voice preview answers at once with a downloadable clip; a missing prompt is a 400."""
    resp = post(client, "/v1/voices/preview", {"model": "eleven_ttv_v3",
                                                "prompt": "An energetic sports announcer."})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["durationSecs"] > 0
    assert client.get(body["url"].removeprefix("http://localhost")).status_code == 200
    assert post(client, "/v1/voices/preview", {"model": "eleven_ttv_v3"}).status_code == 400


# ---------------------------------------------------------------------------
# Avatars


def test_avatar_processing_ready_and_patch(client, clock) -> None:
    """Avatars go PROCESSING to READY; a new reference image reprocesses; empty patch 400s."""
    avatar = post(client, "/v1/avatars", AVATAR).get_json()
    assert avatar["status"] == "PROCESSING" and avatar["processedImageUri"] is None
    assert avatar["voice"] == {"type": "runway-live-preset", "presetId": "victoria",
                               "name": "Victoria", "description": avatar["voice"]["description"]}
    clock.advance(10)
    ready = client.get(f"/v1/avatars/{avatar['id']}", headers=auth()).get_json()
    assert ready["status"] == "READY" and ready["processedImageUri"]
    patched = client.patch(f"/v1/avatars/{avatar['id']}", json={"personality": "Grumpy."},
                           headers=auth())
    assert patched.status_code == 200 and patched.get_json()["personality"] == "Grumpy."
    assert patched.get_json()["status"] == "READY"
    reimaged = client.patch(f"/v1/avatars/{avatar['id']}",
                            json={"referenceImage": "https://example.com/b.png"},
                            headers=auth()).get_json()
    assert reimaged["status"] == "PROCESSING"
    assert client.patch(f"/v1/avatars/{avatar['id']}", json={},
                        headers=auth()).status_code == 400
    assert client.delete(f"/v1/avatars/{avatar['id']}", headers=auth()).status_code == 204
    assert client.get(f"/v1/avatars/{avatar['id']}", headers=auth()).status_code == 404


def test_avatar_fails_by_policy(client, clock) -> None:
    """An avatars policy with a FAILED outcome makes a new avatar FAILED with a reason."""
    client.post("/_mock/policies", json={"key": "avatars", "outcome": {"status": "FAILED"}})
    avatar = post(client, "/v1/avatars", AVATAR).get_json()
    clock.advance(10)
    got = client.get(f"/v1/avatars/{avatar['id']}", headers=auth()).get_json()
    assert got["status"] == "FAILED" and got["failureReason"]


def test_avatar_documents_must_exist_and_track_usage(client) -> None:
    """Avatar documentIds must exist; documents list their avatars in usedBy, kept in step."""
    docs = make(client, "documents", 2)
    bad = post(client, "/v1/avatars", {**AVATAR, "documentIds": [docs[0], MISSING]})
    assert bad.status_code == 400 and bad.get_json()["issues"][0]["path"] == ["documentIds", 1]
    avatar = post(client, "/v1/avatars", {**AVATAR, "documentIds": docs}).get_json()
    used = client.get(f"/v1/documents/{docs[0]}", headers=auth()).get_json()["usedBy"]
    assert used == [{"id": avatar["id"], "name": "Ava", "imageUrl": None}]
    client.patch(f"/v1/avatars/{avatar['id']}", json={"documentIds": [docs[1]]}, headers=auth())
    assert client.get(f"/v1/documents/{docs[0]}", headers=auth()).get_json()["usedBy"] == []
    client.delete(f"/v1/documents/{docs[1]}", headers=auth())
    after = client.get(f"/v1/avatars/{avatar['id']}", headers=auth()).get_json()
    assert after["documentIds"] == []


def test_avatar_custom_voice_must_exist(client) -> None:
    """A custom avatar voice must exist; once deleted the avatar shows it as deleted."""
    bad = post(client, "/v1/avatars", {**AVATAR, "voice": {"type": "custom", "id": MISSING}})
    assert bad.status_code == 400 and bad.get_json()["issues"][0]["path"] == ["voice", "id"]
    voice_id = make(client, "voices", 1)[0]
    avatar = post(client, "/v1/avatars", {**AVATAR, "voice": {"type": "custom",
                                                              "id": voice_id}}).get_json()
    assert avatar["voice"] == {"type": "custom", "id": voice_id, "deleted": False,
                               "name": "Narrator", "description": None}
    client.delete(f"/v1/voices/{voice_id}", headers=auth())
    got = client.get(f"/v1/avatars/{avatar['id']}", headers=auth()).get_json()
    assert got["voice"] == {"type": "custom", "id": voice_id, "deleted": True}


@pytest.mark.parametrize(("change", "path"), [
    ({"name": ""}, ["name"]), ({"name": "n" * 51}, ["name"]),
    ({"voice": {"type": "runway-live-preset", "presetId": "Maya"}}, ["voice", "presetId"]),
    ({"referenceImage": "data:audio/mp3;base64,AAAA"}, ["referenceImage"]),
    ({"imageProcessing": "auto"}, ["imageProcessing"]),
    ({"documentIds": ["not-a-uuid"]}, ["documentIds", 0]),
])
def test_avatar_validation(client, change, path) -> None:
    """Bad avatar name, preset, reference image, imageProcessing or document id is a 400."""
    resp = post(client, "/v1/avatars", {**AVATAR, **change})
    assert resp.status_code == 400 and resp.get_json()["issues"][0]["path"] == path


# ---------------------------------------------------------------------------
# Routers


def test_router_crud_version_and_merge(client) -> None:
    """Router patches merge settings and bump version only on real change; delete frees the slug."""
    resp = post(client, "/v1/routers", {"slug": "prod-video", "settings": {
        "optimizeFor": "quality", "maxCreditsPerGeneration": {"video": 100, "image": 10},
        "models": {"mode": "allowlist_only", "ids": ["gen4.5", "veo3.1"]}}})
    assert resp.status_code == 200
    router = resp.get_json()
    assert router["name"] == "prod-video" and router["version"] == 1
    assert router["settings"]["schemaVersion"] == 1 and router["description"] is None
    rid = router["id"]
    renamed = client.patch(f"/v1/routers/{rid}", json={"name": "Prod"}, headers=auth())
    assert renamed.get_json()["version"] == 1 and renamed.get_json()["name"] == "Prod"
    same = client.patch(f"/v1/routers/{rid}", json={"settings": {"optimizeFor": "quality"}},
                        headers=auth()).get_json()
    assert same["version"] == 1
    merged = client.patch(f"/v1/routers/{rid}", headers=auth(), json={"settings": {
        "maxCreditsPerGeneration": {"image": None}, "models": {"ids": ["gen4.5"]}}}).get_json()
    assert merged["version"] == 2
    assert merged["settings"]["maxCreditsPerGeneration"] == {"video": 100}
    assert merged["settings"]["models"] == {"mode": "allowlist_only", "ids": ["gen4.5"]}
    assert merged["settings"]["optimizeFor"] == "quality"
    cleared = client.patch(f"/v1/routers/{rid}", headers=auth(), json={
        "settings": {"maxCreditsPerGeneration": None}, "description": "x"}).get_json()
    assert "maxCreditsPerGeneration" not in cleared["settings"] and cleared["version"] == 3
    assert client.delete(f"/v1/routers/{rid}", headers=auth()).status_code == 204
    assert client.get(f"/v1/routers/{rid}", headers=auth()).status_code == 404
    assert client.get(f"/v1/routers/{rid}/requests", headers=auth()).status_code == 404
    again = post(client, "/v1/routers", {"slug": "prod-video"})
    assert again.status_code == 200


def test_router_slug_rules_and_uniqueness(client) -> None:
    """Router slugs are validated and unique per tenant (409); model ids and caps are checked."""
    assert post(client, "/v1/routers", {"slug": "a"}).status_code == 200
    dup = post(client, "/v1/routers", {"slug": "a"})
    assert dup.status_code == 409 and dup.headers["x-should-retry"] == "false"
    assert post(client, "/v1/routers", {"slug": "a"}, key=OTHER_KEY).status_code == 200
    for slug in ("A", "1abc", "a b", "a" * 65, ""):
        resp = post(client, "/v1/routers", {"slug": slug})
        assert resp.status_code == 400 and resp.get_json()["issues"][0]["path"] == ["slug"]
    bad = post(client, "/v1/routers", {"slug": "z", "settings": {
        "models": {"mode": "allowlist_only", "ids": ["gen4.5", "no_such_model"]}}})
    assert bad.status_code == 400
    assert bad.get_json()["issues"][0]["path"] == ["settings", "models", "ids", 1]
    cap = post(client, "/v1/routers", {"slug": "z", "settings": {
        "maxCreditsPerGeneration": {"video": 0}}})
    assert cap.status_code == 400


# ---------------------------------------------------------------------------
# Isolation


@pytest.mark.parametrize("kind", ["documents", "voices", "avatars", "routers"])
def test_other_tenants_ids_are_404_and_lists_are_separate(client, kind) -> None:
    """Another tenant's resource ids are 404 on GET and DELETE and never appear in its lists."""
    mine = make(client, kind, 2)
    theirs = make(client, kind, 1, key=OTHER_KEY)
    for rid in mine:
        assert client.get(f"/v1/{kind}/{rid}", headers=auth(OTHER_KEY)).status_code == 404
        assert client.delete(f"/v1/{kind}/{rid}", headers=auth(OTHER_KEY)).status_code == 404
    listed = client.get(f"/v1/{kind}?limit=100", headers=auth(OTHER_KEY)).get_json()["data"]
    assert [item["id"] for item in listed] == theirs
    assert all(client.get(f"/v1/{kind}/{rid}", headers=auth()).status_code == 200
               for rid in mine)


def test_ids_are_seeded(app, client) -> None:
    """After a store reset the same seed gives the same resource id again."""
    first = make(client, "documents", 1)[0]
    runtime_of(app).store.reset()
    assert make(client, "documents", 1)[0] == first
