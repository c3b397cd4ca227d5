"""The /v1 resource endpoints: uploads, documents, avatars, voices, realtime sessions,
conversations, routers and the Model Router, workflows and organization reports.

Each view parses the query or body against the resource's spec, calls one domain
function and serialises the result; statuses follow Runway's (200 with a body, 204 on
DELETE and on document PATCH).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, request
from runway_mock.domain import pagination, validation
from runway_mock.domain.resources import (
    avatars,
    documents,
    generate,
    realtime,
    routers,
    uploads,
    usage,
    voices,
    workflows,
)
from runway_mock.http.wire import (
    base_url,
    json_response,
    no_content,
    note_created,
    read_json,
    runtime,
    task_override,
    tenant,
)
from runway_mock.schema import Prop, Spec

bp = Blueprint("resources", __name__, url_prefix="/v1")


def _body(spec: Spec) -> dict[str, Any]:
    """The JSON body, validated (``runway://`` URIs included) against ``spec``."""
    body = read_json()
    validation.check(runtime(), tenant(), spec, body)
    return body


def _query(props: Mapping[str, Prop]) -> dict[str, Any]:
    return pagination.parse_query(request.args, props)


def _no_content() -> Response:
    return no_content()


# ---------------------------------------------------------------------------
# Uploads


@bp.post("/uploads")
def create_upload() -> Response:
    body = _body(uploads.CREATE)
    return json_response(uploads.create(runtime(), tenant(), filename=body["filename"],
                                        base_url=base_url()))


# ---------------------------------------------------------------------------
# Documents


@bp.post("/documents")
def create_document() -> Response:
    body = _body(documents.CREATE)
    rt = runtime()
    record = documents.create(rt, tenant(), name=body["name"], content=body["content"])
    return json_response(documents.wire(rt, tenant(), record))


@bp.get("/documents")
def list_documents() -> Response:
    return json_response(documents.listing(runtime(), tenant(), _query(documents.LIST_QUERY)))


@bp.get("/documents/<document_id>")
def get_document(document_id: str) -> Response:
    rt = runtime()
    return json_response(documents.wire(rt, tenant(), documents.get(rt, tenant(), document_id)))


@bp.patch("/documents/<document_id>")
def update_document(document_id: str) -> Response:
    documents.get(runtime(), tenant(), document_id)
    documents.update(runtime(), tenant(), document_id, changes=_body(documents.UPDATE))
    return _no_content()


@bp.delete("/documents/<document_id>")
def delete_document(document_id: str) -> Response:
    documents.delete(runtime(), tenant(), document_id)
    return _no_content()


# ---------------------------------------------------------------------------
# Avatars


@bp.post("/avatars")
def create_avatar() -> Response:
    rt = runtime()
    record = avatars.create(rt, tenant(), body=_body(avatars.CREATE))
    return json_response(avatars.wire(rt, tenant(), record, base_url(), poll=False))


@bp.get("/avatars")
def list_avatars() -> Response:
    query = _query(pagination.page_props())
    return json_response(avatars.listing(runtime(), tenant(), query, base_url()))


@bp.get("/avatars/<avatar_id>")
def get_avatar(avatar_id: str) -> Response:
    rt = runtime()
    return json_response(avatars.wire(rt, tenant(), avatars.get(rt, tenant(), avatar_id),
                                      base_url()))


@bp.patch("/avatars/<avatar_id>")
def update_avatar(avatar_id: str) -> Response:
    rt = runtime()
    avatars.get(rt, tenant(), avatar_id)
    record = avatars.update(rt, tenant(), avatar_id, body=_body(avatars.UPDATE))
    return json_response(avatars.wire(rt, tenant(), record, base_url(), poll=False))


@bp.delete("/avatars/<avatar_id>")
def delete_avatar(avatar_id: str) -> Response:
    avatars.delete(runtime(), tenant(), avatar_id)
    return _no_content()


@bp.get("/avatar_usage")
def avatar_usage() -> Response:
    query = _query(realtime.USAGE_QUERY)
    return json_response(realtime.usage(runtime(), tenant(), start_date=query["startDate"],
                                        end_date=query["endDate"]))


# ---------------------------------------------------------------------------
# Realtime sessions and conversations


@bp.post("/realtime_sessions")
def create_realtime_session() -> Response:
    record = realtime.create(runtime(), tenant(), body=_body(realtime.CREATE))
    return json_response({"id": record["id"]})


@bp.get("/realtime_sessions/<session_id>")
def get_realtime_session(session_id: str) -> Response:
    rt = runtime()
    record, state, duration = realtime.observe(rt, tenant(), session_id)
    return json_response(realtime.wire(rt, tenant(), record, state, duration))


@bp.delete("/realtime_sessions/<session_id>")
def delete_realtime_session(session_id: str) -> Response:
    realtime.cancel(runtime(), tenant(), session_id)
    return _no_content()


@bp.post("/realtime_sessions/<session_id>/consume")
def consume_realtime_session_noauth(session_id: str) -> Response:
    """Authenticated by the session key as bearer, not by an API key."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    bearer = key.strip() if scheme.lower() == "bearer" else ""
    return json_response(realtime.consume(runtime(), session_id, bearer=bearer,
                                          base_url=base_url()))


@bp.get("/avatar_conversations")
def list_conversations() -> Response:
    query = _query(realtime.CONVERSATION_QUERY)
    return json_response(realtime.conversations(runtime(), tenant(), query, base_url()))


@bp.get("/avatar_conversations/<conversation_id>")
def get_conversation(conversation_id: str) -> Response:
    return json_response(realtime.conversation_detail(runtime(), tenant(), conversation_id,
                                                      base_url()))


@bp.delete("/avatar_conversations/<conversation_id>")
def delete_conversation(conversation_id: str) -> Response:
    realtime.delete_conversation(runtime(), tenant(), conversation_id)
    return _no_content()


# ---------------------------------------------------------------------------
# Voices


@bp.post("/voices")
def create_voice() -> Response:
    record = voices.create(runtime(), tenant(), body=_body(voices.CREATE))
    return json_response({"id": record["id"]})


@bp.post("/voices/preview")
def preview_voice() -> Response:
    body = _body(voices.PREVIEW)
    return json_response(voices.preview(runtime(), tenant(), prompt=body["prompt"],
                                        model=body["model"], base_url=base_url()))


@bp.get("/voices")
def list_voices() -> Response:
    query = _query(pagination.page_props())
    return json_response(voices.listing(runtime(), tenant(), query, base_url()))


@bp.get("/voices/<voice_id>")
def get_voice(voice_id: str) -> Response:
    rt = runtime()
    return json_response(voices.wire(rt, tenant(), voices.get(rt, tenant(), voice_id),
                                     base_url()))


@bp.patch("/voices/<voice_id>")
def update_voice(voice_id: str) -> Response:
    rt = runtime()
    voices.get(rt, tenant(), voice_id)
    record = voices.update(rt, tenant(), voice_id, changes=_body(voices.UPDATE))
    return json_response(voices.wire(rt, tenant(), record, base_url(), poll=False))


@bp.delete("/voices/<voice_id>")
def delete_voice(voice_id: str) -> Response:
    voices.delete(runtime(), tenant(), voice_id)
    return _no_content()


# ---------------------------------------------------------------------------
# Routers and the Model Router


@bp.post("/routers")
def create_router() -> Response:
    return json_response(routers.wire(routers.create(runtime(), tenant(),
                                                     body=_body(routers.CREATE))))


@bp.get("/routers")
def list_routers() -> Response:
    return json_response(routers.listing(runtime(), tenant(),
                                         _query(pagination.page_props())))


@bp.get("/routers/<router_id>")
def get_router(router_id: str) -> Response:
    return json_response(routers.wire(routers.get(runtime(), tenant(), router_id)))


@bp.patch("/routers/<router_id>")
def update_router(router_id: str) -> Response:
    routers.get(runtime(), tenant(), router_id)
    record = routers.update(runtime(), tenant(), router_id, body=_body(routers.UPDATE))
    return json_response(routers.wire(record))


@bp.delete("/routers/<router_id>")
def delete_router(router_id: str) -> Response:
    routers.delete(runtime(), tenant(), router_id)
    return _no_content()


@bp.get("/routers/<router_id>/requests")
def list_router_requests(router_id: str) -> Response:
    return json_response(routers.requests(runtime(), tenant(), router_id,
                                          _query(pagination.page_props())))


def _generate_view(modality: str):
    def view() -> Response:
        return json_response(generate.generate(runtime(), tenant(), modality, read_json(),
                                               created=note_created,
                                               override=task_override()))

    view.__name__ = f"generate_{modality}"
    view.__doc__ = f"POST /v1/generate/{modality}: route and create a task."
    return view


for _modality in generate.MODALITIES:
    bp.add_url_rule(f"/generate/{_modality}", endpoint=f"generate_{_modality}",
                    view_func=_generate_view(_modality), methods=["POST"])


# ---------------------------------------------------------------------------
# Workflows


@bp.get("/workflows")
def list_workflows() -> Response:
    return json_response(workflows.listing(runtime(), tenant()))


@bp.get("/workflows/<workflow_id>")
def get_workflow(workflow_id: str) -> Response:
    return json_response(workflows.wire(workflows.get(runtime(), tenant(), workflow_id)))


@bp.post("/workflows/<workflow_id>")
def run_workflow(workflow_id: str) -> Response:
    workflows.get(runtime(), tenant(), workflow_id)
    record = workflows.run(runtime(), tenant(), workflow_id, body=_body(workflows.RUN))
    return json_response({"id": record["id"]})


@bp.get("/workflow_invocations/<invocation_id>")
def get_workflow_invocation(invocation_id: str) -> Response:
    return json_response(workflows.observe(runtime(), tenant(), invocation_id, base_url()))


# ---------------------------------------------------------------------------
# Organization reports


@bp.post("/organization/usage")
def organization_usage() -> Response:
    body = _body(usage.USAGE_QUERY)
    return json_response(usage.organization_usage(runtime(), tenant(),
                                                  start=body.get("startDate"),
                                                  before=body.get("beforeDate")))


@bp.get("/organization/webapp/usage")
def webapp_usage() -> Response:
    return json_response(usage.webapp_usage(runtime(), tenant(),
                                            _query(usage.WEBAPP_USAGE_QUERY)))


@bp.get("/organization/webapp/audit_logs")
def audit_logs() -> Response:
    return json_response(usage.audit_logs(runtime(), tenant(), _query(usage.AUDIT_QUERY)))


@bp.get("/organization/webapp/audit_logs/<event_id>")
def audit_log(event_id: str) -> Response:
    _query(usage.AUDIT_DETAIL_QUERY)
    return json_response(usage.audit_log(runtime(), tenant(), event_id))
