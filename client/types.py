"""Light response objects: JSON with snake_case attribute access, tasks typed by status."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

_UPPER = re.compile(r"[A-Z]")


def camel(name: str) -> str:
    """A Python keyword name -> the API's field name: ``prompt_image`` -> ``promptImage``.

    A trailing underscore is dropped first, so ``from_`` names the field ``from``.
    Names without underscores (already camelCase, or one word) are returned unchanged.
    """
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """The API's field name -> the attribute name: ``nextCursor`` -> ``next_cursor``."""
    return _UPPER.sub(lambda m: "_" + m.group().lower(), name)


def wrap(value: Any) -> Any:
    """JSON objects become ``Record``s (recursively inside lists); other values pass through."""
    if isinstance(value, dict):
        return Record(value)
    if isinstance(value, list):
        return [wrap(v) for v in value]
    return value


class Record:
    """A JSON object from the API: ``r.estimated_cost.credits`` or ``r["estimatedCost"]``."""

    # Fields the API may leave out; reading a missing one gives None, not AttributeError.
    optional: ClassVar[tuple[str, ...]] = ()

    def __init__(self, data: dict[str, Any], client: Any = None) -> None:
        self._data = data
        self._client = client

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        data = self.__dict__.get("_data", {})
        for key in (name, camel(name)):
            if key in data:
                return wrap(data[key])
        if name in self.optional:
            return None
        fields = ", ".join(snake(k) for k in data) or "none"
        raise AttributeError(f"{type(self).__name__} has no field {name!r} (fields: {fields})")

    def __getitem__(self, key: str) -> Any:
        return wrap(self._data[key])

    def __contains__(self, key: object) -> bool:
        return key in self._data or (isinstance(key, str) and camel(key) in self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record):
            return self._data == other._data
        return self._data == other

    __hash__ = None  # type: ignore[assignment]  # mutable mapping semantics

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {snake(k) for k in self._data})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({json.dumps(self._data, default=str)[:400]})"

    def get(self, name: str, default: Any = None) -> Any:
        """The field named ``name`` (snake_case or as on the wire), or ``default``."""
        for key in (name, camel(name)):
            if key in self._data:
                return wrap(self._data[key])
        return default

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the JSON object as the API sent it."""
        return copy.deepcopy(self._data)


class NewTask(Record):
    """What a task-creating call returns: ``id`` and (mostly) ``estimated_cost``."""

    optional = ("estimated_cost",)

    def wait_for_task_output(self, **kwargs: Any) -> Task:
        """Poll this task until it finishes (see ``RunwayClient.wait_for_task``)."""
        return self._client.wait_for_task(self.id, **kwargs)

    wait = wait_for_task_output


class RoutedTask(NewTask):
    """What ``generate.*.create`` returns: ``id`` and the router's ``routing`` decision."""


class Task(Record):
    """A task as ``GET /v1/tasks/{id}`` returns it; the subclass follows ``status``."""

    terminal: ClassVar[bool] = False
    by_status: ClassVar[dict[str, type[Task]]] = {}

    def __init_subclass__(cls, status: str = "", **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if status:
            Task.by_status[status] = cls

    @classmethod
    def build(cls, data: dict[str, Any], client: Any = None) -> Task:
        """The subclass for ``data["status"]`` (plain ``Task`` for an unknown status)."""
        return cls.by_status.get(str(data.get("status")), Task)(data, client)

    def wait_for_task_output(self, **kwargs: Any) -> Task:
        """Poll this task until it finishes (see ``RunwayClient.wait_for_task``)."""
        return self._client.wait_for_task(self.id, **kwargs)


class PendingTask(Task, status="PENDING"):
    """Queued; ``estimated_cost`` is the most it may charge."""


class ThrottledTask(Task, status="THROTTLED"):
    """Over the organization's concurrency limit; starts when a slot frees."""


class RunningTask(Task, status="RUNNING"):
    """Generating; ``progress`` runs from 0 to 1."""


class SucceededTask(Task, status="SUCCEEDED"):
    """Done: ``output`` lists artifact URLs (they expire), ``cost`` the final charge."""

    terminal = True


class FailedTask(Task, status="FAILED"):
    """Failed: ``failure`` is human text, ``failure_code`` a machine code or None."""

    terminal = True
    optional = ("failure_code",)


class CancelledTask(Task, status="CANCELLED"):
    """Cancelled (a task you delete yourself answers 404 instead)."""

    terminal = True


class Upload(Record):
    """An ephemeral upload: ``uri`` is the ``runway://`` URI to pass as a media input."""


class WorkflowInvocation(Record):
    """A workflow run, with the same six statuses as tasks."""

    optional = ("failure", "failure_code", "progress", "output", "node_errors", "cost")

    def wait_for_task_output(self, **kwargs: Any) -> WorkflowInvocation:
        """Poll this invocation until it finishes."""
        return self._client.wait_for_invocation(self.id, **kwargs)


class Page(Record):
    """One page of a list: ``data``, ``has_more``, ``next_cursor``; iterating walks every page."""

    def __init__(self, data: dict[str, Any], client: Any = None,
                 fetch: Callable[[str], Page] | None = None, item: type[Record] = Record) -> None:
        super().__init__(data, client)
        self._fetch = fetch
        self._item = item

    @property
    def data(self) -> list[Any]:
        """The items on this page."""
        return [self._item(d, self._client) if isinstance(d, dict) else d
                for d in self._data.get("data", [])]

    @property
    def has_more(self) -> bool:
        """Whether the server says there are more items."""
        return bool(self._data.get("hasMore"))

    @property
    def next_cursor(self) -> str | None:
        """The cursor of the next page, or None on the last page."""
        return self._data.get("nextCursor") or None

    def next_page(self) -> Page | None:
        """The following page, or None after the last one."""
        if self.next_cursor is None or self._fetch is None:
            return None
        return self._fetch(self.next_cursor)

    def iter_pages(self) -> Iterator[Page]:
        """This page and every later one, fetched as needed."""
        page: Page | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[Any]:
        for page in self.iter_pages():
            yield from page.data


# Named records: the same behaviour, a readable type in reprs and annotations.
class Organization(Record):
    """The organization: ``credit_balance``, ``tier``, ``usage``."""


class UsageReport(Record):
    """Credits used per model per day."""


class Router(Record):
    """A Model Router configuration."""

    optional = ("description",)


class RouterRequest(Record):
    """One routing decision a router made."""


class Avatar(Record):
    """A real-time avatar (character)."""

    optional = ("failure_reason", "start_script")


class Conversation(Record):
    """An avatar conversation (a realtime session's transcript and recording)."""


class Document(Record):
    """A knowledge-base document."""

    optional = ("content",)


class RealtimeSession(Record):
    """A realtime avatar session."""


class Voice(Record):
    """A custom voice."""

    optional = ("failure_reason", "preview_url", "description")


class Workflow(Record):
    """A published workflow."""
