"""Every key, record kind, set, counter and stream the domain writes: the state model.

State is partitioned by tenant (the hash of an API key, ``config.tenant_of``); settings
shared by every tenant live under the pseudo-tenant ``GLOBAL``. Each name below says
what it holds and which module writes it. A module never spells a key itself: it names
one from here, so this file is the whole list a backend has to hold.
"""

from __future__ import annotations

# The pseudo-tenant holding emulator-wide settings (policies, prices, fault rules,
# the journal floor). Written by the control API through domain.policies, pricing,
# faults and journal.
GLOBAL = "_global"

# ---------------------------------------------------------------------------
# Record kinds (``insert`` / ``get`` / ``update`` / ``page``). The same name is the
# ``next_seq`` counter the kind's ids are drawn from.

TASK = "task"  # a generation task and its schedule and outcome (domain.tasks)
LEDGER = "ledger"  # one credit movement: charge, refund or funding (domain.ledger)
AVATAR = "avatar"  # a custom avatar and its processing plan (resources.avatars)
VOICE = "voice"  # a custom voice and its processing plan (resources.voices)
DOCUMENT = "document"  # a knowledge document (resources.documents)
# Documents in updatedAt order: one empty record per document, re-inserted on each
# change so paging is by last update (resources.documents).
DOCUMENT_TOUCH = "document_touch"
ROUTER = "router"  # a model-router configuration (resources.routers)
UPLOAD = "upload"  # an ephemeral upload and whether its bytes arrived (resources.uploads)
WORKFLOW = "workflow"  # a published workflow, seeded once per tenant (resources.workflows)
WORKFLOW_INVOCATION = "workflow_invocation"  # one workflow run (resources.workflows)
REALTIME_SESSION = "realtime_session"  # a realtime avatar session (resources.realtime)
CONVERSATION = "conversation"  # the transcript of a consumed session (resources.realtime)
# Under GLOBAL: one fault rule; records in insertion order are the evaluation order, so
# adding, removing and replacing rules are single atomic store operations (faults).
FAULT_RULE = "fault_rule"


def router_requests(router_id: str) -> str:
    """Kind: one router's log of routing decisions (resources.routers, resources.generate)."""
    return f"router_request:{router_id}"


# ---------------------------------------------------------------------------
# Other ``next_seq`` counters (besides the record kinds above).

FAULT_RULE_SEQ = "fault-rule"  # under GLOBAL: numbers rule ids "rule-N" (domain.faults)
VOICE_PREVIEW_SEQ = "voice_preview"  # numbers voice-design previews (resources.voices)

# ---------------------------------------------------------------------------
# Sets (``set_add`` / ``set_members``), members in insertion order.

ACTIVE_TASKS = "active_tasks"  # ids of tasks not yet settled (domain.tasks)
ACTIVE_REALTIME = "active_realtime_sessions"  # sessions not yet ended (resources.realtime)
MODELS_USED = "models_used"  # models the tenant ever generated with (domain.limits)
ROUTER_SLUGS = "router_slugs"  # router slugs taken; set_add claims one (resources.routers)


def lane(model: str) -> str:
    """Set: ids of the tenant's tasks that hold or wait for a slot of ``model``
    (domain.tasks), in submission order."""
    return f"lane:{model}"


def document_users(document_id: str) -> str:
    """Set: ids of the avatars that use a document (resources.avatars, documents)."""
    return f"document_users:{document_id}"


# ---------------------------------------------------------------------------
# Plain values and counters (``put_value`` / ``get_value``, ``add`` / ``value``).

CREDITS_BASE = "credits:base"  # starting balance as last set by the control API (ledger)
CREDITS_TOPUPS = "credits:topups"  # credits added by purchases and top-ups (ledger)
CREDITS_DELTA = "credits:delta"  # refunds minus charges; floor keeps balance >= 0 (ledger)
CREDITS_CHARGED = "credits:charged"  # running total of charges (ledger)
CREDITS_REFUNDED = "credits:refunded"  # running total of refunds (ledger)
TIER = "tier"  # the tenant's usage tier, when set over the control API (limits)
LIMITS = "limits"  # per-model limit overrides: model -> {max...: n | None} (limits)
WORKFLOWS_SEEDED = "workflows:seeded"  # True once the demo workflows exist (workflows)
POLICIES = "policies"  # under GLOBAL: named lifecycle policies, name -> policy (control)
PRICES = "prices"  # under GLOBAL: price overrides, endpoint[:model] -> spec (pricing)
FAULT_RULES_VERSION = "faults:version"  # under GLOBAL: token changed on each rule write
JOURNAL_FLOOR = "journal:floor"  # under GLOBAL: journal entries up to here are cleared


def slots(model: str) -> str:
    """Value: ``{"v": version, "ends": [...]}``, the end times of the slots held in the
    lane of ``model`` (at most its concurrency limit) and a version bumped by every
    write, so a create or re-plan commits only over the lane it read (domain.tasks)."""
    return f"slots:{model}"


def generations(model: str, hour: int) -> str:
    """Counter: generations of ``model`` created in epoch hour ``hour``, for the
    rolling daily quota (domain.limits)."""
    return f"gen:{model}:{hour}"


def used(day: str, model: str) -> str:
    """Counter: net credits ``model`` used on ``day`` (YYYY-MM-DD), charges minus
    refunds (domain.ledger; read by the usage report)."""
    return f"used:{day}:{model}"


def purchases(day: int) -> str:
    """Counter: credits purchased on epoch day ``day``, for the spend cap
    (domain.organization)."""
    return f"purchase:{day}"


def polls(rid: str) -> str:
    """Counter: reads of a resource whose lifecycle ends after N polls
    (domain.lifecycle)."""
    return f"polls:{rid}"


def avatar_usage(day: str, what: str) -> str:
    """Counter: realtime-session ``seconds`` or ``sessions`` on ``day``
    (resources.realtime)."""
    return f"avatar_usage:{day}:{what}"


def router_slug(slug: str) -> str:
    """Value: the router id that owns ``slug``, or None once deleted (resources.routers)."""
    return f"router_slug:{slug}"


def fault(rule_id: str, instance: int, what: str) -> str:
    """Counter under GLOBAL: a fault rule's ``calls`` (matching calls), ``fired`` and
    ``spent`` (minus the uses consumed) (domain.faults). ``instance`` is the rule
    record's sequence number, so a rule added again under its id starts from zero."""
    return f"fault:{rule_id}@{instance}:{what}"


# ---------------------------------------------------------------------------
# Streams (``append`` / ``read``): global capped logs.

JOURNAL = "journal"  # one entry per request and injected fault (domain.journal)
