"""Schemathesis against the app's own OpenAPI, in process: no 5xx, every response as documented.

Every operation is called with every role's token (on PostgreSQL), with the code a bound role
is bound to put in the body, so that generated requests of allowed roles get past the
permission check into validation and the store, and the others' refusals are checked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from replenish.api.app import create_app
from replenish.api.settings import ServerSettings

from .support import Server, open_server

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
#: Examples per operation and role: every operation x 6 roles in well under a minute.
EXAMPLES = 10
ROLES = ("coordinator", "nation", "other_nation", "recipient", "industry", "admin")
#: Body fields set to the caller's own binding, so that generated requests of bound roles get
#: past the permission check into validation and the store.
PINNED: dict[str, dict[str, str]] = {
    "nation": {"nation": "AAA", "donor": "AAA"},
    "other_nation": {"nation": "BBB", "donor": "BBB"},
    "recipient": {"recipient": "UKR"},
}


def operations() -> list[tuple[str, str]]:
    """Every (method, path) the application documents."""
    app = create_app(ServerSettings(database_url="sqlite://"))
    paths = app.openapi()["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


@pytest.fixture(scope="module")
def fuzzed(pg_module_url: str) -> Iterator[tuple[Server, Any]]:
    """A server on PostgreSQL and its schema, loaded once for the module."""
    with open_server(pg_module_url) as server:
        yield server, schemathesis.openapi.from_asgi("/openapi.json", server.app)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), operations())
def test_operation_conforms_to_its_schema(
    fuzzed: tuple[Server, Any], method: str, path: str, role: str,
) -> None:
    server, schema = fuzzed
    operation = schema[path][method]
    headers = server.headers(role)
    pinned = PINNED.get(role, {})

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case: Any) -> None:
        if isinstance(case.body, dict):
            case.body.update({k: v for k, v in pinned.items() if k in case.body})
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()
