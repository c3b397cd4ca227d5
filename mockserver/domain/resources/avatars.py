"""Custom avatars (real-time characters): PROCESSING -> READY | FAILED, with voices and documents.

An avatar is READY after its reference image is "processed" (60 s of real time times
the time scale, or as a policy under the key ``avatars`` says; FAILED only by policy).
``documentIds`` must name the tenant's documents and a custom voice must be one of the
tenant's voices; a voice deleted later shows as ``{type: custom, id, deleted: true}``.
"""

from __future__ import annotations

from typing import Any

from runway_mock.clock import iso
from runway_mock.config import Runtime
from runway_mock.domain import lifecycle, pagination
from runway_mock.domain.resources import documents, voices
from runway_mock.domain.resources.common import (
    DATETIME,
    UUID,
    fail,
    find,
    media_url,
    new_id,
)
from runway_mock.errors import NotFound
from runway_mock.schema import (
    Arr,
    Bool,
    Const,
    Enum,
    Media,
    Obj,
    Str,
    Tagged,
    opt,
    req,
    tagged_obj,
)
from runway_mock.store import keys

KIND = keys.AVATAR
POLICY_ENDPOINT = "avatars"
POLICY_MODEL = "avatar"
PROCESSING_SECONDS = 60.0
# The 30 live voices of avatars and realtime sessions (SDK 5.24.0).
LIVE_VOICES = (
    "victoria", "vincent", "clara", "drew", "skye", "max", "morgan", "felix", "mia", "marcus",
    "summer", "ruby", "aurora", "jasper", "leo", "adrian", "nina", "emma", "blake", "david",
    "maya", "nathan", "sam", "georgia", "petra", "adam", "zach", "violet", "roman", "luna",
)
# Voice descriptions are the emulator's own: Runway's wording is not public.
LIVE_VOICE_TONES = ("warm", "bright", "calm", "confident", "friendly", "gentle")

VOICE = Tagged("type", {
    "runway-live-preset": tagged_obj("type", "runway-live-preset",
                                     {"presetId": req(Enum(LIVE_VOICES))}),
    "custom": tagged_obj("type", "custom", {"id": req(UUID)}),
}, doc="A live preset voice or one of your custom voices.")
NAME = Str(1, 50, doc="The character name.")
PERSONALITY = Str(1, 10_000, doc="System prompt defining how the avatar behaves.")
START_SCRIPT = Str(0, 2000, doc="What the avatar says when a session starts.")
DOCUMENT_IDS = Arr(UUID, max_items=50, doc="Knowledge documents to attach.")
IMAGE_PROCESSING = Enum(("optimize", "none"), doc="Reference image preprocessing.")

CREATE = Obj({
    "name": req(NAME), "personality": req(PERSONALITY),
    "referenceImage": req(Media(("image",))), "voice": req(VOICE),
    "documentIds": opt(DOCUMENT_IDS), "imageProcessing": opt(IMAGE_PROCESSING),
    "startScript": opt(START_SCRIPT),
}, doc="Create an avatar.")
UPDATE = Obj({
    "name": opt(NAME), "personality": opt(PERSONALITY),
    "referenceImage": opt(Media(("image",))), "voice": opt(VOICE),
    "documentIds": opt(DOCUMENT_IDS), "imageProcessing": opt(IMAGE_PROCESSING),
    "startScript": opt(Str(0, 2000, nullable=True)),
}, min_props=1, doc="Change an avatar (documentIds replaces the whole list).")

_WIRE_VOICE = Tagged("type", {
    "runway-live-preset": Obj({"type": req(Const("runway-live-preset")),
                               "presetId": req(Enum(LIVE_VOICES)), "name": req(Str()),
                               "description": req(Str())}),
    "custom": Obj({"type": req(Const("custom")), "id": req(Str()), "deleted": req(Bool()),
                   "name": opt(Str()), "description": opt(Str(nullable=True))}),
})
_COMMON = {
    "id": req(Str()), "name": req(Str()), "personality": req(Str()),
    "startScript": req(Str(nullable=True)), "voice": req(_WIRE_VOICE),
    "referenceImageUri": req(Str(nullable=True)), "processedImageUri": req(Str(nullable=True)),
    "documentIds": req(Arr(Str())), "createdAt": req(DATETIME), "updatedAt": req(DATETIME),
}
AVATAR = Tagged("status", {
    "PROCESSING": Obj({**_COMMON, "status": req(Const("PROCESSING"))}),
    "READY": Obj({**_COMMON, "status": req(Const("READY"))}),
    "FAILED": Obj({**_COMMON, "status": req(Const("FAILED")), "failureReason": req(Str())}),
}, doc="A custom avatar, by status.")


def _check_refs(rt: Runtime, tenant: str, body: dict[str, Any]) -> None:
    """documentIds must be the tenant's documents; a custom voice must be the tenant's."""
    for i, doc_id in enumerate(body.get("documentIds") or ()):
        if rt.store.get(tenant, documents.KIND, doc_id) is None:
            raise fail(("documentIds", i), f"Document {doc_id} not found.")
    voice = body.get("voice")
    if voice and voice["type"] == "custom" and \
            rt.store.get(tenant, voices.KIND, voice["id"]) is None:
        raise fail(("voice", "id"), f"Voice {voice['id']} not found.")


def _link_documents(rt: Runtime, tenant: str, avatar_id: str, old: list[str],
                    new: list[str]) -> None:
    for doc_id in set(old) - set(new):
        rt.store.set_remove(tenant, documents.users_key(doc_id), avatar_id)
    for doc_id in new:
        rt.store.set_add(tenant, documents.users_key(doc_id), avatar_id)


def _dedupe(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def create(rt: Runtime, tenant: str, *, body: dict[str, Any]) -> dict[str, Any]:
    """Start processing an avatar; returns the record."""
    _check_refs(rt, tenant, body)
    avatar_id = new_id(rt, tenant, KIND)
    now = rt.clock.now()
    doc_ids = _dedupe(list(body.get("documentIds") or ()))
    record: dict[str, Any] = {
        "id": avatar_id, "name": body["name"], "personality": body["personality"],
        "startScript": body.get("startScript") or None, "voice": body["voice"],
        "documentIds": doc_ids, "imageProcessing": body.get("imageProcessing", "optimize"),
        "imageVersion": 1, "createdAt": now, "updatedAt": now,
        **lifecycle.plan(rt, avatar_id, endpoint=POLICY_ENDPOINT, model=POLICY_MODEL,
                         seconds=PROCESSING_SECONDS),
    }
    rt.store.insert(tenant, KIND, avatar_id, record)
    _link_documents(rt, tenant, avatar_id, [], doc_ids)
    return record


def get(rt: Runtime, tenant: str, avatar_id: str) -> dict[str, Any]:
    """The avatar, or 404."""
    return find(rt, tenant, KIND, avatar_id, "Avatar")


LIFECYCLE = lifecycle.processing(KIND)


def status(rt: Runtime, tenant: str, record: dict[str, Any], *, poll: bool = True) -> str:
    """PROCESSING, READY or FAILED at the clock's now."""
    return lifecycle.observe(rt, LIFECYCLE, tenant, record, poll=poll)[1]


def update(rt: Runtime, tenant: str, avatar_id: str, *, body: dict[str, Any]
           ) -> dict[str, Any]:
    """Apply a PATCH; a new reference image is processed again. Returns the record."""
    current = get(rt, tenant, avatar_id)
    _check_refs(rt, tenant, body)
    changes = {k: v for k, v in body.items() if k != "referenceImage"}
    if "startScript" in changes:
        changes["startScript"] = changes["startScript"] or None
    if "documentIds" in changes:
        changes["documentIds"] = _dedupe(list(changes["documentIds"]))
    if "referenceImage" in body or "imageProcessing" in body:
        changes.update(lifecycle.plan(rt, avatar_id, endpoint=POLICY_ENDPOINT,
                                      model=POLICY_MODEL, seconds=PROCESSING_SECONDS))
        changes["imageVersion"] = int(current.get("imageVersion", 1)) + 1
    changes["updatedAt"] = rt.clock.now()
    stored = rt.store.update(tenant, KIND, avatar_id, changes)
    if stored is None:
        raise NotFound("Avatar not found.")
    if "documentIds" in changes:
        _link_documents(rt, tenant, avatar_id, current["documentIds"], stored["documentIds"])
    return stored


def delete(rt: Runtime, tenant: str, avatar_id: str) -> None:
    """Delete an avatar and its document links."""
    removed = rt.store.delete(tenant, KIND, avatar_id)
    if removed is None:
        get(rt, tenant, avatar_id)
        return
    _link_documents(rt, tenant, avatar_id, removed["documentIds"], [])


def voice_wire(rt: Runtime, tenant: str, voice: dict[str, Any]) -> dict[str, Any]:
    """An avatar's voice as the API shows it."""
    if voice["type"] == "runway-live-preset":
        preset = voice["presetId"]
        tone = LIVE_VOICE_TONES[LIVE_VOICES.index(preset) % len(LIVE_VOICE_TONES)]
        return {"type": "runway-live-preset", "presetId": preset, "name": preset.capitalize(),
                "description": f"A {tone} live conversational voice."}
    record = rt.store.get(tenant, voices.KIND, voice["id"])
    if record is None:
        return {"type": "custom", "id": voice["id"], "deleted": True}
    return {"type": "custom", "id": voice["id"], "deleted": False, "name": record["name"],
            "description": record.get("description")}


def image_urls(rt: Runtime, tenant: str, record: dict[str, Any], base_url: str,
               state: str) -> tuple[str, str | None]:
    """Signed links to low-resolution previews: the reference and (once READY) processed."""
    version = int(record.get("imageVersion", 1))
    seed = rt.source.integer("avatar-image", record["id"], version)
    ref = media_url(rt, base_url, tenant, name=f"avatar_{record['id']}_reference", kind="image",
                    ext="png", width=256, height=256, seed=seed, owner=(KIND, record["id"]))
    if state != "READY":
        return ref, None
    processed = media_url(rt, base_url, tenant, name=f"avatar_{record['id']}_processed",
                          kind="image", ext="png", width=256, height=256, seed=seed + 1,
                          owner=(KIND, record["id"]))
    return ref, processed


def wire(rt: Runtime, tenant: str, record: dict[str, Any], base_url: str, *,
         poll: bool = True) -> dict[str, Any]:
    """An avatar as the API shows it."""
    state = status(rt, tenant, record, poll=poll)
    ref, processed = image_urls(rt, tenant, record, base_url, state)
    out: dict[str, Any] = {
        "id": record["id"], "name": record["name"], "personality": record["personality"],
        "startScript": record.get("startScript"), "voice": voice_wire(rt, tenant,
                                                                     record["voice"]),
        "referenceImageUri": ref, "processedImageUri": processed,
        "documentIds": list(record["documentIds"]),
        "createdAt": iso(record["createdAt"]), "updatedAt": iso(record["updatedAt"]),
        "status": state,
    }
    if state == "FAILED":
        out["failureReason"] = record.get("failure") or "The avatar could not be processed."
    return out


def listing(rt: Runtime, tenant: str, query: dict[str, Any], base_url: str) -> dict[str, Any]:
    """GET /v1/avatars: newest first."""
    return pagination.page(rt, tenant, KIND, pagination.page_request(query), newest_first=True,
                           render=lambda r: wire(rt, tenant, r, base_url, poll=False))
