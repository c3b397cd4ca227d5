"""A ``Store`` on Redis, so several emulator hosts behind a load balancer share one state.

Redis is the engine: every operation is one Redis command or one Lua script (a script
runs alone on the server, so its read and its write see no one in between). Record
updates and mapping merges, whose new value is computed in Python from the JSON,
commit through a compare-and-set script (the write happens only if the stored JSON is
still what was read, otherwise the operation re-reads and tries again), the way
``WATCH``/``MULTI`` would, without a lock anywhere.

Keys live under a namespace (``runway-mock`` unless the URL says ``?namespace=NAME``);
``?private=1`` gives the store a namespace of its own that ``close`` deletes (tests).
Layout, under ``{ns}:t:{tenant}``: ``:c`` counters (hash), ``:v`` values (hash of JSON),
``:r:{kind}`` records (hash rid -> JSON) with ``:o:{kind}`` their order (sorted set
scored by sequence), ``:s:{name}`` sets (sorted set scored by insertion), and ``:kinds``
/ ``:sets`` naming those; ``{ns}:tenants`` lists tenants, ``{ns}:x:{stream}`` holds a
capped log (list) with its sequence in ``{ns}:xseq``. Single Redis server only: the
scripts touch keys of one tenant that a cluster could place on different slots.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from runway_mock.store.base import Add, Guard, Insert, SetAdd, Update

DEFAULT_NAMESPACE = "runway-mock"
_MISSING = "\x00missing"
# Keys per HMGET/ZADD call, below Lua's limit on unpacked arguments.
_CHUNK = 2000


def matches(record: dict[str, Any], expect: dict[str, Any] | None) -> bool:
    """True when every ``expect`` field equals the record's (a missing field is None)."""
    return expect is None or all(record.get(k) == v for k, v in expect.items())


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


# KEYS: counters, records, order, kinds, tenants. ARGV: tenant, kind, replace, rid, json...
# The record's JSON gets its sequence number appended as its last field, "_seq".
_INSERT = """
if ARGV[3] == '1' then
  redis.call('DEL', KEYS[2], KEYS[3])
end
local seen = {}
for i = 4, #ARGV, 2 do
  if seen[ARGV[i]] or redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then
    return {-1, ARGV[i]}
  end
  seen[ARGV[i]] = true
end
local out = {}
for i = 4, #ARGV, 2 do
  local seq = redis.call('HINCRBY', KEYS[1], '_seq', 1)
  local body = ARGV[i + 1]
  local sep = ','
  if body == '{}' then sep = '' end
  body = string.sub(body, 1, -2) .. sep .. '"_seq":' .. string.format('%d', seq) .. '}'
  redis.call('HSET', KEYS[2], ARGV[i], body)
  redis.call('ZADD', KEYS[3], seq, ARGV[i])
  out[#out + 1] = seq
end
redis.call('SADD', KEYS[4], ARGV[2])
redis.call('SADD', KEYS[5], ARGV[1])
return out
"""

# KEYS: records, order. ARGV: rid, JSON read, new JSON ('' deletes the record).
# Writes only if the record still holds what was read (compare-and-set).
_CAS_RECORD = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return 1
"""

# KEYS: values, tenants. ARGV: tenant, key, JSON read (or the missing marker), new JSON.
_CAS_VALUE = """
local cur = redis.call('HGET', KEYS[1], ARGV[2])
if not cur then cur = '""" + _MISSING + """' end
if cur ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
"""

# KEYS: records, order. ARGV: rid. Removes the record; returns its JSON (or false).
_DELETE = """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return cur
"""

# KEYS: order, records. ARGV: bound ('' for none), limit, newest first ('1').
_PAGE = """
local ids
if ARGV[3] == '1' then
  local hi = '+inf'
  if ARGV[1] ~= '' then hi = '(' .. ARGV[1] end
  ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], hi, '-inf', 'LIMIT', 0, tonumber(ARGV[2]))
else
  local lo = '-inf'
  if ARGV[1] ~= '' then lo = '(' .. ARGV[1] end
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], lo, '+inf', 'LIMIT', 0, tonumber(ARGV[2]))
end
local out = {}
for i = 1, #ids, """ + str(_CHUNK) + """ do
  local part = redis.call('HMGET', KEYS[2], unpack(ids, i, math.min(i + """ + str(_CHUNK - 1)
_PAGE += """, #ids)))
  for j = 1, #part do out[#out + 1] = part[j] end
end
return out
"""

# KEYS: values, tenants. ARGV: tenant, key, delta, floor ('' for none).
_ADD = """
redis.call('SADD', KEYS[2], ARGV[1])
local cur = redis.call('HGET', KEYS[1], ARGV[2]) or '0'
if ARGV[4] ~= '' and tonumber(cur) + tonumber(ARGV[3]) < tonumber(ARGV[4]) then
  return {0, cur}
end
return {1, redis.call('HINCRBYFLOAT', KEYS[1], ARGV[2], ARGV[3])}
"""

# KEYS: a tenant's hash, tenants. ARGV: tenant, field, JSON. (put_value.)
_HSET = """
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 1
"""

# KEYS: counters, tenants. ARGV: tenant, counter.
_NEXT = """
redis.call('SADD', KEYS[2], ARGV[1])
return redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
"""

# KEYS: the set, set names, tenants. ARGV: tenant, name, member.
_SET_ADD = """
if redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 0 end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local pos = 1
if #last > 0 then pos = tonumber(last[2]) + 1 end
redis.call('ZADD', KEYS[1], pos, ARGV[3])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
"""

# KEYS: the log, sequences, streams. ARGV: stream, JSON, maxlen.
_APPEND = """
local seq = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
local body = ARGV[2]
local sep = ','
if body == '{}' then sep = '' end
body = string.sub(body, 1, -2) .. sep .. '"seq":' .. string.format('%d', seq) .. '}'
redis.call('RPUSH', KEYS[1], body)
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('SADD', KEYS[3], ARGV[1])
return seq
"""

# KEYS: the log, sequences. ARGV: stream, after. Entries are consecutive by sequence.
_READ = """
local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local len = redis.call('LLEN', KEYS[1])
local first = last - len + 1
local start = tonumber(ARGV[2]) - first + 1
if start < 0 then start = 0 end
return redis.call('LRANGE', KEYS[1], start, -1)
"""

# ARGV: namespace, tenant ('' for every tenant and log). Deletes what the index names.
_RESET = """
local ns = ARGV[1]
local function drop(t)
  local base = ns .. ':t:' .. t
  for _, kind in ipairs(redis.call('SMEMBERS', base .. ':kinds')) do
    redis.call('DEL', base .. ':r:' .. kind, base .. ':o:' .. kind)
  end
  for _, name in ipairs(redis.call('SMEMBERS', base .. ':sets')) do
    redis.call('DEL', base .. ':s:' .. name)
  end
  redis.call('DEL', base .. ':kinds', base .. ':sets', base .. ':c', base .. ':v')
  redis.call('SREM', ns .. ':tenants', t)
end
if ARGV[2] ~= '' then
  drop(ARGV[2])
  return 1
end
for _, t in ipairs(redis.call('SMEMBERS', ns .. ':tenants')) do drop(t) end
for _, s in ipairs(redis.call('SMEMBERS', ns .. ':streams')) do
  redis.call('DEL', ns .. ':x:' .. s)
end
redis.call('DEL', ns .. ':streams', ns .. ':xseq', ns .. ':tenants', ns .. ':timeline',
           ns .. ':timeline:n')
return 1
"""

# KEYS: the timeline (sorted set scored by time). ARGV: now, limit. Take what is due.
_DUE = """
local items = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #items > 0 then redis.call('ZREM', KEYS[1], unpack(items)) end
return items
"""

# KEYS: the log. ARGV: field, before. Pop the oldest entries older than ``before``.
_EXPIRE = """
local n = 0
while true do
  local first = redis.call('LINDEX', KEYS[1], 0)
  if not first then break end
  local value = cjson.decode(first)[ARGV[1]]
  if type(value) ~= 'number' or value >= tonumber(ARGV[2]) then break end
  redis.call('LPOP', KEYS[1])
  n = n + 1
end
return n
"""


# ARGV: tenant, JSON plan {check, adds, values, insert, update, sets} (RedisStore.commit).
# Every hash field in "check" must still hold the JSON read (or be missing); then every
# write is applied. 0: something changed since it was read; -1: an insert id exists;
# 2: an add would pass its floor.
_COMMIT = """
local tenant = ARGV[1]
local plan = cjson.decode(ARGV[2])
for _, c in ipairs(plan.check) do
  local cur = redis.call('HGET', c[1], c[2])
  if not cur then cur = '""" + _MISSING + """' end
  if cur ~= c[3] then return 0 end
end
local sums = {}
for _, a in ipairs(plan.adds) do
  local cur = sums[a[1]] or tonumber(redis.call('HGET', plan.vals, a[1]) or '0')
  sums[a[1]] = cur + tonumber(a[2])
  if a[3] ~= '' and sums[a[1]] < tonumber(a[3]) then return 2 end
end
local seen = {}
for _, ins in ipairs(plan.insert) do
  local id = ins[1] .. '\0' .. ins[4]
  if seen[id] or redis.call('HEXISTS', ins[1], ins[4]) == 1 then return -1 end
  seen[id] = true
end
redis.call('SADD', plan.tenants, tenant)
for _, v in ipairs(plan.values) do redis.call('HSET', plan.vals, v[1], v[2]) end
for _, a in ipairs(plan.adds) do redis.call('HINCRBYFLOAT', plan.vals, a[1], a[2]) end
for _, ins in ipairs(plan.insert) do
  local seq = redis.call('HINCRBY', plan.counters, '_seq', 1)
  local body = ins[5]
  local sep = ','
  if body == '{}' then sep = '' end
  body = string.sub(body, 1, -2) .. sep .. '"_seq":' .. string.format('%d', seq) .. '}'
  redis.call('HSET', ins[1], ins[4], body)
  redis.call('ZADD', ins[2], seq, ins[4])
  redis.call('SADD', plan.kinds, ins[3])
end
for _, u in ipairs(plan.update) do redis.call('HSET', u[1], u[2], u[3]) end
for _, m in ipairs(plan.sets) do
  if not redis.call('ZSCORE', m[1], m[3]) then
    local last = redis.call('ZRANGE', m[1], -1, -1, 'WITHSCORES')
    local pos = 1
    if #last > 0 then pos = tonumber(last[2]) + 1 end
    redis.call('ZADD', m[1], pos, m[3])
    redis.call('SADD', plan.setnames, m[2])
  end
end
return 1
"""

def parse_url(url: str) -> tuple[str, str, bool]:
    """(URL for the client, namespace, private) from a ``redis://`` store URL."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    ours = {k: v for k, v in query if k in ("namespace", "private")}
    rest = [(k, v) for k, v in query if k not in ours]
    namespace = ours.get("namespace") or DEFAULT_NAMESPACE
    private = ours.get("private", "").lower() in ("1", "true", "yes")
    return urlunsplit(parts._replace(query=urlencode(rest))), namespace, private


class RedisStore:
    """The store protocol on one Redis server (a URL such as ``redis://127.0.0.1:6379/0``)."""

    def __init__(self, url: str, *, namespace: str | None = None,
                 private: bool | None = None) -> None:
        client_url, ns, is_private = parse_url(url)
        self.private = is_private if private is None else private
        ns = namespace or ns
        if self.private:
            # A name no other store uses: the data is this object's alone.
            ns = f"{ns}:private:{os.urandom(8).hex()}"
        self.namespace = ns
        self._r = redis.Redis.from_url(client_url, decode_responses=True)
        self._r.ping()
        s = self._r.register_script
        self._insert, self._delete = s(_INSERT), s(_DELETE)
        self._cas_record, self._cas_value = s(_CAS_RECORD), s(_CAS_VALUE)
        self._page, self._add, self._hset = s(_PAGE), s(_ADD), s(_HSET)
        self._next, self._set_add, self._append = s(_NEXT), s(_SET_ADD), s(_APPEND)
        self._read, self._reset = s(_READ), s(_RESET)
        self._commit = s(_COMMIT)
        self._due, self._expire = s(_DUE), s(_EXPIRE)
        self._tenants_key = f"{ns}:tenants"

    def after_fork(self) -> None:
        """Drop connections inherited from the parent (a forked worker calls this)."""
        self._r.connection_pool.reset()

    def close(self) -> None:
        """Drop the connections (and a private namespace's data)."""
        if self.private:
            self.reset()
        self._r.close()

    def _t(self, tenant: str, part: str) -> str:
        return f"{self.namespace}:t:{tenant}:{part}"

    # -- records -----------------------------------------------------------------------

    def next_seq(self, tenant: str, counter: str) -> int:
        return int(self._next(keys=[self._t(tenant, "c"), self._tenants_key],
                              args=[tenant, counter]))

    def insert_many(self, tenant: str, kind: str, items: list[tuple[str, dict[str, Any]]],
                    *, replace: bool = False) -> list[int]:
        args: list[Any] = [tenant, kind, "1" if replace else "0"]
        for rid, record in items:
            args += [rid, _dumps({k: v for k, v in record.items() if k != "_seq"})]
        out = self._insert(keys=[self._t(tenant, "c"), self._t(tenant, f"r:{kind}"),
                                 self._t(tenant, f"o:{kind}"), self._t(tenant, "kinds"),
                                 self._tenants_key], args=args)
        if out and out[0] == -1:
            raise KeyError(f"{kind} {out[1]} exists")
        return [int(n) for n in out]

    def insert(self, tenant: str, kind: str, rid: str, record: dict[str, Any]) -> int:
        return self.insert_many(tenant, kind, [(rid, record)])[0]

    def get(self, tenant: str, kind: str, rid: str) -> dict[str, Any] | None:
        raw = self._r.hget(self._t(tenant, f"r:{kind}"), rid)
        return None if raw is None else json.loads(raw)

    def update(self, tenant: str, kind: str, rid: str, changes: dict[str, Any],
               expect: dict[str, Any] | None = None) -> dict[str, Any] | None:
        key = self._t(tenant, f"r:{kind}")
        changes = {k: v for k, v in changes.items() if k != "_seq"}
        while True:
            raw = self._r.hget(key, rid)
            if raw is None:
                return None
            record = json.loads(raw)
            if not matches(record, expect):
                return None
            seq = record.pop("_seq")
            record.update(changes)
            record["_seq"] = seq
            new = _dumps(record)
            if self._cas_record(keys=[key, self._t(tenant, f"o:{kind}")],
                                args=[rid, raw, new]):
                return json.loads(new)

    def delete(self, tenant: str, kind: str, rid: str,
               expect: dict[str, Any] | None = None) -> dict[str, Any] | None:
        key, order = self._t(tenant, f"r:{kind}"), self._t(tenant, f"o:{kind}")
        if expect is None:
            raw = self._delete(keys=[key, order], args=[rid])
            return json.loads(raw) if raw else None
        while True:
            raw = self._r.hget(key, rid)
            if raw is None:
                return None
            record = json.loads(raw)
            if not matches(record, expect):
                return None
            if self._cas_record(keys=[key, order], args=[rid, raw, ""]):
                return record

    def page(self, tenant: str, kind: str, after: int | None, limit: int,
             newest_first: bool = False) -> list[dict[str, Any]]:
        if limit <= 0:
            return []
        rows = self._page(keys=[self._t(tenant, f"o:{kind}"), self._t(tenant, f"r:{kind}")],
                          args=["" if after is None else int(after), int(limit),
                                "1" if newest_first else "0"])
        return [json.loads(r) for r in rows if r]

    def count(self, tenant: str, kind: str) -> int:
        return int(self._r.hlen(self._t(tenant, f"r:{kind}")))

    # -- values ------------------------------------------------------------------------

    def add(self, tenant: str, key: str, delta: float,
            floor: float | None = None) -> tuple[bool, float]:
        ok, value = self._add(keys=[self._t(tenant, "v"), self._tenants_key],
                              args=[tenant, key, repr(delta),
                                    "" if floor is None else repr(floor)])
        return bool(ok), json.loads(value)

    def value(self, tenant: str, key: str, default: float = 0.0) -> float:
        raw = self._r.hget(self._t(tenant, "v"), key)
        return default if raw is None else json.loads(raw)

    def put_value(self, tenant: str, key: str, value: Any) -> None:
        self._hset(keys=[self._t(tenant, "v"), self._tenants_key],
                   args=[tenant, key, _dumps(value)])

    def get_value(self, tenant: str, key: str, default: Any = None) -> Any:
        raw = self._r.hget(self._t(tenant, "v"), key)
        return default if raw is None else json.loads(raw)

    def merge_entry(self, tenant: str, key: str, entry: str, changes: dict[str, Any] | None,
                    *, replace: bool = False) -> dict[str, Any]:
        values = self._t(tenant, "v")
        while True:
            raw = self._r.hget(values, key)
            table = json.loads(raw) if raw is not None else None
            table = table if isinstance(table, dict) else {}
            if changes is None:
                table.pop(entry, None)
            elif replace or not isinstance(table.get(entry), dict):
                table[entry] = changes
            else:
                table[entry] = {**table[entry], **changes}
            new = _dumps(table)
            if self._cas_value(keys=[values, self._tenants_key],
                               args=[tenant, key, _MISSING if raw is None else raw, new]):
                return json.loads(new)

    def commit(self, tenant: str, *, expect: Mapping[str, Any] | None = None,
               values: Mapping[str, Any] | None = None, insert: Sequence[Insert] = (),
               update: Sequence[Update] = (), set_add: Sequence[SetAdd] = (),
               add: Sequence[Add] = (), guard: Sequence[Guard] = ()) -> bool:
        vals = self._t(tenant, "v")
        expect = dict(expect or {})
        while True:
            # Read and decide here; the script applies it only over what was read.
            check: list[list[str]] = []
            if expect:
                raws = self._r.hmget(vals, list(expect))
                for (key, want), raw in zip(expect.items(), raws, strict=True):
                    if (None if raw is None else json.loads(raw)) != want:
                        return False
                    check.append([vals, key, _MISSING if raw is None else raw])
            for kind, rid, want in guard:
                key = self._t(tenant, f"r:{kind}")
                raw = self._r.hget(key, rid)
                if raw is None or not matches(json.loads(raw), want):
                    return False
                check.append([key, rid, raw])
            updates = []
            for kind, rid, changes, want in update:
                key = self._t(tenant, f"r:{kind}")
                raw = self._r.hget(key, rid)
                check.append([key, rid, _MISSING if raw is None else raw])
                record = None if raw is None else json.loads(raw)
                if record is None or not matches(record, want):
                    continue
                seq = record.pop("_seq")
                record.update({k: v for k, v in changes.items() if k != "_seq"})
                record["_seq"] = seq
                updates.append([key, rid, _dumps(record)])
            plan = {
                "check": check, "vals": vals, "tenants": self._tenants_key,
                "counters": self._t(tenant, "c"), "kinds": self._t(tenant, "kinds"),
                "setnames": self._t(tenant, "sets"),
                "values": [[k, _dumps(v)] for k, v in (values or {}).items()],
                "adds": [[k, repr(d), "" if f is None else repr(f)] for k, d, f in add],
                "insert": [[self._t(tenant, f"r:{kind}"), self._t(tenant, f"o:{kind}"), kind,
                            rid, _dumps({k: v for k, v in rec.items() if k != "_seq"})]
                           for kind, rid, rec in insert],
                "update": updates,
                "sets": [[self._t(tenant, f"s:{name}"), name, member]
                         for name, member in set_add],
            }
            done = int(self._commit(keys=[], args=[tenant, _dumps(plan)]))
            if done == -1:
                raise KeyError("a record inserted by this commit exists")
            if done == 1:
                return True
            if done == 2:
                return False  # an add would have passed its floor

    # -- sets --------------------------------------------------------------------------

    def set_add(self, tenant: str, name: str, member: str) -> bool:
        return bool(self._set_add(keys=[self._t(tenant, f"s:{name}"), self._t(tenant, "sets"),
                                        self._tenants_key], args=[tenant, name, member]))

    def set_remove(self, tenant: str, name: str, member: str) -> bool:
        return bool(self._r.zrem(self._t(tenant, f"s:{name}"), member))

    def set_members(self, tenant: str, name: str) -> list[str]:
        return list(self._r.zrange(self._t(tenant, f"s:{name}"), 0, -1))

    # -- logs --------------------------------------------------------------------------

    def append(self, stream: str, entry: dict[str, Any], maxlen: int) -> int:
        ns = self.namespace
        return int(self._append(keys=[f"{ns}:x:{stream}", f"{ns}:xseq", f"{ns}:streams"],
                                args=[stream, _dumps(entry), max(1, int(maxlen))]))

    def read(self, stream: str, after: int = 0) -> list[dict[str, Any]]:
        ns = self.namespace
        rows = self._read(keys=[f"{ns}:x:{stream}", f"{ns}:xseq"], args=[stream, int(after)])
        return [e for e in (json.loads(r) for r in rows) if e["seq"] > after]

    # -- whole state -------------------------------------------------------------------

    def tenants(self) -> list[str]:
        return sorted(self._r.smembers(self._tenants_key))

    def reset(self, tenant: str | None = None) -> None:
        self._reset(keys=[], args=[self.namespace, tenant or ""])

    # -- retention: a timeline of records that may be purged, and capped-log expiry ------

    def schedule(self, tenant: str, kind: str, rid: str, at: float) -> None:
        ns = self.namespace
        n = self._r.incr(f"{ns}:timeline:n")  # keeps two notes of one record apart
        self._r.zadd(f"{ns}:timeline", {_dumps([tenant, kind, rid, n]): float(at)})

    def due(self, now: float, limit: int) -> list[tuple[str, str, str]]:
        taken = self._due(keys=[f"{self.namespace}:timeline"], args=[float(now), int(limit)])
        return [tuple(json.loads(item)[:3]) for item in taken]  # type: ignore[misc]

    def expire(self, stream: str, field: str, before: float) -> int:
        return int(self._expire(keys=[f"{self.namespace}:x:{stream}"],
                                args=[field, float(before)]))

    def dump(self, tenant: str | None = None) -> dict[str, Any]:
        names = [tenant] if tenant is not None else self.tenants()
        out: dict[str, Any] = {}
        for name in names:
            kinds = sorted(self._r.smembers(self._t(name, "kinds")))
            set_names = sorted(self._r.smembers(self._t(name, "sets")))
            pipe = self._r.pipeline(transaction=True)  # MULTI: one consistent snapshot
            for kind in kinds:
                pipe.zrange(self._t(name, f"o:{kind}"), 0, -1)
                pipe.hgetall(self._t(name, f"r:{kind}"))
            pipe.hgetall(self._t(name, "v"))
            for set_name in set_names:
                pipe.zrange(self._t(name, f"s:{set_name}"), 0, -1)
            pipe.hgetall(self._t(name, "c"))
            replies = pipe.execute()
            records = {}
            for i, kind in enumerate(kinds):
                order, rows = replies[2 * i], replies[2 * i + 1]
                records[kind] = [{**json.loads(rows[rid]), "_rid": rid}
                                 for rid in order if rid in rows]
            rest = replies[2 * len(kinds):]
            values = {k: json.loads(v) for k, v in rest[0].items()}
            sets = {n: list(m) for n, m in zip(set_names, rest[1:-1], strict=True)}
            counters = {k: int(v) for k, v in rest[-1].items()}
            if records or values or sets or counters:
                out[name] = {"records": records, "values": values, "sets": sets,
                             "counters": counters}
        if tenant is None:
            ns = self.namespace
            streams: dict[str, Any] = {}
            for stream in sorted(self._r.smembers(f"{ns}:streams")):
                seq = int(self._r.hget(f"{ns}:xseq", stream) or 0)
                entries = [json.loads(e) for e in self._r.lrange(f"{ns}:x:{stream}", 0, -1)]
                streams[stream] = {"seq": seq, "maxlen": None, "entries": entries}
            out["_streams"] = streams
        return out

    def load(self, data: dict[str, Any]) -> None:
        ns = self.namespace
        pipe = self._r.pipeline(transaction=True)  # MULTI/EXEC: all of it or none
        for name, body in data.items():
            if name == "_streams":
                continue
            self._reset(keys=[], args=[ns, name], client=pipe)
            for kind, records in (body.get("records") or {}).items():
                rows, order = {}, {}
                for given in records:
                    record = dict(given)
                    rid = str(record.pop("_rid"))
                    rows[rid] = _dumps(record)
                    order[rid] = int(record["_seq"])
                if rows:
                    pipe.hset(self._t(name, f"r:{kind}"), mapping=rows)
                    pipe.zadd(self._t(name, f"o:{kind}"), order)
                pipe.sadd(self._t(name, "kinds"), kind)
            values = body.get("values") or {}
            if values:
                pipe.hset(self._t(name, "v"), mapping={k: _dumps(v) for k, v in values.items()})
            for set_name, members in (body.get("sets") or {}).items():
                if members:
                    pipe.zadd(self._t(name, f"s:{set_name}"),
                              {m: pos for pos, m in enumerate(members, 1)})
                pipe.sadd(self._t(name, "sets"), set_name)
            counters = body.get("counters") or {}
            if counters:
                pipe.hset(self._t(name, "c"), mapping={k: int(v) for k, v in counters.items()})
            pipe.sadd(self._tenants_key, name)
        for stream, body in (data.get("_streams") or {}).items():
            pipe.delete(f"{ns}:x:{stream}")
            entries = [_dumps(e) for e in body.get("entries", [])]
            if entries:
                pipe.rpush(f"{ns}:x:{stream}", *entries)
            pipe.hset(f"{ns}:xseq", stream, int(body.get("seq", 0)))
            pipe.sadd(f"{ns}:streams", stream)
        pipe.execute()
