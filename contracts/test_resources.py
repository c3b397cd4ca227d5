"""Contracts for the resource endpoints: documents, voices, avatars, routers, sessions, ...

Every operation with a JSON body that the API documents outside the task catalog
(``strategies.resource_ops()``, read from the specs the emulator's OpenAPI document is
rendered from) is covered: a valid body drawn from its spec is accepted with the
documented status and reply keys, and each single-field violation gets a 400 in Runway's
error shape naming that field. What a body must name (the resource a PATCH changes, a
router's slug for ``configId``, documents for ``documentIds``) is created first by the
test, with the same key, and removed afterwards; router slugs are freed by deleting the
router at the end of each example, so examples never collide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import strategies as st
from runway_mock.contracts import checks, strategies
from runway_mock.contracts.session import given_contract

OPS = strategies.resource_ops()
IDS = [op.label for op in OPS]

DOCUMENT = {"name": "contract document", "content": "Facts the avatar may use."}
VOICE = {"name": "contract voice",
         "from": {"type": "text", "model": "eleven_multilingual_ttv_v2",
                  "prompt": "A calm, warm narrator with a low voice."}}
AVATAR = {"name": "contract avatar", "personality": "Friendly and brief.",
          "referenceImage": strategies.TINY_PNG,
          "voice": {"type": "runway-live-preset", "presetId": "victoria"}}


def _router(slug: str) -> dict[str, Any]:
    return {"slug": slug, "name": "contract router"}


class World:
    """What one example created first (and removes at the end), in one target and key."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.cleanup: list[Callable[[], Any]] = []

    def make(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """Create a resource that the request under test needs; removed afterwards."""
        reply = self.api.post(path, body)
        assert reply.status == 200, (
            f"setup: POST {path} gave {reply.status}: {reply.text[:300]}")
        rid = reply.body["id"]
        self.cleanup.append(lambda: self.api.delete(f"{path}/{rid}"))
        return reply.body

    def forget(self, op: strategies.ResourceOp, reply: Any) -> None:
        """Remove what a request under test created (router slugs must be freed)."""
        body = reply.body if isinstance(reply.body, dict) else {}
        if reply.status != 200 or op.method != "POST" or "id" not in body:
            return
        rid = body["id"]
        if op.path.startswith("/v1/generate/"):
            self.cleanup.insert(0, lambda: self.api.cancel(rid))
        elif op.path in ("/v1/documents", "/v1/avatars", "/v1/voices", "/v1/routers",
                         "/v1/realtime_sessions"):
            self.cleanup.insert(0, lambda: self.api.delete(f"{op.path}/{rid}"))

    def close(self) -> None:
        """Delete what was created, newest first."""
        while self.cleanup:
            self.cleanup.pop(0)()


def _prepare(world: World, op: strategies.ResourceOp) -> tuple[str, dict[str, Any]]:
    """The request path (ids filled in) and the values of the fields that name resources."""
    api, path, fill = world.api, op.path, {}
    if path == "/v1/documents/{document_id}":
        path = path.format(document_id=world.make("/v1/documents", DOCUMENT)["id"])
    elif path == "/v1/voices/{voice_id}":
        path = path.format(voice_id=world.make("/v1/voices", VOICE)["id"])
    elif path == "/v1/avatars/{avatar_id}":
        path = path.format(avatar_id=world.make("/v1/avatars", AVATAR)["id"])
    elif path == "/v1/routers/{router_id}":
        path = path.format(router_id=world.make("/v1/routers", _router("contract-patch"))["id"])
    elif path.startswith("/v1/generate/"):
        fill["configId"] = world.make("/v1/routers", _router("contract-generate"))["slug"]
    elif path == "/v1/workflows/{workflow_id}":
        listing = api.get("/v1/workflows")
        assert listing.status == 200, f"setup: GET /v1/workflows gave {listing.status}"
        versions = [v for w in listing.body["data"] for v in w["versions"]]
        if not versions:
            pytest.skip("this key has no workflows to run")
        path = path.format(workflow_id=versions[0]["id"])
    if op.path in ("/v1/avatars", "/v1/avatars/{avatar_id}"):
        fill["documentIds"] = [world.make("/v1/documents", DOCUMENT)["id"]]
    return path, fill


def _filled(body: dict[str, Any], fill: dict[str, Any]) -> dict[str, Any]:
    """``body`` with its resource-naming fields set to what the test created."""
    return {k: fill.get(k, v) for k, v in body.items()}


def _send(api: Any, op: strategies.ResourceOp, path: str, body: Any) -> Any:
    return api.request(op.method, path, body=body)


def _live_skip(api: Any) -> None:
    if api.costs_money:
        pytest.skip("live: resource contracts create avatars, voices and tasks")


@pytest.mark.parametrize("op", OPS, ids=IDS)
@given_contract(data=st.data())
def test_valid_resource_request_is_accepted(runway_api, op, data):
    """A generated valid body for each resource operation is accepted in the documented shape."""
    api = runway_api
    _live_skip(api)
    body = data.draw(strategies.resource_body(op), label="body")
    world = World(api)
    try:
        path, fill = _prepare(world, op)
        reply = _send(api, op, path, _filled(body, fill))
        if reply.status == 429:
            # The key's daily quota (sessions and generations count as tasks), not this
            # request: start the key afresh where the target can, else stop here.
            checks.check_error_shape(reply, 429)
            if not api.can("reset"):
                pytest.skip(f"the key's daily limit was reached: {reply.body['error']}")
            api.reset()
            world.cleanup.clear()  # the reset removed them
            path, fill = _prepare(world, op)
            reply = _send(api, op, path, _filled(body, fill))
        world.forget(op, reply)
        checks.check_resource_reply(reply, op.method, op.path)
    finally:
        world.close()


@pytest.mark.parametrize("op", OPS, ids=IDS)
@given_contract(data=st.data())
def test_single_field_violation_of_a_resource_is_rejected(runway_api, op, data):
    """A resource body with one field broken is a 400 naming that field."""
    api = runway_api
    _live_skip(api)
    valid = data.draw(strategies.resource_body(op), label="body")
    world = World(api)
    try:
        path, fill = _prepare(world, op)
        valid = _filled(valid, fill)
        broken = data.draw(strategies.resource_mutation(op, valid), label="mutation")
        reply = _send(api, op, path, broken.body)
        world.forget(op, reply)  # accepted by mistake: clean up before failing
        checks.check_rejected_naming(reply, broken.path)
    finally:
        world.close()
