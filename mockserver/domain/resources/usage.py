"""Organization reports: credit usage by day and model, and the linked web workspace reports.

``POST /v1/organization/usage`` is computed from the tenant's real spend: the ledger's
per-day, per-model net credits (charges minus refunds), for the days in range and the
models the tenant has used. The web-workspace endpoints (``/v1/organization/webapp/*``)
need an account link between the API project and a Runway web workspace, which the
emulator does not have: their queries are validated and they answer empty pages (an
audit event id is always unknown, 404).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from runway_mock.config import Runtime
from runway_mock.domain import ledger, limits, pagination, tasks
from runway_mock.domain.resources import realtime
from runway_mock.domain.resources.common import (
    DATE,
    DATETIME,
    DATETIME_QUERY,
    UUID,
    fail,
    parse_instant,
)
from runway_mock.schema import Arr, Bool, Enum, Int, Num, Obj, Str, opt, req

DEFAULT_DAYS = 30
MAX_DAYS = 90
LIST_MAX = 50
# Audit log actions (SDK 5.24.0 enum), for validating the ``actions`` filter.
_ACTION_WORDS = """
UserLogin PasswordChanged
EmailChangeRequested EmailChanged UserRegistered UserAccountDeleted WorkspaceCreated
WorkspaceDeleted MemberInvited MemberInviteReminderSent MemberRemoved MemberRoleChanged
InviteAccepted MemberJoinedViaDomain TeamSettingsUpdated InviteLinkToggled UserGroupCreated
UserGroupUpdated UserGroupDeleted UserGroupArchived UserGroupRestored UserGroupMemberAdded
UserGroupMemberRemoved UserGroupCreditCapUpdated UserGroupVisibilityUpdated SSOLogin
SSOUserProvisioned SSOConfigCreated SSOUserAutoAddedToTeam SSODomainRegistrationCloned
AssetCreated AssetUpdated AssetDeleted AssetDownloaded AssetShared AssetUnshared
CommentCreated CommentEdited CommentDeleted CommentAgentCallRun CommentRemovedByModerator
CommentRestoredByModerator CommentRemovalReasonChanged PermissionGranted PermissionUpdated
PermissionRevoked PermissionAccepted SubscriptionCancelled SubscriptionReactivatedWithOffer
SubscriptionPlanSwitched CreditsTransferred SeatsTransferred SessionShared SessionUnshared
VideoProjectShared VideoProjectUnshared BrandKitShared BrandKitUnshared
AgentCustomSkillCreated AgentCustomSkillDeleted AgentCustomSkillShared
AgentCustomSkillUnshared AgentSessionShared AgentSessionUnshared
AgentConnectorLinkTokenCreated AgentConnectorConnected AgentConnectorDisconnected
AgentConnectorAssetExported AgentConnectorSessionEnabled AgentConnectorSessionDisabled
GenerationCreated StudioSessionOpened AppStudioAiRunOpened AccountLinkCreated
AccountLinkDeleted AdConnectionAuthorizationStarted AdConnectionConnected
AdAccountSelectionUpdated AdAccountSyncRequested AdConnectionDisconnected
AdWorkspaceOnboardingUpdated AdCreativeReviewSubmitted AdCreativeReviewCancelled
AdCreativeReviewDecided AdCreativeApprovalRevoked AdCreativeArchived AdCreativeUnarchived
AdPublishBatchQueued AdPublishBatchCancelled AdPublishBatchRetried
OrganizationSettingsUpdated OrganizationDisabledModelsUpdated
OrganizationAgentSandboxUpdated OrganizationApiAccountReleased
OrganizationApiAccountMemberInvited OrganizationApiAccountMemberRoleChanged
OrganizationApiAccountMemberRemoved WorkspaceCountryLockUpdated WorkspaceTagCreated
WorkspaceTagUpdated WorkspaceTagDeleted WorkspaceTagAssigned WorkspaceTagUnassigned
MeteredBillingConfigUpdated MeteredBillingRefillTriggered MeteredBillingRetryTriggered
EnterpriseSpendCapEnforcementUpdated OnboardingBonusGranted
AwsMarketplaceEnterpriseSubscriptionLinked
"""
ACTIONS = tuple(_ACTION_WORDS.split())

DATE_FIELD = Str(pattern=r"\d{4}-\d{2}-\d{2}", formats=("date",), doc="A UTC date, YYYY-MM-DD.")
USAGE_QUERY = Obj({
    "startDate": opt(Str(pattern=r"\d{4}-\d{2}-\d{2}", formats=("date",),
                         doc="First day (default: 30 days before today, UTC).")),
    "beforeDate": opt(Str(pattern=r"\d{4}-\d{2}-\d{2}", formats=("date",),
                          doc="Day after the last (default: startDate + 30 days; at most "
                              "startDate + 90 days).")),
}, doc="The date range of a usage report.")
USAGE = Obj({
    "models": req(Arr(Str())),
    "results": req(Arr(Obj({"date": req(DATE), "usedCredits": req(Arr(Obj({
        "model": req(Str()), "amount": req(Int())})))}))),
}, doc="Net credits used per day and model.")
WEBAPP_USAGE_QUERY = pagination.page_props(
    **{"from": req(DATETIME_QUERY), "to": req(DATETIME_QUERY), "organizationId": opt(UUID),
       "workspaceIds": opt(Str(doc="Comma-separated workspace ids (up to 50)."))})
WEBAPP_USAGE_ROW = Obj({"credits": req(Num()), "email": req(Str()), "timestamp": req(DATETIME),
                        "tool": req(Str()), "type": req(Enum(("charge", "refund"))),
                        "workspaceId": req(Int()), "workspaceName": req(Str())})
AUDIT_QUERY = pagination.page_props(
    **{"from": opt(DATETIME_QUERY), "to": opt(DATETIME_QUERY), "organizationId": opt(UUID),
       "workspaceIds": opt(Str(doc="Comma-separated workspace ids (up to 50).")),
       "actions": opt(Str(doc="Comma-separated audit actions (up to 50).")),
       "actorEmails": opt(Str(doc="Comma-separated actor emails (up to 50)."))})
AUDIT_DETAIL_QUERY = {"organizationId": opt(UUID)}
AUDIT_ROW = Obj({"eventId": req(Str()), "timestamp": req(DATETIME), "action": req(Enum(ACTIONS)),
                 "actorUsername": req(Str(nullable=True)), "actorEmail": req(Str(nullable=True)),
                 "actorDeleted": req(Bool()), "workspaceId": req(Int()),
                 "workspaceName": req(Str())}, extra=True)


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise fail((name,), f"Invalid date '{value}': use YYYY-MM-DD",
                   code="invalid_string") from exc


def date_range(rt: Runtime, start: str | None, before: str | None) -> tuple[date, date]:
    """The [start, before) days of a usage report, with Runway's defaults and limits."""
    today = datetime.fromtimestamp(rt.clock.now(), tz=timezone.utc).date()
    first = _day(start, "startDate") if start else today - timedelta(days=DEFAULT_DAYS)
    end = _day(before, "beforeDate") if before else first + timedelta(days=DEFAULT_DAYS)
    # Half-open and documented with an upper limit only: beforeDate <= startDate is an
    # empty window (200, no days), not an error.
    if end > first + timedelta(days=MAX_DAYS):
        raise fail(("beforeDate",), f"beforeDate may be at most {MAX_DAYS} days after "
                                    "startDate")
    return first, end


def organization_usage(rt: Runtime, tenant: str, *, start: str | None,
                       before: str | None) -> dict[str, Any]:
    """POST /v1/organization/usage: net credits per day and model in [start, before)."""
    first, end = date_range(rt, start, before)
    tasks.settle_all(rt, tenant)
    realtime.settle_all(rt, tenant)
    used = limits.models_used(rt, tenant)
    results, seen = [], {}
    day = first
    while day < end:
        key = day.isoformat()
        credits = []
        for model in used:
            amount = ledger.used_by_day(rt, tenant, key, model)
            if amount:
                credits.append({"model": model, "amount": amount})
                seen[model] = None
        results.append({"date": key, "usedCredits": credits})
        day += timedelta(days=1)
    return {"models": list(seen), "results": results}


def _comma_list(query: dict[str, Any], name: str, allowed: tuple[str, ...] | None = None,
                integers: bool = False) -> list[str]:
    raw = query.get(name)
    if raw is None:
        return []
    items = [p.strip() for p in str(raw).split(",") if p.strip()]
    if not items:
        raise fail((name,), f"{name} must list at least one value")
    if len(items) > LIST_MAX:
        raise fail((name,), f"{name} may list at most {LIST_MAX} values")
    for item in items:
        if allowed is not None and item not in allowed:
            raise fail((name,), f"Unknown value '{item}' in {name}")
        if integers and not item.isdigit():
            raise fail((name,), f"{name} must be comma-separated integers, got '{item}'")
    return items


def _window(query: dict[str, Any], required: bool) -> None:
    start = parse_instant(query["from"], "from") if "from" in query else None
    end = parse_instant(query["to"], "to") if "to" in query else None
    # ``to <= from`` is an empty window, not an error (only upper limits are documented);
    # the emulator has no web workspace rows, so every window is empty anyway.
    if required and (start is None or end is None):
        raise fail(("from" if start is None else "to",), "Required")


def webapp_usage(rt: Runtime, tenant: str, query: dict[str, Any]) -> dict[str, Any]:
    """GET /v1/organization/webapp/usage: validated; no linked workspace, so no rows."""
    _window(query, required=True)
    _comma_list(query, "workspaceIds", integers=True)
    return _empty(rt, query, "webapp_usage")


def audit_logs(rt: Runtime, tenant: str, query: dict[str, Any]) -> dict[str, Any]:
    """GET /v1/organization/webapp/audit_logs: validated filters; no linked workspace."""
    _window(query, required=False)
    _comma_list(query, "workspaceIds", integers=True)
    _comma_list(query, "actions", ACTIONS)
    _comma_list(query, "actorEmails")
    return _empty(rt, query, "audit_logs")


def _empty(rt: Runtime, query: dict[str, Any], scope: str) -> dict[str, Any]:
    if query.get("cursor"):
        pagination.decode_cursor(rt, scope, query["cursor"])
    return pagination.empty_page()


def audit_log(rt: Runtime, tenant: str, event_id: str) -> dict[str, Any]:
    """GET /v1/organization/webapp/audit_logs/{eventId}: never visible without a link."""
    from runway_mock.errors import NotFound

    raise NotFound("Audit log event not found.")
