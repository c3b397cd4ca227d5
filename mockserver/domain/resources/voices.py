"""Custom voices: designed from a text prompt or cloned from audio; PROCESSING -> READY | FAILED.

A voice is READY after a short processing time (30 s of real time times the time scale,
or as a policy under the key ``voices`` says) with a ``previewUrl``: a signed emulator
link to a deterministic MP3. ``FAILED`` happens only when a policy says so.
``POST /v1/voices/preview`` answers at once with a signed preview link.
"""

from __future__ import annotations

from typing import Any

from runway_mock.clock import iso
from runway_mock.config import Runtime
from runway_mock.domain import lifecycle, pagination
from runway_mock.domain.resources.common import (
    DATETIME,
    find,
    media_url,
    new_id,
)
from runway_mock.schema import Const, Enum, Media, Num, Obj, Str, Tagged, opt, req, tagged_obj
from runway_mock.store import keys

KIND = keys.VOICE
POLICY_ENDPOINT = "voices"
POLICY_MODEL = "voice_processing"
PROCESSING_SECONDS = 30.0
DESIGN_MODELS = ("eleven_ttv_v3", "eleven_multilingual_ttv_v2")
PROMPT = Str(20, 1000, doc="A text description of the desired voice.")
NAME = Str(1, 100, doc="A name for the voice.")
DESCRIPTION = Str(1, 1024, nullable=True, doc="An optional description of the voice.")

FROM = Tagged("type", {
    "text": tagged_obj("type", "text", {
        "prompt": req(PROMPT),
        "model": req(Enum(DESIGN_MODELS, doc="The voice design model.")),
    }),
    "audio": tagged_obj("type", "audio", {
        "audio": req(Media(("audio",), doc="A 10 s to 5 min recording to clone.")),
    }),
}, doc="Where the voice comes from.")
CREATE = Obj({"name": req(NAME), "description": opt(DESCRIPTION), "from": req(FROM)},
             doc="Create a custom voice.")
UPDATE = Obj({"name": opt(NAME), "description": opt(DESCRIPTION)}, doc="Rename a voice.")
PREVIEW = Obj({"prompt": req(PROMPT), "model": req(Enum(DESIGN_MODELS))},
              doc="Preview a designed voice.")
PREVIEWED = Obj({"url": req(Str(doc="A signed MP3 link (expires).")),
                 "durationSecs": req(Num())})
CREATED = Obj({"id": req(Str())})
_COMMON = {"id": req(Str()), "name": req(Str()), "description": req(Str(nullable=True)),
           "createdAt": req(DATETIME)}
VOICE = Tagged("status", {
    "PROCESSING": Obj({**_COMMON, "status": req(Const("PROCESSING"))}),
    "READY": Obj({**_COMMON, "status": req(Const("READY")),
                  "previewUrl": req(Str(nullable=True))}),
    "FAILED": Obj({**_COMMON, "status": req(Const("FAILED")), "failureReason": req(Str())}),
}, doc="A custom voice, by status.")


def create(rt: Runtime, tenant: str, *, body: dict[str, Any]) -> dict[str, Any]:
    """Start processing a voice; returns the record."""
    voice_id = new_id(rt, tenant, KIND)
    source = body["from"]
    record: dict[str, Any] = {
        "id": voice_id, "name": body["name"], "description": body.get("description"),
        "source": {k: v for k, v in source.items() if k != "audio"} | (
            {"audio": source["audio"][:512]} if "audio" in source else {}),
        "createdAt": rt.clock.now(),
        **lifecycle.plan(rt, voice_id, endpoint=POLICY_ENDPOINT, model=POLICY_MODEL,
                         seconds=PROCESSING_SECONDS),
    }
    rt.store.insert(tenant, KIND, voice_id, record)
    return record


def get(rt: Runtime, tenant: str, voice_id: str) -> dict[str, Any]:
    """The voice, or 404."""
    return find(rt, tenant, KIND, voice_id, "Voice")


LIFECYCLE = lifecycle.processing(KIND)


def status(rt: Runtime, tenant: str, record: dict[str, Any], *, poll: bool = True) -> str:
    """PROCESSING, READY or FAILED at the clock's now."""
    return lifecycle.observe(rt, LIFECYCLE, tenant, record, poll=poll)[1]


def update(rt: Runtime, tenant: str, voice_id: str, *, changes: dict[str, Any]
           ) -> dict[str, Any]:
    """Rename or re-describe a voice; returns the record."""
    get(rt, tenant, voice_id)
    stored = rt.store.update(tenant, KIND, voice_id, changes) if changes else None
    return stored or get(rt, tenant, voice_id)


def delete(rt: Runtime, tenant: str, voice_id: str) -> None:
    """Delete a voice (avatars that use it then show it as deleted)."""
    if rt.store.delete(tenant, KIND, voice_id) is None:
        get(rt, tenant, voice_id)


def _seconds(text: str) -> float:
    """A preview length that grows with the prompt: 4-12 s."""
    return round(min(12.0, 4.0 + len(text) / 125), 1)


def wire(rt: Runtime, tenant: str, record: dict[str, Any], base_url: str, *,
         poll: bool = True) -> dict[str, Any]:
    """A voice as the API shows it."""
    state = status(rt, tenant, record, poll=poll)
    out: dict[str, Any] = {"id": record["id"], "name": record["name"],
                           "description": record.get("description"),
                           "createdAt": iso(record["createdAt"]), "status": state}
    if state == "READY":
        seconds = _seconds(str(record["source"].get("prompt", "")) or "x" * 250)
        out["previewUrl"] = media_url(
            rt, base_url, tenant, name=f"voice_{record['id']}", kind="audio", ext="mp3",
            seconds=seconds, seed=rt.source.integer("voice", record["id"]),
            owner=(KIND, record["id"]))
    elif state == "FAILED":
        out["failureReason"] = record.get("failure") or "The voice could not be processed."
    return out


def listing(rt: Runtime, tenant: str, query: dict[str, Any], base_url: str) -> dict[str, Any]:
    """GET /v1/voices: newest first."""
    return pagination.page(rt, tenant, KIND, pagination.page_request(query), newest_first=True,
                           render=lambda r: wire(rt, tenant, r, base_url, poll=False))


def preview(rt: Runtime, tenant: str, *, prompt: str, model: str, base_url: str
            ) -> dict[str, Any]:
    """POST /v1/voices/preview: a signed link to a short sample, synchronously."""
    n = rt.store.next_seq(tenant, keys.VOICE_PREVIEW_SEQ)
    seconds = _seconds(prompt)
    url = media_url(rt, base_url, tenant, name=f"preview_{rt.source.uuid('preview', tenant, n)}",
                    kind="audio", ext="mp3", seconds=seconds,
                    seed=rt.source.integer("preview", tenant, n, model), ttl=24 * 3600.0)
    return {"url": url, "durationSecs": seconds}
