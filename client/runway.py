"""``RunwayClient``: the API's operations over one ``requests`` session, with careful retries.

Everything with a side effect comes in through the constructor: the HTTP session, the
sleep function and the monotonic clock, and the seed of the retry jitter. Tests pass
fakes; the same code talks to the emulator or to https://api.dev.runwayml.com.
"""

from __future__ import annotations

import json
import mimetypes
import os
import random
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote, urlsplit

import requests
import urllib3.exceptions  # requests' own transport; imported to classify its errors
from runway_mock.client import errors as e
from runway_mock.client import retry
from runway_mock.client import types as t
from runway_mock.client.operations import OPERATIONS, Operation
from runway_mock.version import API_VERSION, PACKAGE_VERSION

VERSION = PACKAGE_VERSION
DEFAULT_BASE_URL = "https://api.dev.runwayml.com"
KEY_VARIABLES = ("RUNWAYML_API_SECRET", "RUNWAY_TOKEN")
TERMINAL_FAILURES = ("FAILED", "CANCELLED")
_TRANSPORT_ERRORS = (requests.ConnectionError, requests.Timeout,
                     requests.exceptions.ChunkedEncodingError)


class Resource:
    """A group of operations (``client.avatars``); sub-groups are attributes too."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        names = sorted(n for n in vars(self) if not n.startswith("_"))
        return f"<Resource {self._name}: {', '.join(names)}>"


class RunwayClient:
    """A small, careful client for Runway's developer API (and the emulator)."""

    def __init__(self, api_key: str | None = None, *, base_url: str | None = None,
                 api_version: str = API_VERSION, timeout: float = 60.0, max_retries: int = 2,
                 max_retry_wait: float = 60.0, retry_creates: bool = False,
                 session: requests.Session | None = None,
                 sleep: Callable[[float], Any] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic,
                 seed: int | None = None) -> None:
        key = api_key or next((os.environ[v] for v in KEY_VARIABLES if os.environ.get(v)), None)
        if not key or not key.strip():
            raise e.ConfigurationError(
                "No Runway API key: pass api_key=... or set RUNWAYML_API_SECRET "
                "(RUNWAY_TOKEN is accepted too).")
        if max_retries < 0 or max_retry_wait < 0 or timeout <= 0:
            raise e.ConfigurationError("timeout must be positive; max_retries and "
                                       "max_retry_wait must not be negative")
        self.api_key = key.strip()
        self.base_url = normalise_base_url(
            base_url or os.environ.get("RUNWAYML_BASE_URL") or DEFAULT_BASE_URL)
        self.api_version = api_version
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.retry_creates = retry_creates
        self._owns_session = session is None
        self._session = session or requests.Session()
        self._sleep = sleep
        self._monotonic = monotonic
        self._rng = random.Random(seed)
        for op in OPERATIONS:
            setattr(self._resource(op.resource), op.name, self._method(op))
        self.uploads.create_ephemeral = self._create_ephemeral

    # -- plumbing ---------------------------------------------------------------------

    def _resource(self, dotted: str) -> Resource:
        node: Any = self
        walked = []
        for part in dotted.split("."):
            walked.append(part)
            if not isinstance(getattr(node, part, None), Resource):
                setattr(node, part, Resource(".".join(walked)))
            node = getattr(node, part)
        return node

    def _method(self, op: Operation) -> Callable[..., Any]:
        def call(*args: Any, **params: Any) -> Any:
            return self._call(op, args, params)

        call.__name__ = op.name
        call.__qualname__ = op.qualname
        args = "".join(f"{p}, " for p in op.path_params)
        call.__doc__ = (f"{op.qualname}({args}**fields): {op.method} {op.path}"
                        + (" (one page; iterate it for every item)" if op.paged else ""))
        return call

    def _call(self, op: Operation, args: tuple[Any, ...], params: dict[str, Any]) -> Any:
        names = op.path_params
        if len(args) > len(names):
            raise TypeError(f"{op.qualname}() takes {len(names)} positional argument(s): "
                            f"{', '.join(names) or 'none'}")
        values = dict(zip(names, args, strict=False))
        for name in names[len(args):]:
            if name not in params:
                raise TypeError(f"{op.qualname}() is missing the argument {name!r}")
            values[name] = params.pop(name)
        path = op.path.format(**{k: quote(str(v), safe="") for k, v in values.items()})
        fields = to_fields(params)
        if op.method == "GET":
            response = self._send("GET", self.base_url + path, params=to_query(fields))
        else:
            body = fields if op.method in ("POST", "PATCH") else None
            if op.method == "DELETE" and fields:
                raise TypeError(f"{op.qualname}() takes no fields besides the path")
            response = self._send(op.method, self.base_url + path, body=body,
                                  creates=op.creates)
        if op.returns is None:
            return None
        data = _json(response)
        if op.paged:
            def fetch(cursor: str) -> t.Page:
                return self._call(op, args, {**params, "cursor": cursor})

            return t.Page(data, self, fetch=fetch, item=op.returns)
        if op.returns is t.Task:
            return t.Task.build(data, self)
        return op.returns(data, self)

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                body: Any = None, creates: bool | None = None) -> Any:
        """Call any API path (``/v1/...``) not in the table; returns the decoded JSON or None."""
        method = method.upper()
        response = self._send(method, self.base_url + path, params=to_query(params or {}),
                              body=body, creates=method == "POST" if creates is None else creates)
        return _json(response) if response.content else None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}",
                "X-Runway-Version": self.api_version,
                "Accept": "application/json",
                "User-Agent": f"runway-mock-client/{VERSION} requests/{requests.__version__}"}

    def _send(self, method: str, url: str, *, body: Any = None, creates: bool = False,
              auth: bool = True, **kwargs: Any) -> requests.Response:
        """One logical request: send, and retry what is safe to retry."""
        headers = self._headers() if auth else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
            kwargs["data"] = json.dumps(body, default=_json_default).encode()
        waited, retries = 0.0, 0
        while True:
            hint, cause = None, None
            try:
                response = self._session.request(method, url, headers=headers,
                                                 timeout=self.timeout, **kwargs)
            except _TRANSPORT_ERRORS as exc:
                error = self._transport_error(exc, method, url, creates)
                if isinstance(error, e.CreateTimeoutError):
                    raise error from exc
                cause = exc
            else:
                if response.status_code < 400:
                    return response
                error = status_error(response, method, url)
                response.close()
                if not retry.should_retry(response.status_code, response.headers):
                    raise error
                hint = retry.retry_after(response.headers)
            if retries >= self.max_retries:
                raise error from cause
            delay = hint if hint is not None else retry.backoff(retries, self._rng)
            if waited + delay > self.max_retry_wait:
                raise error from cause
            self._sleep(delay)
            waited += delay
            retries += 1

    def _transport_error(self, exc: Exception, method: str, url: str,
                         creates: bool) -> e.APIConnectionError:
        where = f"{method} {urlsplit(url).path}"
        if creates and not self.retry_creates and not _never_sent(exc):
            return e.CreateTimeoutError(
                f"{where}: no answer ({type(exc).__name__}); it may or may not have been "
                "created, so it was not sent again. Check before retrying, or pass "
                "retry_creates=True to accept possible duplicates.")
        if isinstance(exc, requests.Timeout):
            return e.APITimeoutError(f"{where}: timed out after {self.timeout:g} s", url=url)
        reason = _short_reason(exc)
        return e.APIConnectionError(f"{where}: connection failed ({reason})", url=url,
                                    reason=reason)

    # -- conveniences -------------------------------------------------------------------

    def wait_for_task(self, task_id: str, *, poll_interval: float = 5.0,
                      timeout: float | None = 600.0,
                      on_progress: Callable[[str, float | None], Any] | None = None,
                      ) -> t.Task:
        """Poll a task until it succeeds; raise ``TaskFailedError`` or ``TaskTimeoutError``.

        Polls at once, then no more often than every ``poll_interval`` seconds (Runway
        asks for at least 5). Gives up with ``TaskTimeoutError`` when the next poll would
        fall after ``timeout`` seconds (None waits forever). ``on_progress(status,
        progress)`` sees every poll; ``progress`` is None outside RUNNING.
        """
        return self._wait(self.tasks.retrieve, task_id, poll_interval, timeout, on_progress)

    def wait_for_invocation(self, invocation_id: str, *, poll_interval: float = 5.0,
                            timeout: float | None = 600.0,
                            on_progress: Callable[[str, float | None], Any] | None = None,
                            ) -> t.WorkflowInvocation:
        """``wait_for_task`` for a workflow invocation."""
        return self._wait(self.workflow_invocations.retrieve, invocation_id, poll_interval,
                          timeout, on_progress)

    def _wait(self, fetch: Callable[[str], Any], ident: str, poll_interval: float,
              timeout: float | None, on_progress: Callable[..., Any] | None) -> Any:
        if poll_interval <= 0:
            raise e.ConfigurationError("poll_interval must be positive")
        deadline = None if timeout is None else self._monotonic() + timeout
        while True:
            started = self._monotonic()
            task = fetch(ident)
            if on_progress is not None:
                on_progress(task.status, task.get("progress"))
            if task.status == "SUCCEEDED":
                return task
            if task.status in TERMINAL_FAILURES:
                raise e.TaskFailedError(task)
            next_poll = started + poll_interval
            if deadline is not None and next_poll > deadline:
                raise e.TaskTimeoutError(task, timeout or 0.0)
            pause = next_poll - self._monotonic()
            if pause > 0:
                self._sleep(pause)

    def download(self, output_url: str, path: str | os.PathLike[str],
                 chunk_size: int = 1 << 20) -> Path:
        """Stream an output URL to ``path`` (a file, or a directory to put it in).

        Output links are signed and expire: a refused link raises ``OutputExpiredError``;
        read the task again for fresh ones. The API key is never sent to the link's host.
        """
        target = Path(path)
        if target.is_dir():
            target = target / (unquote(Path(urlsplit(output_url).path).name) or "output")
        partial = target.with_name(target.name + ".part")
        try:
            response = self._send("GET", output_url, auth=False, stream=True)
        except (e.PermissionDeniedError, e.AuthenticationError) as exc:
            raise e.OutputExpiredError(
                f"{exc.message} (the output link was refused: it has probably expired; "
                "retrieve the task again for fresh URLs)", status_code=exc.status_code,
                body=exc.body, headers=exc.headers, method="GET", url=output_url) from exc
        try:
            with response, open(partial, "wb") as out:
                for chunk in response.iter_content(chunk_size):
                    out.write(chunk)
            partial.replace(target)
        except _TRANSPORT_ERRORS as exc:
            partial.unlink(missing_ok=True)
            raise e.APIConnectionError(f"download interrupted: {exc}") from exc
        return target

    def _create_ephemeral(self, file: str | os.PathLike[str] | bytes | BinaryIO, *,
                          filename: str | None = None,
                          metadata: str | Mapping[str, Any] | None = None) -> t.Upload:
        """Upload a file for use as a media input; ``.uri`` is its ``runway://`` URI.

        Step 1 asks the API for an upload slot; step 2 posts the file as a multipart form
        to the slot's URL (storage, not the API: no Authorization header).
        """
        name, content = _read_upload(file, filename)
        slot = self._call(OPERATIONS_BY_NAME["uploads.create_ephemeral"], (),
                          {"filename": name, "type": "ephemeral"})
        form = {str(k): str(v) for k, v in (slot.to_dict().get("fields") or {}).items()}
        if metadata is not None:  # the SDK sends a string; a mapping is sent as JSON
            form["metadata"] = metadata if isinstance(metadata, str) else json.dumps(metadata)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self._send("POST", slot.upload_url, auth=False, data=form,
                   files={"file": (name, content, kind)}).close()
        return t.Upload({"uri": slot.runway_uri}, self)

    def upload(self, path: str | os.PathLike[str] | bytes | BinaryIO, *,
               filename: str | None = None) -> str:
        """Upload a local file; returns the ``runway://`` URI to pass as a media input."""
        return self._create_ephemeral(path, filename=filename).uri

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> RunwayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RunwayClient(base_url={self.base_url!r})"


OPERATIONS_BY_NAME = {op.qualname: op for op in OPERATIONS}


def normalise_base_url(url: str) -> str:
    """The host part of a base URL: with or without a trailing ``/`` or ``/v1``."""
    url = url.strip().rstrip("/")
    return url.removesuffix("/v1").rstrip("/")


def to_fields(params: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments -> API fields: names made camelCase, values passed through as given.

    Only the top-level names are mapped: nested dicts are sent exactly as written (use the
    API's camelCase inside them), because some nested keys are user data (workflow node
    ids and output keys, tool parameter names) that renaming would corrupt.
    """
    fields: dict[str, Any] = {}
    for name, value in params.items():
        field = t.camel(name)
        if field in fields:
            raise TypeError(f"{name!r} and another argument both name the field {field!r}")
        fields[field] = value
    return fields


def to_query(fields: Mapping[str, Any]) -> dict[str, str]:
    """Fields -> query string values (None dropped, booleans lower-case, lists joined)."""
    return {key: _query_value(value) for key, value in fields.items() if value is not None}


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return str(_json_default(value))
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return ",".join(str(v) for v in value)
    return str(value)


def status_error(response: requests.Response, method: str, url: str) -> e.APIStatusError:
    """The exception for an error answer, carrying the server's ``error`` text."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        message = body["error"]
    else:
        message = (body.strip()[:500] if isinstance(body, str) else "") or response.reason or ""
    cls = e.error_class(response.status_code)
    error = cls(message or "HTTP error", status_code=response.status_code, body=body,
                headers=response.headers, method=method, url=url)
    if isinstance(error, e.RateLimitError):
        error.retry_after = retry.retry_after(response.headers)
    return error


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise e.RunwayError(f"expected JSON from {response.url}, got "
                            f"{response.headers.get('Content-Type', 'no content type')}") from exc


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
            return value.isoformat(timespec="milliseconds") + "Z"
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, t.Record):
        return value.to_dict()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"cannot send a {type(value).__name__} as JSON")


def _short_reason(exc: BaseException) -> str:
    """The innermost cause in a few words (``Connection refused``), not urllib3's dump."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        nested = next((a for a in getattr(current, "args", ()) if isinstance(a, BaseException)),
                      None)
        current = getattr(current, "reason", None) or nested or current.__cause__ \
            or current.__context__
    return type(exc).__name__


def _never_sent(exc: BaseException) -> bool:
    """True when the request certainly never reached the server (so resending is safe)."""
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, (requests.ConnectTimeout, urllib3.exceptions.NewConnectionError,
                             urllib3.exceptions.ConnectTimeoutError)):
            return True
        if isinstance(item, BaseException):
            stack.extend([*item.args, getattr(item, "reason", None), item.__cause__,
                          item.__context__])
    return False


def _read_upload(file: Any, filename: str | None) -> tuple[str, bytes]:
    if isinstance(file, (str, os.PathLike)):
        p = Path(file)
        return filename or p.name, p.read_bytes()
    if isinstance(file, (bytes, bytearray)):
        if not filename:
            raise e.ConfigurationError("uploading bytes needs filename=...")
        return filename, bytes(file)
    name = filename or Path(str(getattr(file, "name", ""))).name
    if not name:
        raise e.ConfigurationError("cannot tell the file's name: pass filename=...")
    return name, file.read()
