"""Checks that ids a task request names (custom avatars and voices, draft tasks) exist.

The schema only sees the shape of an id; these look it up in the caller's own store,
so another tenant's id or a deleted one gets a 400 naming the field, as for realtime
sessions and avatars.
"""

from __future__ import annotations

from typing import Any

from runway_mock.config import Runtime
from runway_mock.domain import tasks
from runway_mock.domain.resources import avatars, voices
from runway_mock.errors import NotFound
from runway_mock.schema import Issue, issue


def _avatar_video_refs(rt: Runtime, tenant: str, body: dict[str, Any]) -> list[Issue]:
    out = []
    avatar = body.get("avatar") or {}
    if avatar.get("type") == "custom":
        record = rt.store.get(tenant, avatars.KIND, avatar["avatarId"])
        if record is None:
            out.append(issue("custom", ("avatar", "avatarId"),
                             f"Avatar {avatar['avatarId']} not found."))
    voice = (body.get("speech") or {}).get("voice") or {}
    if voice.get("type") == "custom" and rt.store.get(tenant, voices.KIND, voice["id"]) is None:
        out.append(issue("custom", ("speech", "voice", "id"), f"Voice {voice['id']} not found."))
    return out


def _draft_ref(rt: Runtime, tenant: str, body: dict[str, Any]) -> list[Issue]:
    draft_id = body.get("draftTaskId")
    if draft_id is None:
        return []
    path = ("draftTaskId",)
    try:
        task, status, _ = tasks.observe(rt, tenant, draft_id, poll=False)
    except NotFound:
        return [issue("custom", path, f"Task {draft_id} not found.")]
    if task.get("model") != "seedance2_5" or not task.get("input", {}).get("draft"):
        return [issue("custom", path, "draftTaskId must name a seedance2_5 draft task.")]
    if status != "SUCCEEDED":
        return [issue("custom", path, f"The draft task has not succeeded (it is {status}).")]
    if rt.clock.now() - float(task["createdAt"]) > 7 * 86400:
        return [issue("custom", path, "Drafts can be enhanced within 7 days of creation.")]
    return []


# endpoint -> its checks (``domain.wiring.install`` puts them on the runtime).
CHECKS = {"avatar_videos": (_avatar_video_refs,), "text_to_video": (_draft_ref,)}
