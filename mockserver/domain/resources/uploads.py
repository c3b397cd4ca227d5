"""Ephemeral uploads: ``POST /v1/uploads``, the signed storage form, and ``runway://`` URIs.

Step 1 (``create``) answers ``{uploadUrl, fields, runwayUri}`` like Runway: ``uploadUrl``
points back at the emulator and ``fields`` is a signed policy in the manner of an S3
presigned POST. Step 2 (``verify_form`` then ``receive``) takes the multipart form the
SDK sends there without API credentials. A ``runway://`` URI is then usable as a media
input only if its file arrived, it belongs to the caller's organization, it has not
expired and its media kind fits the field: the factory installs ``resolver`` into
request validation (``domain.wiring``). The emulator keeps only the file's size, never its bytes.
"""

from __future__ import annotations

import base64
import hmac
import json
import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from runway_mock.clock import iso
from runway_mock.config import Runtime
from runway_mock.domain import retention
from runway_mock.domain.resources.common import new_id
from runway_mock.errors import ApiError, Forbidden, PayloadTooLarge
from runway_mock.schema import Enum, Issue, Obj, Path, Str, issue, req
from runway_mock.store import keys

KIND = keys.UPLOAD
PREFIX = "/_uploads"
URI_PREFIX = "runway://"
URI_PATH = "uploads"
# Supported file extensions and their media kind (runway-api.md (a) "Media inputs":
# JPEG/PNG/WebP images; MP4/MOV/MKV/WebM/3GPP/Ogg video; MP3/WAV/FLAC/M4A/AAC audio).
EXTENSIONS: dict[str, str] = {
    "jpg": "image", "jpeg": "image", "png": "image", "webp": "image",
    "mp4": "video", "mov": "video", "mkv": "video", "webm": "video", "3gp": "video",
    "ogv": "video",
    "mp3": "audio", "wav": "audio", "flac": "audio", "m4a": "audio", "aac": "audio",
    "ogg": "audio", "opus": "audio",
}
# Form fields the signed policy covers; the SDK sends them back verbatim.
FORM_FIELDS = ("key", "policy", "signature")
METADATA_MAX = 2048


def extension(filename: str) -> str:
    """The lower-case extension of ``filename`` ("" if none)."""
    _, dot, ext = posixpath.basename(filename.replace("\\", "/")).rpartition(".")
    return ext.lower() if dot else ""


def _known_extension(body: Mapping[str, Any], path: Path) -> list[Issue]:
    ext = extension(body["filename"])
    if ext in EXTENSIONS:
        return []
    allowed = ", ".join(sorted(EXTENSIONS))
    return [issue("custom", (*path, "filename"),
                  f"Unsupported file type '.{ext}'. Supported extensions: {allowed}"
                  if ext else f"The filename needs a media extension, one of: {allowed}")]


CREATE = Obj(
    {
        "filename": req(Str(3, 255, doc="Name of the file, with a media extension.")),
        "type": req(Enum(("ephemeral",), doc="Only ephemeral uploads exist.")),
    },
    rules=(_known_extension,),
    doc="Start an ephemeral upload.",
)
CREATED = Obj({
    "uploadUrl": req(Str(doc="Where to POST the multipart form (no API credentials).")),
    "fields": req(Obj(extra=True, doc="Form fields to send back verbatim before the file.")),
    "runwayUri": req(Str(doc="The runway:// URI to use as a media input once uploaded.")),
})


class UploadRejected(ApiError):
    """400: the storage form is not acceptable (missing file, too small)."""

    status = 400


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(rt: Runtime, policy: str) -> str:
    return _b64(rt.sign(f"upload.{policy}".encode()))


def uri_for(upload_id: str, filename: str) -> str:
    """The ``runway://`` URI of an upload."""
    return f"{URI_PREFIX}{URI_PATH}/{upload_id}/{quote(posixpath.basename(filename), safe='')}"


def create(rt: Runtime, tenant: str, *, filename: str, base_url: str) -> dict[str, Any]:
    """Step 1: reserve an upload; returns ``{uploadUrl, fields, runwayUri}``."""
    upload_id = new_id(rt, tenant, KIND)
    now = rt.clock.now()
    ext = extension(filename)
    key = f"ephemeral/{upload_id}/{posixpath.basename(filename)}"
    policy = _b64(json.dumps({
        "uploadId": upload_id, "key": key, "tenant": tenant,
        "exp": int(now + rt.config.upload_ttl),
        "min": rt.config.upload_min_bytes, "max": rt.config.upload_max_bytes,
    }, separators=(",", ":"), sort_keys=True).encode())
    uri = uri_for(upload_id, filename)
    rt.store.insert(tenant, KIND, upload_id, {
        "id": upload_id, "filename": filename, "ext": ext, "kind": EXTENSIONS[ext],
        "createdAt": now, "expiresAt": now + rt.config.upload_ttl, "received": False,
        "size": None, "runwayUri": uri,
    })
    retention.track(rt, tenant, KIND, upload_id, now + rt.config.upload_ttl)
    return {
        "uploadUrl": f"{base_url}{PREFIX}/{upload_id}",
        "fields": {"key": key, "policy": policy, "signature": _signature(rt, policy)},
        "runwayUri": uri,
    }


def verify_form(rt: Runtime, upload_id: str, fields: Mapping[str, str]) -> dict[str, Any]:
    """Step 2, before the file: the signed policy, checked; 403 if forged or expired."""
    policy, signature = fields.get("policy", ""), fields.get("signature", "")
    if not policy or not signature:
        raise Forbidden("The upload form must include the policy and signature fields "
                        "returned by POST /v1/uploads.")
    try:
        good = hmac.compare_digest(_unb64(signature), rt.sign(f"upload.{policy}".encode()))
        payload = json.loads(_unb64(policy))
    except (ValueError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Forbidden("The upload policy is malformed.") from exc
    if not good or not isinstance(payload, dict):
        raise Forbidden("The upload signature does not match its policy.")
    if payload.get("uploadId") != upload_id or fields.get("key") != payload.get("key"):
        raise Forbidden("The upload form does not belong to this upload URL.")
    if float(payload.get("exp", 0)) <= rt.clock.now():
        raise Forbidden("The upload URL has expired. Call POST /v1/uploads again.")
    return payload


def size_limit(rt: Runtime) -> int:
    """The largest file an upload accepts (bytes)."""
    return int(rt.config.upload_max_bytes)


def receive(rt: Runtime, policy: Mapping[str, Any], *, size: int | None,
            content_type: str | None, metadata: str | None) -> None:
    """Step 2: record that the file arrived, if its size is within the limits."""
    if size is None:
        raise UploadRejected("The upload form has no file part named 'file'.")
    low, high = int(policy["min"]), int(policy["max"])
    if size < low:
        raise UploadRejected(f"The file is too small: {size} bytes; uploads must be at least "
                             f"{low} bytes.")
    if size > high:
        raise PayloadTooLarge(f"The file is too large: {size} bytes; uploads may be at most "
                              f"{high} bytes.")
    if metadata is not None and len(metadata) > METADATA_MAX:
        raise UploadRejected(f"The metadata field may be at most {METADATA_MAX} characters.")
    changes: dict[str, Any] = {"received": True, "size": size, "receivedAt": rt.clock.now(),
                               "contentType": content_type}
    if metadata is not None:
        changes["metadata"] = metadata
    stored = rt.store.update(str(policy["tenant"]), KIND, str(policy["uploadId"]), changes)
    if stored is None:
        raise Forbidden("The upload no longer exists.")


def lookup(rt: Runtime, tenant: str, uri: str) -> dict[str, Any] | None:
    """The tenant's upload a ``runway://`` URI names, or None."""
    rest = uri[len(URI_PREFIX):] if uri.startswith(URI_PREFIX) else ""
    parts = rest.split("/")
    if len(parts) < 3 or parts[0] != URI_PATH:
        return None
    record = rt.store.get(tenant, KIND, parts[1])
    if record is None or record.get("runwayUri") != uri:
        return None
    return record


def problem(rt: Runtime, tenant: str, uri: str, kind: str) -> str | None:
    """Why ``uri`` is not a usable ``kind`` input for ``tenant`` right now, or None."""
    record = lookup(rt, tenant, uri)
    if record is None:
        return ("Unknown runway:// URI: no upload with this URI exists for your organization. "
                "Create one with POST /v1/uploads.")
    if not record["received"]:
        return ("The file for this runway:// URI was never uploaded: POST it to the uploadUrl "
                "first.")
    if rt.clock.now() >= float(record["expiresAt"]):
        return (f"This runway:// URI expired at {iso(record['expiresAt'])}; ephemeral uploads "
                "are kept for a limited time. Upload the file again.")
    if record["kind"] != kind:
        return (f"Expected {kind} media, but this runway:// URI is a {record['kind']} upload "
                f"('{record['filename']}').")
    return None


def resolver(rt: Runtime, tenant: str):
    """The ``runway://`` check for one tenant's request (``domain.wiring`` installs it)."""

    def resolve(uri: str, kind: str, path: Path) -> list[Issue]:
        message = problem(rt, tenant, uri, kind)
        return [issue("custom", path, message)] if message else []

    return resolve


