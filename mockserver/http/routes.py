"""The API operations an app serves, read from its URL map."""

from __future__ import annotations

import re

from flask import Flask

_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def api_operations(app: Flask) -> list[tuple[str, str]]:
    """(METHOD, /v1/path/{param}) for every API route, sorted by path then method."""
    ops = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1/"):
            continue
        path = _CONVERTER.sub(r"{\1}", rule.rule)
        for method in rule.methods or ():
            if method in ("HEAD", "OPTIONS"):
                continue
            ops.add((method, path))
    return sorted(ops, key=lambda op: (op[1], op[0]))
