"""Schemathesis against the API's own OpenAPI schema, on the demo world, bounded.

Every operation gets a few generated requests (valid and invalid), sent by the PAA coordinator's
token through Django's test client: no answer may be a 5xx, every answer must match the schema
(status code, content type, body), and none may show a row of another CTG. Bounded: at most
MAX_EXAMPLES requests per operation, no shrinking, no example database; about a minute in all on
a busy machine.
"""

import gzip
import json
import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import PAA, ROLES, token_for

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _slugs(data) -> set[str]:
    """Return every CTG named in an answer (the "convention" of rows, the "slug" of CTGs)."""
    found = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("convention", "slug") and isinstance(value, str):
                found.add(value)
            found |= _slugs(value)
    elif isinstance(data, list):
        for item in data:
            found |= _slugs(item)
    return found


def _send(client: APIClient, case, headers: dict) -> schemathesis.Response:
    """Send the generated request through Django's test client; return it for the checks."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers"),
        params=kwargs.get("params"),
        json=kwargs.get("json"),
        data=kwargs.get("data"),
    ).prepare()
    path = prepared.url.removeprefix("http://testserver")
    sent = {k: v for k, v in prepared.headers.items() if k.lower() != "content-type"}
    started = time.monotonic()
    response = client.generic(
        prepared.method,
        path,
        data=prepared.body or b"",
        content_type=prepared.headers.get("Content-Type", "application/octet-stream"),
        headers=sent,
    )
    headers = {key.lower(): [value] for key, value in response.items()}
    content = response.content
    if headers.pop("content-encoding", None) == ["gzip"]:
        # The client asked for gzip (Accept-Encoding) and got it; undo it as an HTTP client does.
        content = gzip.decompress(content)
    return schemathesis.Response(
        status_code=response.status_code,
        headers=headers,
        content=content,
        request=prepared,
        elapsed=time.monotonic() - started,
        verify=True,
    )


def _operations():
    raw = APIClient().get("/api/v1/schema/?format=json")
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(raw.content))
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation, client: APIClient, headers: dict) -> int:
    """Send generated requests to one operation and check each answer; return how many."""
    sent = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = _send(client, case, headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        if response.status_code == 200 and response.content:
            assert _slugs(json.loads(response.content)) <= {PAA}, case.formatted_path
        sent.append(response.status_code)

    run()
    return len(sent)


def test_the_api_holds_to_its_schema_and_to_its_ctgs(session_demo_world, db):
    headers = {"Authorization": f"Bearer {token_for(ROLES['coordinator'])}"}
    client = APIClient()
    operations = _operations()
    assert len(operations) >= 20
    for operation in operations:
        assert _fuzz(operation, client, headers) > 0, operation.label
