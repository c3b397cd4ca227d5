"""The emulator's stand-ins for Runway's storage: the upload form target and signed media files.

``POST /_uploads/<id>`` takes the multipart form ``uploads.create_ephemeral()`` sends
(the signed fields, optional ``metadata``, the ``file`` part; no API credentials) and
answers 204 like an S3 presigned POST. ``GET /_media/<name>.<ext>?_jwt=...`` serves the
deterministic files behind voice previews, avatar images, recordings and workflow
outputs.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from runway_mock.domain.resources import common, uploads
from runway_mock.http.wire import no_content, runtime

bp = Blueprint("storage", __name__)
# Room for the form fields around the file part.
_FORM_OVERHEAD = 64 * 1024


@bp.post(f"{uploads.PREFIX}/<upload_id>")
def receive_upload_noauth(upload_id: str) -> Response:
    """Step 2 of an upload; the signed policy, not an API key, authorises it."""
    rt = runtime()
    limit = uploads.size_limit(rt)
    # Werkzeug refuses larger bodies with 413 before reading them.
    request.max_content_length = limit + _FORM_OVERHEAD
    policy = uploads.verify_form(rt, upload_id, request.form)
    part = request.files.get("file")
    size = None
    if part is not None:
        part.stream.seek(0, 2)
        size = part.stream.tell()
    uploads.receive(rt, policy, size=size, content_type=part.mimetype if part else None,
                    metadata=request.form.get("metadata"))
    return no_content()


@bp.get(f"{common.MEDIA_PREFIX}/<filename>")
def media_noauth(filename: str) -> Response:
    """A signed media link: the file it names, rendered deterministically."""
    data, content_type = common.read_media(runtime(), filename, request.args.get("_jwt", ""))
    resp = Response(data, content_type=content_type)
    resp.headers["Cache-Control"] = "private, max-age=86400"
    resp.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return resp
