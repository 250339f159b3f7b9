"""Strict input: bad bodies are refused with 4xx (never 500), and refusals stay small.

Issue 21 found 500s for non-finite numbers, lone surrogates and deep nesting, strings and
booleans taken as quantities, no body size limit, and 422s echoing the whole input.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .support import Server

MOVEMENT = '{"nation":"BBB","item":"S155","kind":"receipt","quantity":%s,"reason":%s}'


def post_raw(server: Server, body: bytes | str, key: str,
             content_type: str = "application/json") -> Any:
    """POST `body` as it is to /movements as BBB."""
    key = "k-" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    headers = {**server.headers("other_nation"), "Idempotency-Key": key,
               "Content-Type": content_type}
    return server.client.post("/api/v1/movements", content=body, headers=headers)


@pytest.mark.parametrize("quantity", [
    "NaN", "Infinity", "-Infinity", "1e400", "-1e400", '"5"', "true", "false", "null",
    "5e-324", "0.0000001", "[1]", '{"a":1}',
])
def test_a_quantity_that_is_not_a_finite_number_in_steps_is_422(
    server: Server, quantity: str,
) -> None:
    response = post_raw(server, MOVEMENT % (quantity, '"x"'), f"q-{quantity}")
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][-1] == "quantity"


def test_a_fraction_in_millionths_is_accepted(server: Server) -> None:
    response = post_raw(server, MOVEMENT % ("2", '"whole"'), "whole")
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("reason", ['"a\\ud800b"', '"\\udfff"', '"a\\u0007b"', '"a\\u0000"',
                                    '"tab\\there"', '"x\\u202ey"', '""'])
def test_text_with_control_characters_or_lone_surrogates_is_422(
    server: Server, reason: str,
) -> None:
    response = post_raw(server, MOVEMENT % ("1", reason), f"r-{reason}")
    assert response.status_code == 422, response.text
    json.dumps(response.json(), ensure_ascii=False).encode()  # the answer is valid UTF-8


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_deep_nesting_is_a_4xx_not_a_recursion_error(server: Server, content_type: str) -> None:
    response = post_raw(server, "[" * 100_000, f"deep-{content_type}", content_type)
    assert 400 <= response.status_code < 500
    assert len(response.content) < 2000


def test_a_body_that_is_not_utf8_is_400_as_documented(server: Server) -> None:
    response = post_raw(server, b'{"reason": "\xff\xfe"}', "latin")
    assert response.status_code == 400
    documented = server.client.get("/openapi.json").json()
    assert "400" in documented["paths"]["/api/v1/movements"]["post"]["responses"]


def test_a_body_over_the_limit_is_413_before_it_is_read(server: Server) -> None:
    limit = server.app.state.settings.max_body_bytes
    response = post_raw(server, MOVEMENT % ("1", json.dumps("x" * limit)), "huge")
    assert response.status_code == 413
    assert response.json()["detail"]


def test_a_refusal_echoes_only_an_excerpt(server: Server) -> None:
    body = MOVEMENT % ("1", "7") + " " * 10
    padded = body[:-11] + ',"pad":' + json.dumps("y" * 500_000) + "}"
    response = post_raw(server, padded, "echo")
    assert response.status_code == 422
    assert len(response.content) < 2000


def test_options_is_answered_with_the_allowed_methods(server: Server) -> None:
    response = server.client.options("/api/v1/pledges/P1")
    assert response.status_code == 204
    assert set(response.headers["allow"].split(", ")) == {"PATCH", "OPTIONS"}
    assert server.client.options("/api/v1/nowhere").status_code == 404


# --- a bounded run of generated bad bodies: any answer but a 5xx ---

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(10**30), max_value=10**30) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8,
)
FIELDS = ("nation", "item", "kind", "quantity", "reason", "occurred_on")


@st.composite
def bad_bodies(draw: st.DrawFn) -> bytes:
    """A movement with some fields replaced by anything, or raw bytes, or deep nesting."""
    kind = draw(st.sampled_from(["fields", "bytes", "nesting"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "nesting":
        depth = draw(st.integers(1, 50_000))
        return ("[" * depth + "]" * draw(st.integers(0, depth))).encode()
    body: dict[str, Any] = {"nation": "BBB", "item": "S155", "kind": "receipt", "quantity": 1,
                            "reason": "fuzz"}
    for field in draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3)):
        body[field] = draw(JSON_VALUES)
    text = json.dumps(body, allow_nan=True)
    if draw(st.booleans()):  # a lone surrogate where text goes
        text = text.replace('"fuzz"', '"fu\\ud800zz"')
    return text.encode()


def test_generated_bad_bodies_never_give_a_5xx(server: Server) -> None:
    counter = iter(range(10**6))

    @given(body=bad_bodies())
    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def send(body: bytes) -> None:
        response = post_raw(server, body, f"fuzz-{next(counter)}")
        assert response.status_code < 500, response.text
        assert len(response.content) < 20_000

    send()
