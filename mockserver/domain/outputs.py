"""Task outputs: signed, expiring URLs served by the emulator itself.

An output URL carries an HS256 JWT (as Runway's CDN links do) whose payload names the
tenant's key hash, the task, the artifact index and an expiry in emulator time. The
URL is minted at each read, so reading the task again gives fresh links.
"""

from __future__ import annotations

import base64
import hmac
import json
from typing import Any

from runway_mock.config import Runtime
from runway_mock.errors import ApiError

PREFIX = "/_artifacts"


class LinkExpired(ApiError):
    """403: the signed link is past its expiry."""

    status = 403


class LinkInvalid(ApiError):
    """403: the signed link's signature does not verify."""

    status = 403


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_HEADER = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())


def make_jwt(rt: Runtime, payload: dict[str, Any]) -> str:
    """An HS256 JWT over ``payload`` signed with the emulator's secret."""
    header = _HEADER
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    sig = _b64(rt.sign(f"{header}.{body}".encode()))
    return f"{header}.{body}.{sig}"


def read_jwt(rt: Runtime, token: str) -> dict[str, Any]:
    """The payload of a JWT this emulator signed, checking signature and expiry."""
    try:
        header, body, sig = token.split(".")
        ok = hmac.compare_digest(_unb64(sig), rt.sign(f"{header}.{body}".encode()))
        payload = json.loads(_unb64(body))
    except (ValueError, json.JSONDecodeError) as exc:
        raise LinkInvalid("The link is malformed.") from exc
    if not ok or not isinstance(payload, dict):
        raise LinkInvalid("The link's signature is invalid.")
    if float(payload.get("exp", 0)) <= rt.clock.now():
        raise LinkExpired("The link has expired. Fetch the task again for a fresh link.")
    return payload


def urls(rt: Runtime, tenant: str, task: dict[str, Any], base_url: str) -> list[str]:
    """Fresh signed URLs for every artifact of a succeeded task."""
    exp = int(rt.clock.now() + rt.config.output_ttl)
    out = []
    for index, plan in enumerate(task["outputs"]):
        token = make_jwt(rt, {"keyHash": tenant, "taskId": task["id"], "index": index,
                              "exp": exp})
        out.append(f"{base_url}{PREFIX}/{task['id']}/{index}.{plan['ext']}?_jwt={token}")
    return out
