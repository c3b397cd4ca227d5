"""A small declarative schema language: one spec drives validation, OpenAPI and Hypothesis.

Specs are immutable values. ``validate(spec, value)`` returns a list of issues in the
shape Runway's API reports them (its validator is Zod, so codes and messages follow
Zod's wording): ``{"code": ..., "path": [...], "message": ...}``.
The same specs are rendered to JSON Schema by ``to_json_schema`` (for the emulator's
own OpenAPI document) and read by ``contracts.strategies`` to draw valid and invalid
requests.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Issue = dict[str, Any]
Path = tuple[str | int, ...]

# Media limits (reference: runway-api.md section (a), "Media inputs").
HTTPS_MAX = 2048
RUNWAY_URI_MAX = 5000
DATA_URI_MAX = 5 * 1024 * 1024
URI_MIN = 13
UINT32_MAX = 4294967295


class Spec:
    """Base class of every spec; ``doc`` is a one-line description for OpenAPI."""

    doc: str = ""
    nullable: bool = False

    def check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        """Issues of ``value`` at ``path``; null passes where the spec is nullable."""
        if value is None and self.nullable:
            return []
        return self._check(value, path, ctx)

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass
class Context:
    """What a validation may consult beyond the value: e.g. known upload URIs."""

    media_resolver: Callable[[str, str, Path], list[Issue]] | None = None


def issue(code: str, path: Path, message: str, **extra: Any) -> Issue:
    """Build one issue in Runway's (Zod's) shape."""
    return {"code": code, "path": list(path), "message": message, **extra}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _wrong_type(expected: str, value: Any, path: Path) -> list[Issue]:
    return [
        issue(
            "invalid_type",
            path,
            f"Expected {expected}, received {_type_name(value)}",
            expected=expected,
            received=_type_name(value),
        )
    ]


def _with_null(schema: dict[str, Any], nullable: bool) -> dict[str, Any]:
    if not nullable:
        return schema
    if "type" in schema and isinstance(schema["type"], str):
        schema = dict(schema)
        schema["type"] = [schema["type"], "null"]
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def _literal(v: Any) -> str:
    """A value as Zod's messages quote it; bounded, so hostile input cannot blow it up."""
    if isinstance(v, str):
        return f"'{v[:200]}'"
    if isinstance(v, bool) or v is None:
        return str(v).lower() if v is not None else "null"
    if isinstance(v, (int, float)):
        return _js_number(v)
    return _type_name(v)


def _js_number(v: float) -> str:
    """A number as JavaScript's ``String(n)`` writes it (str() of a huge int would raise)."""
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, int) and abs(v) >= 10**21:
        return repr(float(v))
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    return str(v)


def _received(value: Any) -> Any:
    """The ``received`` field of an issue: the value when it is a scalar, else its type."""
    return value if hashable(value) else _type_name(value)


def hashable(value: Any) -> bool:
    """Whether ``value`` may be looked up in a dict or set (JSON objects and arrays cannot)."""
    return isinstance(value, (str, int, float, bool)) or value is None


@dataclass(frozen=True)
class Str(Spec):
    """A string with optional length bounds (in UTF-16 code units, as JavaScript counts)."""

    min_len: int | None = None
    max_len: int | None = None
    pattern: str | None = None
    doc: str = ""
    nullable: bool = False
    # JSON Schema formats the value must have one of ("date", "date-time"), checked too.
    formats: tuple[str, ...] = ()

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        if not isinstance(value, str):
            return _wrong_type("string", value, path)
        if self.formats and not any(_has_format(f, value) for f in self.formats):
            kind = "date" if self.formats == ("date",) else "datetime"
            return [issue("invalid_string", path, f"Invalid {kind}", validation=kind)]
        n = utf16_len(value)
        if self.min_len is not None and n < self.min_len:
            return [
                issue(
                    "too_small",
                    path,
                    f"String must contain at least {self.min_len} character(s)",
                    minimum=self.min_len,
                    type="string",
                    inclusive=True,
                )
            ]
        if self.max_len is not None and n > self.max_len:
            return [
                issue(
                    "too_big",
                    path,
                    f"String must contain at most {self.max_len} character(s)",
                    maximum=self.max_len,
                    type="string",
                    inclusive=True,
                )
            ]
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return [issue("invalid_string", path, "Invalid", validation="regex")]
        return []

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "string"}
        if self.min_len is not None:
            s["minLength"] = self.min_len
        if self.max_len is not None:
            s["maxLength"] = self.max_len
        if self.pattern is not None:
            s["pattern"] = f"^(?:{self.pattern})$"
        if len(self.formats) == 1:
            s["format"] = self.formats[0]
        elif self.formats:
            s["anyOf"] = [{"format": f} for f in self.formats]
        if self.doc:
            s["description"] = self.doc
        if self.max_len is not None or self.min_len is not None:
            s["description"] = (s.get("description", "") + " " + _UTF16_NOTE).strip()
        return _with_null(s, self.nullable)


_UTF16_NOTE = ("Lengths count UTF-16 code units, as JavaScript's String.length does: a "
               "character beyond the Basic Multilingual Plane (an emoji) counts twice.")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _has_format(fmt: str, value: str) -> bool:
    """Whether ``value`` is a valid ``fmt`` (JSON Schema's "date" or "date-time")."""
    from datetime import date, datetime

    try:
        if fmt == "date":
            return bool(_DATE.fullmatch(value)) and date.fromisoformat(value) is not None
        if fmt == "date-time":
            head = value[:10]
            return (bool(_DATE.fullmatch(head)) and value[10:11] in ("T", "t")
                    and datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
                    is not None)
    except ValueError:
        return False
    return True


def utf16_len(text: str) -> int:
    """Length as JavaScript's ``String.length`` counts it (surrogate pairs count twice)."""
    if text.isascii():
        return len(text)
    # Encoding runs in C (a 5 MiB data URI is measured in milliseconds); lone surrogates,
    # which JSON strings may hold, count one unit each, as in JavaScript.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True)
class Int(Spec):
    """An integer (JSON number without fraction) with optional inclusive bounds."""

    minimum: int | None = None
    maximum: int | None = None
    doc: str = ""
    nullable: bool = False

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return _wrong_type("integer", value, path)
        if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
            return [issue("invalid_type", path, "Expected integer, received float",
                          expected="integer", received="float")]
        return _bounds(value, self.minimum, self.maximum, path)

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            s["minimum"] = self.minimum
        if self.maximum is not None:
            s["maximum"] = self.maximum
        if self.doc:
            s["description"] = self.doc
        return _with_null(s, self.nullable)


@dataclass(frozen=True)
class Num(Spec):
    """A finite number with optional inclusive bounds."""

    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    doc: str = ""
    nullable: bool = False

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return _wrong_type("number", value, path)
        if not math.isfinite(value):
            return [issue("invalid_type", path, "Expected number, received nan")]
        if self.exclusive_minimum and self.minimum is not None and value <= self.minimum:
            return [issue("too_small", path, f"Number must be greater than {self.minimum}",
                          minimum=self.minimum, type="number", inclusive=False)]
        return _bounds(value, self.minimum, self.maximum, path)

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "number"}
        if self.minimum is not None:
            key = "exclusiveMinimum" if self.exclusive_minimum else "minimum"
            s[key] = self.minimum
        if self.maximum is not None:
            s["maximum"] = self.maximum
        if self.doc:
            s["description"] = self.doc
        return _with_null(s, self.nullable)


def _bounds(value: float, lo: float | None, hi: float | None, path: Path) -> list[Issue]:
    if lo is not None and value < lo:
        return [issue("too_small", path, f"Number must be greater than or equal to {lo}",
                      minimum=lo, type="number", inclusive=True)]
    if hi is not None and value > hi:
        return [issue("too_big", path, f"Number must be less than or equal to {hi}",
                      maximum=hi, type="number", inclusive=True)]
    return []


@dataclass(frozen=True)
class Bool(Spec):
    """A JSON boolean."""

    doc: str = ""
    nullable: bool = False

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        if not isinstance(value, bool):
            return _wrong_type("boolean", value, path)
        return []

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "boolean"}
        if self.doc:
            s["description"] = self.doc
        return _with_null(s, self.nullable)


@dataclass(frozen=True)
class Enum(Spec):
    """One of a fixed set of literal values (strings or numbers)."""

    values: tuple[Any, ...] = ()
    doc: str = ""
    nullable: bool = False

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        for v in self.values:
            if value == v and type(value) is type(v):
                return []
            # JSON has one number type: 5.0 is the integer 5.
            if (isinstance(v, int) and not isinstance(v, bool) and isinstance(value, float)
                    and value == v):
                return []
        expected = " | ".join(_literal(v) for v in self.values)
        return [issue("invalid_enum_value", path,
                      f"Invalid enum value. Expected {expected}, received {_literal(value)}",
                      options=list(self.values), received=_received(value))]

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"enum": list(self.values)}
        kinds = {type(v) for v in self.values}
        if kinds == {str}:
            s["type"] = "string"
        elif kinds <= {int}:
            s["type"] = "integer"
        if self.doc:
            s["description"] = self.doc
        if self.nullable:
            return {"anyOf": [s, {"type": "null"}]}
        return s


@dataclass(frozen=True)
class Const(Spec):
    """Exactly one literal value (used for discriminators such as ``type``)."""

    value: Any = None
    doc: str = ""

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        if value == self.value and type(value) is type(self.value):
            return []
        return [issue("invalid_literal", path,
                      f"Invalid literal value, expected {_literal(self.value)}",
                      expected=self.value, received=_received(value))]

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"const": self.value}
        if isinstance(self.value, str):
            s["type"] = "string"
        return s


MEDIA_KINDS = ("image", "video", "audio")


@dataclass(frozen=True)
class Media(Spec):
    """A media input: an https URL on a domain, a ``runway://`` upload URI, or a data URI.

    ``kinds`` lists the media kinds the field takes (``image``, ``video``, ``audio``).
    Rules from Runway's asset documentation: HTTPS only, no IP hosts, length limits
    per form, data URIs must name a media type of the right kind and be base64.
    """

    kinds: tuple[str, ...] = ("image",)
    doc: str = ""
    nullable: bool = False

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        if not isinstance(value, str):
            return _wrong_type("string", value, path)
        problems = media_problem(value, self.kinds)
        if problems:
            return [issue("invalid_string", path, problems, validation="url")]
        if value.startswith("runway://") and ctx.media_resolver is not None:
            return ctx.media_resolver(value, self.kinds[0], path)
        return []

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {
            "type": "string",
            "minLength": URI_MIN,
            "description": self.doc or (
                f"A {'/'.join(self.kinds)} input: an HTTPS URL on a domain name (not an IP "
                f"address; max {HTTPS_MAX} characters), a runway:// URI of an upload this "
                "key made (POST /v1/uploads), or a base64 data URI of that media kind "
                "(max 5 MiB)."
            ),
            "anyOf": [
                {"pattern": HTTPS_PATTERN, "maxLength": HTTPS_MAX},
                {"pattern": "^runway://", "maxLength": RUNWAY_URI_MAX},
                {"pattern": data_uri_pattern(self.kinds), "maxLength": DATA_URI_MAX},
            ],
        }
        return _with_null(s, self.nullable)


# The rules of ``media_problem`` as ECMA-262 patterns, for the OpenAPI document.
_LABEL_PATTERN = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
HTTPS_PATTERN = (
    r"^https://(?:[^/?#]*@)?(?!(?:\d{1,3}\.){3}\d{1,3}(?:[:/?#]|$))"
    rf"{_LABEL_PATTERN}(?:\.{_LABEL_PATTERN})+(?::[^/?#:@]*)?(?:[/?#][\s\S]*)?$"
)


def data_uri_pattern(kinds: Sequence[str]) -> str:
    """The data URIs ``media_problem`` accepts for ``kinds``, as one pattern."""
    param = "[A-Za-z0-9=.+-]"
    return (rf"^data:(?:{'|'.join(kinds)})/[A-Za-z0-9.+-]+(?:;{param}+)*;base64{param}*"
            rf"(?:;{param}+)*,(?:[A-Za-z0-9+/]+={{0,2}}|={{1,2}})$")


_IP_HOST = re.compile(r"^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\])$")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(\.{_LABEL})+$")
_DATA_URI = re.compile(r"^data:([a-z]+)/([A-Za-z0-9.+-]+)((?:;[A-Za-z0-9=.+-]+)*),(.*)$", re.S)


def media_problem(value: str, kinds: Sequence[str]) -> str | None:
    """Why ``value`` is not a usable media reference of one of ``kinds``, or None."""
    if value.startswith("https://"):
        if not URI_MIN <= utf16_len(value) <= HTTPS_MAX:  # counted as JavaScript counts
            return f"HTTPS URLs must be between {URI_MIN} and {HTTPS_MAX} characters"
        rest = value[len("https://"):]
        host = re.split(r"[/?#]", rest, maxsplit=1)[0]
        if "@" in host:
            host = host.rsplit("@", 1)[1]
        hostname = host
        if not host.startswith("["):
            hostname = host.rsplit(":", 1)[0] if ":" in host else host
        if _IP_HOST.match(hostname):
            return "The URL host must be a domain name, not an IP address"
        if not _HOST.match(hostname):
            return "Invalid URL: the host could not be parsed"
        return None
    if value.startswith("runway://"):
        if not URI_MIN <= utf16_len(value) <= RUNWAY_URI_MAX:
            return f"runway:// URIs must be between {URI_MIN} and {RUNWAY_URI_MAX} characters"
        return None
    if value.startswith("data:"):
        if utf16_len(value) > DATA_URI_MAX:
            return "Data URIs must be at most 5 MiB"
        m = _DATA_URI.match(value)
        if not m:
            return "Invalid data URI: it must carry a media type, e.g. data:image/png;base64,..."
        kind = m.group(1)
        if kind not in kinds:
            want = " or ".join(kinds)
            return f"Invalid data URI: expected a {want} media type, got {kind}/{m.group(2)}"
        if ";base64" not in m.group(3):
            return "Invalid data URI: the content must be base64-encoded"
        if not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", m.group(4)) or not m.group(4):
            return "Invalid data URI: the base64 content is malformed"
        return None
    if value.startswith("http://"):
        return "Only HTTPS URLs are allowed"
    return "Invalid URL: expected an https:// URL, a runway:// URI or a data URI"


@dataclass(frozen=True)
class Prop:
    """One property of an object spec."""

    spec: Spec
    required: bool = False


def req(spec: Spec) -> Prop:
    """A required property."""
    return Prop(spec, required=True)


def opt(spec: Spec) -> Prop:
    """An optional property."""
    return Prop(spec, required=False)


Rule = Callable[[Mapping[str, Any], Path], list[Issue]]


@dataclass(frozen=True)
class Obj(Spec):
    """A JSON object with declared properties; unknown keys are rejected unless ``extra``.

    ``rules`` are cross-field checks run once every property is individually valid.
    """

    props: Mapping[str, Prop] = field(default_factory=dict)
    extra: bool = False
    rules: tuple[Rule, ...] = ()
    doc: str = ""
    nullable: bool = False
    min_props: int = 0

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        if not isinstance(value, dict):
            return _wrong_type("object", value, path)
        out: list[Issue] = []
        for name, prop in self.props.items():
            if name not in value:
                if prop.required:
                    out.append(issue("invalid_type", (*path, name), "Required",
                                     expected=expected_name(prop.spec), received="undefined"))
                continue
            out.extend(prop.spec.check(value[name], (*path, name), ctx))
        if not self.extra:
            unknown = [k for k in value if k not in self.props]
            if unknown:
                keys = ", ".join(f"'{k}'" for k in unknown)
                out.extend(
                    issue("unrecognized_keys", (*path, k),
                          f"Unrecognized key(s) in object: {keys}", keys=unknown)
                    for k in unknown
                )
        if not out and len(value) < self.min_props:
            out.append(issue("custom", path, "At least one field must be provided"))
        if not out:
            for rule in self.rules:
                out.extend(rule(value, path))
        return out

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {
            "type": "object",
            "properties": {k: p.spec.json_schema() for k, p in self.props.items()},
        }
        required = [k for k, p in self.props.items() if p.required]
        if required:
            s["required"] = required
        if not self.extra:
            s["additionalProperties"] = False
        if self.min_props:
            s["minProperties"] = self.min_props
        if self.doc:
            s["description"] = self.doc
        if self.rules:
            said = "; ".join(rule_text(rule) for rule in self.rules)
            s["description"] = (s.get("description", "") + " Cross-field rules (checked once "
                                f"every field is valid; a refusal names the field): {said}."
                                ).strip()
        return _with_null(s, self.nullable)


def rule_text(rule: Rule) -> str:
    """A rule in words for the OpenAPI document: its own docstring, or its builder's with
    the field names it was built with (``required_if(promptText): ...``)."""
    doc = (getattr(rule, "__doc__", None) or "").strip()
    name = getattr(rule, "__qualname__", "rule")
    builder = name.split(".<locals>", 1)[0] if ".<locals>" in name else None
    if not doc and builder:
        outer = getattr(rule, "__globals__", {}).get(builder)
        doc = (getattr(outer, "__doc__", None) or "").strip()
    args = []
    code = getattr(rule, "__code__", None)
    names = code.co_freevars if code is not None else ()
    for var, cell in zip(names, getattr(rule, "__closure__", None) or (), strict=False):
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        terms = getattr(value, "terms", None)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            args.append(f"{var}={value!r}")
        elif isinstance(value, (tuple, list)) and value and all(isinstance(v, str)
                                                                 for v in value):
            args.append(f"{var}={'|'.join(value)}")
        elif isinstance(terms, tuple):
            args.append(f"{var}=when " + ", ".join(f"{k} is {v!r}" for k, v in terms))
    head = f"{builder or name}({', '.join(args)})" if args else (builder or name)
    first = doc.splitlines()[0].rstrip(".") if doc else ""
    return f"{head}: {first}" if first else head


def expected_name(spec: Spec) -> str:
    """The JSON type a spec expects, for "Required" issues."""
    table = {Str: "string", Int: "integer", Num: "number", Bool: "boolean", Media: "string",
             Obj: "object", Arr: "array"}
    for cls, name in table.items():
        if isinstance(spec, cls):
            return name
    if isinstance(spec, Enum):
        return " | ".join(_literal(v) for v in spec.values)
    return "unknown"


@dataclass(frozen=True)
class Arr(Spec):
    """A JSON array of items of one spec, with optional length bounds."""

    item: Spec = field(default_factory=Str)
    min_items: int | None = None
    max_items: int | None = None
    doc: str = ""
    nullable: bool = False

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        if not isinstance(value, list):
            return _wrong_type("array", value, path)
        if self.min_items is not None and len(value) < self.min_items:
            return [issue("too_small", path,
                          f"Array must contain at least {self.min_items} element(s)",
                          minimum=self.min_items, type="array", inclusive=True)]
        if self.max_items is not None and len(value) > self.max_items:
            return [issue("too_big", path,
                          f"Array must contain at most {self.max_items} element(s)",
                          maximum=self.max_items, type="array", inclusive=True)]
        out: list[Issue] = []
        for i, item in enumerate(value):
            out.extend(self.item.check(item, (*path, i), ctx))
        return out

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items is not None:
            s["minItems"] = self.min_items
        if self.max_items is not None:
            s["maxItems"] = self.max_items
        if self.doc:
            s["description"] = self.doc
        return _with_null(s, self.nullable)


@dataclass(frozen=True)
class Map(Spec):
    """A JSON object with arbitrary keys (checked by ``key``) whose values all match ``value``."""

    key: Spec = field(default_factory=Str)
    value: Spec = field(default_factory=Str)
    doc: str = ""
    nullable: bool = False

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        if not isinstance(value, dict):
            return _wrong_type("object", value, path)
        out: list[Issue] = []
        for k, v in value.items():
            out.extend(self.key.check(k, (*path, k), ctx))
            out.extend(self.value.check(v, (*path, k), ctx))
        return out

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "object", "propertyNames": self.key.json_schema(),
                             "additionalProperties": self.value.json_schema()}
        if self.doc:
            s["description"] = self.doc
        return _with_null(s, self.nullable)


@dataclass(frozen=True)
class AnyOf(Spec):
    """The first of several specs that accepts the value (e.g. a URI or a list of items).

    Variants are tried by JSON type first, so a string is checked against the string
    variant and reports that variant's precise issue rather than a vague union error.
    """

    variants: tuple[Spec, ...] = ()
    doc: str = ""
    nullable: bool = False

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        typed = [v for v in self.variants if _accepts_type(v, value)]
        if not typed:
            names = " | ".join(expected_name(v) for v in self.variants)
            return _wrong_type(names, value, path)
        first: list[Issue] | None = None
        for variant in typed:
            found = variant.check(value, path, ctx)
            if not found:
                return []
            if first is None:
                first = found
        return first or []

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"anyOf": [v.json_schema() for v in self.variants]}
        if self.doc:
            s["description"] = self.doc
        return _with_null(s, self.nullable)


def _accepts_type(spec: Spec, value: Any) -> bool:
    if isinstance(spec, (Str, Media)):
        return isinstance(value, str)
    if isinstance(spec, (Int, Num)):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(spec, Bool):
        return isinstance(value, bool)
    if isinstance(spec, (Obj, Tagged)):
        return isinstance(value, dict)
    if isinstance(spec, Arr):
        return isinstance(value, list)
    if isinstance(spec, Enum):
        return any(type(v) is type(value) or (isinstance(v, int) and isinstance(value, float))
                   for v in spec.values)
    return True


@dataclass(frozen=True)
class Tagged(Spec):
    """A union of objects told apart by one discriminator property (e.g. ``type``)."""

    key: str = "type"
    variants: Mapping[str, Obj] = field(default_factory=dict)
    doc: str = ""
    nullable: bool = False

    def _check(self, value: Any, path: Path, ctx: Context) -> list[Issue]:
        if not isinstance(value, dict):
            return _wrong_type("object", value, path)
        tag = value.get(self.key)
        # The tag comes from the client: an object or array there is just a wrong value.
        if not hashable(tag) or tag not in self.variants:
            opts = " | ".join(f"'{k}'" for k in self.variants)
            return [issue("invalid_union_discriminator", (*path, self.key),
                          f"Invalid discriminator value. Expected {opts}",
                          options=list(self.variants))]
        return self.variants[tag].check(value, path, ctx)

    def json_schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {
            "oneOf": [v.json_schema() for v in self.variants.values()],
            "discriminator": {"propertyName": self.key},
        }
        if self.doc:
            s["description"] = self.doc
        return _with_null(s, self.nullable)


def tagged_obj(key: str, tag: str, props: Mapping[str, Prop], **kw: Any) -> Obj:
    """An object whose ``key`` property is the literal ``tag``, plus ``props``."""
    return Obj(props={key: req(Const(tag)), **props}, **kw)


def validate(spec: Spec, value: Any, ctx: Context | None = None) -> list[Issue]:
    """Every issue ``value`` has against ``spec``; empty when it is valid."""
    return spec.check(value, (), ctx or Context())
