"""Knowledge documents that avatars draw on: create, list (sorted), retrieve, update, delete.

``usedBy`` is read from a per-document set of avatar ids that the avatars module keeps
up to date; deleting a document detaches it from every avatar. Sorting by ``updatedAt``
reads a second index (``document_touch``) where each change re-inserts the document,
so both sort orders page through ``Store.page`` in a stable order.
"""

from __future__ import annotations

import contextlib
from typing import Any

from runway_mock.clock import iso
from runway_mock.config import Runtime
from runway_mock.domain import pagination
from runway_mock.domain.resources.common import DATETIME, find, new_id
from runway_mock.schema import Arr, Enum, Obj, Str, opt, req
from runway_mock.store import keys

KIND = keys.DOCUMENT
TOUCH = keys.DOCUMENT_TOUCH
AVATAR_KIND = keys.AVATAR
NAME = Str(1, 255, doc="A descriptive name for the document.")
CONTENT = Str(1, 200_000, doc="Markdown or plain text.")

CREATE = Obj({"name": req(NAME), "content": req(CONTENT)}, doc="Create a document.")
UPDATE = Obj({"name": opt(NAME), "content": opt(CONTENT)}, min_props=1,
             doc="Change a document's name and/or content.")
LIST_QUERY = pagination.page_props(
    sort=opt(Enum(("createdAt", "updatedAt"), doc="Field to sort by (default createdAt).")),
    order=opt(Enum(("asc", "desc"), doc="Sort direction (default desc).")),
)
USED_BY = Obj({"id": req(Str()), "name": req(Str()), "imageUrl": req(Str(nullable=True))})
_COMMON = {
    "id": req(Str()), "name": req(Str()), "type": req(Enum(("text", "file"))),
    "usedBy": req(Arr(USED_BY)), "createdAt": req(DATETIME), "updatedAt": req(DATETIME),
}
LISTED = Obj(dict(_COMMON), doc="A document in a list (no content).")
DOCUMENT = Obj({**_COMMON, "content": req(Str())}, doc="A knowledge document.")


def users_key(document_id: str) -> str:
    """The store set of avatar ids that use a document."""
    return keys.document_users(document_id)


def _touch(rt: Runtime, tenant: str, document_id: str) -> None:
    """Move the document to the end of the updatedAt index."""
    rt.store.delete(tenant, TOUCH, document_id)
    # A concurrent update may re-insert it first; it is at the end either way.
    with contextlib.suppress(KeyError):
        rt.store.insert(tenant, TOUCH, document_id, {"id": document_id})


def create(rt: Runtime, tenant: str, *, name: str, content: str) -> dict[str, Any]:
    """A new text document."""
    document_id = new_id(rt, tenant, KIND)
    now = rt.clock.now()
    record = {"id": document_id, "name": name, "type": "text", "content": content,
              "createdAt": now, "updatedAt": now}
    rt.store.insert(tenant, KIND, document_id, record)
    _touch(rt, tenant, document_id)
    return record


def get(rt: Runtime, tenant: str, document_id: str) -> dict[str, Any]:
    """The document, or 404."""
    return find(rt, tenant, KIND, document_id, "Document")


def update(rt: Runtime, tenant: str, document_id: str, *, changes: dict[str, Any]) -> None:
    """Change name and/or content."""
    get(rt, tenant, document_id)
    stored = rt.store.update(tenant, KIND, document_id,
                             {**changes, "updatedAt": rt.clock.now()})
    if stored is None:
        get(rt, tenant, document_id)
    _touch(rt, tenant, document_id)


def delete(rt: Runtime, tenant: str, document_id: str) -> None:
    """Delete the document and detach it from every avatar that used it."""
    if rt.store.delete(tenant, KIND, document_id) is None:
        get(rt, tenant, document_id)
    rt.store.delete(tenant, TOUCH, document_id)
    for avatar_id in rt.store.set_members(tenant, users_key(document_id)):
        _detach(rt, tenant, avatar_id, document_id)
        rt.store.set_remove(tenant, users_key(document_id), avatar_id)


def _detach(rt: Runtime, tenant: str, avatar_id: str, document_id: str) -> None:
    """Remove a deleted document from an avatar's list (a conditional update, retried).

    It lives here, not in avatars.py, so that documents never import avatars (avatars
    import documents to attach them): the two modules used to import each other.
    """
    for _ in range(8):
        avatar = rt.store.get(tenant, AVATAR_KIND, avatar_id)
        if avatar is None or document_id not in avatar["documentIds"]:
            return
        kept = [d for d in avatar["documentIds"] if d != document_id]
        if rt.store.update(tenant, AVATAR_KIND, avatar_id, {"documentIds": kept},
                           expect={"documentIds": avatar["documentIds"]}) is not None:
            return


def used_by(rt: Runtime, tenant: str, document_id: str) -> list[dict[str, Any]]:
    """The avatars a document is attached to, as ``{id, name, imageUrl}``."""
    out = []
    for avatar_id in rt.store.set_members(tenant, users_key(document_id)):
        avatar = rt.store.get(tenant, AVATAR_KIND, avatar_id)
        if avatar is not None:
            out.append({"id": avatar_id, "name": avatar["name"], "imageUrl": None})
    return out


def wire(rt: Runtime, tenant: str, record: dict[str, Any], *, content: bool = True
         ) -> dict[str, Any]:
    """A document as the API shows it (``content`` only on create and retrieve)."""
    out: dict[str, Any] = {"id": record["id"], "name": record["name"], "type": record["type"]}
    if content:
        out["content"] = record["content"]
    out["usedBy"] = used_by(rt, tenant, record["id"])
    out["createdAt"] = iso(record["createdAt"])
    out["updatedAt"] = iso(record["updatedAt"])
    return out


def listing(rt: Runtime, tenant: str, query: dict[str, Any]) -> dict[str, Any]:
    """GET /v1/documents: a page sorted by createdAt or updatedAt, newest first by default."""
    sort = query.get("sort", "createdAt")
    order = query.get("order", "desc")
    request = pagination.page_request(query)
    scope = f"{KIND}:{sort}:{order}"
    newest_first = order == "desc"
    if sort == "createdAt":
        return pagination.page(rt, tenant, KIND, request, scope=scope, newest_first=newest_first,
                               render=lambda r: wire(rt, tenant, r, content=False))
    result = pagination.page(rt, tenant, TOUCH, request, scope=scope, newest_first=newest_first)
    docs = [rt.store.get(tenant, KIND, entry["id"]) for entry in result["data"]]
    result["data"] = [wire(rt, tenant, d, content=False) for d in docs if d is not None]
    return result
