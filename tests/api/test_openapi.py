"""Schemathesis against the app's own OpenAPI, in process: no 5xx, every response as documented.

Each operation is called as a role allowed to use it (coordinator unless only another role
may), with the code the role is bound to put in the body, so that generated requests get past
the permission check into validation and the store.
"""

from __future__ import annotations

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

from .support import Server

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 12

#: (method, path) -> the role to call as, and body fields to pin to that role's binding.
CALLERS: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("POST", "/api/v1/movements"): ("other_nation", {"nation": "BBB"}),
    ("POST", "/api/v1/pledges"): ("other_nation", {"donor": "BBB"}),
    ("PATCH", "/api/v1/pledges/{pledge_id}"): ("other_nation", {}),
    ("POST", "/api/v1/requirements"): ("recipient", {"recipient": "UKR"}),
    ("GET", "/api/v1/users"): ("admin", {}),
    ("POST", "/api/v1/users"): ("admin", {}),
    ("POST", "/api/v1/users/{name}/revoke"): ("admin", {}),
}


def operations() -> list[tuple[str, str]]:
    """Every (method, path) the application documents."""
    paths = create_app(ServerSettings(database_url="sqlite://")).openapi()["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


@pytest.mark.parametrize(("method", "path"), operations())
def test_operation_conforms_to_its_schema(server: Server, method: str, path: str) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", server.app)
    operation = schema[path][method]
    role, pinned = CALLERS.get((method, path), ("coordinator", {}))
    headers = server.headers(role)

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case: Any) -> None:
        if pinned and isinstance(case.body, dict):
            case.body.update(pinned)
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()
