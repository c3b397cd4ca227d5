"""The request helpers of http/wire.py: one parse of the JSON body per request."""

from __future__ import annotations

import io
import json

import pytest
from runway_mock.errors import BadRequest
from runway_mock.http import wire


def test_the_body_is_parsed_once_and_shared_by_hooks_and_view(app):
    """The fault hook's peek and the view's read return the very same parsed object."""
    with app.test_request_context("/v1/image_to_video", method="POST",
                                  data=json.dumps({"model": "gen4_turbo"}),
                                  content_type="application/json"):
        peeked = wire.peek_json()
        assert peeked == {"model": "gen4_turbo"}
        assert wire.read_json() is peeked


@pytest.mark.parametrize(("data", "content_type", "message"), [
    ("{", "application/json", "not valid JSON"),
    ("{}", "text/plain", "must be JSON"),
    (b"\xff", "application/json", "UTF-8"),
])
def test_a_bad_body_is_a_400_for_the_view_and_none_for_the_hooks(app, data, content_type,
                                                                  message):
    """Hooks never raise on a bad body; the view gets the 400 that names the problem."""
    with app.test_request_context("/v1/image_to_video", method="POST", data=data,
                                  content_type=content_type):
        assert wire.peek_json() is None
        with pytest.raises(BadRequest, match=message):
            wire.read_json()


def test_an_empty_body_reads_as_an_empty_object(app):
    """An empty request body reads as {} while peek_json returns None."""
    with app.test_request_context("/v1/image_to_video", method="POST"):
        assert wire.read_json() == {} and wire.peek_json() is None


def test_a_body_over_the_limit_is_never_read(clock):
    """Werkzeug's 413 reaches the view; the hooks see no body."""
    from runway_mock import create_app
    from werkzeug.exceptions import RequestEntityTooLarge

    app = create_app({"max_body_bytes": 10}, clock=clock)
    with app.test_request_context("/v1/image_to_video", method="POST", data="x" * 100,
                                  content_type="application/json"):
        assert wire.peek_json() is None
        with pytest.raises(RequestEntityTooLarge):
            wire.read_json()


def test_the_journal_reads_the_body_the_view_built_not_a_reparse(app):
    """``sent_json`` hands back json_response's own value; other responses are parsed."""
    from flask import Response

    with app.test_request_context("/v1/organization"):
        body = {"id": "t", "items": [1, 2]}
        resp = wire.json_response(body)
        assert wire.sent_json(resp) is body
        other = Response('{"x":1}', content_type="application/json")
        assert wire.sent_json(other) == {"x": 1}
        assert wire.sent_json(Response("plain", content_type="text/plain")) is None


def test_the_hooks_never_read_a_form_body(app):
    """A multipart upload is left for its view: peeking does not consume the stream."""
    with app.test_request_context("/_uploads/x", method="POST",
                                  data={"file": (io.BytesIO(b"abc"), "a.png")},
                                  content_type="multipart/form-data"):
        from flask import request

        assert wire.peek_json() is None
        assert request.files["file"].read() == b"abc"
