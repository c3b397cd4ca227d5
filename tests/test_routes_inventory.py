"""The emulator serves exactly the 66 operations of the SDK 5.24.0 inventory (50 paths)."""

from __future__ import annotations

import re
import subprocess
import sys

from runway_mock import create_app
from runway_mock.http.routes import api_operations

# runway-api.md section (b), endpoint inventory; path parameters normalised to {}.
INVENTORY = """
GET /v1/tasks/{} | DELETE /v1/tasks/{} | POST /v1/uploads | POST /v1/image_to_video
POST /v1/text_to_video | POST /v1/video_to_video | POST /v1/text_to_image
POST /v1/character_performance | POST /v1/text_to_speech | POST /v1/sound_effect
POST /v1/voice_isolation | POST /v1/voice_dubbing | POST /v1/speech_to_speech
POST /v1/image_upscale | POST /v1/video_upscale | POST /v1/video_to_hdr
POST /v1/video_to_audio | POST /v1/generate/video | POST /v1/generate/image
POST /v1/generate/audio | GET /v1/routers | POST /v1/routers | GET /v1/routers/{}
PATCH /v1/routers/{} | DELETE /v1/routers/{} | GET /v1/routers/{}/requests
GET /v1/organization | POST /v1/organization/usage | GET /v1/organization/webapp/usage
GET /v1/organization/webapp/audit_logs | GET /v1/organization/webapp/audit_logs/{}
GET /v1/avatars | POST /v1/avatars | GET /v1/avatars/{} | PATCH /v1/avatars/{}
DELETE /v1/avatars/{} | GET /v1/avatar_usage | GET /v1/avatar_conversations
GET /v1/avatar_conversations/{} | DELETE /v1/avatar_conversations/{}
POST /v1/avatar_videos | GET /v1/documents | POST /v1/documents | GET /v1/documents/{}
PATCH /v1/documents/{} | DELETE /v1/documents/{} | POST /v1/realtime_sessions
GET /v1/realtime_sessions/{} | DELETE /v1/realtime_sessions/{}
POST /v1/recipes/ad_localization | POST /v1/recipes/marketing_stock_image
POST /v1/recipes/multi_shot_video | POST /v1/recipes/product_ad
POST /v1/recipes/product_campaign_image | POST /v1/recipes/product_swap
POST /v1/recipes/product_ugc | GET /v1/voices | POST /v1/voices | GET /v1/voices/{}
PATCH /v1/voices/{} | DELETE /v1/voices/{} | POST /v1/voices/preview | GET /v1/workflows
GET /v1/workflows/{} | POST /v1/workflows/{} | GET /v1/workflow_invocations/{}
"""
# Served beyond the SDKs: the realtime session handshake Runway's own examples use.
EXTRA = {("POST", "/v1/realtime_sessions/{}/consume")}


def inventory() -> set[tuple[str, str]]:
    ops = set()
    for item in INVENTORY.replace("\n", " | ").split("|"):
        if item.strip():
            method, path = item.split()
            ops.add((method, path))
    return ops


def normalise(ops) -> set[tuple[str, str]]:
    return {(m, re.sub(r"\{[^}]*\}", "{}", p)) for m, p in ops}


def test_inventory_has_66_operations_on_50_paths():
    ops = inventory()
    assert len(ops) == 66
    assert len({p for _, p in ops}) == 50


def test_app_serves_exactly_the_inventory():
    """The app serves exactly the inventory's operations, besides the listed extras."""
    served = normalise(api_operations(create_app()))
    assert served - EXTRA == inventory(), {
        "missing": sorted(inventory() - served), "unexpected": sorted(served - inventory() - EXTRA)}


def test_routes_command_prints_the_same_set():
    """runway-mock routes prints exactly the inventory's operations."""
    out = subprocess.run([sys.executable, "-m", "runway_mock", "routes"], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    printed = normalise(tuple(line.split()) for line in out.splitlines() if line.strip())
    assert printed - EXTRA == inventory()
