"""Hostile input against the JSON API, through a real gunicorn and real HTTP.

First schemathesis: cases generated from the OpenAPI document the server itself serves, both
schema-valid and schema-violating, checked for server errors and for responses the document
does not describe. Then hand-picked cases: broken and mistyped bodies, control characters,
lone surrogates and other odd Unicode, SQL-looking text, absurd pagination and ids.
tests/api/test_users.py holds the finer contract, through Flask's test client.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import BaseSchema, Case, GenerationMode

from ..conftest import user_count
from ..servers import Reply, Server

pytestmark = pytest.mark.e2e

# Every operation the document describes; test_fuzzing_covers_every_documented_operation
# fails when a new one is not added here.
OPERATIONS = [
    ("GET", "/api/users"),
    ("POST", "/api/users"),
    ("GET", "/api/users/{user_id}"),
{%- if cookiecutter.use_celery %}
    ("POST", "/api/users/imports"),
{%- endif %}
]
EXAMPLES_PER_OPERATION = 50
FUZZ_CONFIG = {
    "request-timeout": 10,
    "operations": [
        {
            # Every write sends users' fields. Schema-valid yet refused is fine there:
            # email_validator's rules go beyond the "email" format (special-use domains such as
            # .test, for one), so a generated address may fairly get a 422. The hand-picked
            # cases below pin those rules.
            "include-method": "POST",
            "checks": {"positive_data_acceptance": {"enabled": False}},
        },
    ],
}
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    # The same cases on every run, so that a failure reproduces.
    derandomize=True,
    # No example database written into the project.
    database=None,
    # Each case is an HTTP round trip, whose time says nothing about the code under test.
    deadline=None,
)


@pytest.fixture(scope="module")
def api_schema(live_server: Server) -> BaseSchema:
    config = schemathesis.Config.from_dict(FUZZ_CONFIG)
    return schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json", config=config)


@pytest.fixture(scope="module")
def hypothesis_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Hypothesis caches what it learns under .hypothesis/ in the working directory: the project.
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))
    yield
    set_hypothesis_home_dir(None)


def test_fuzzing_covers_every_documented_operation(api_schema: BaseSchema) -> None:
    documented = {
        (method.upper(), path)
        for path, item in api_schema.raw_schema["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
@pytest.mark.parametrize(
    ("method", "path"),
    [pytest.param(*operation, id=" ".join(operation)) for operation in OPERATIONS],
)
def test_generated_requests_get_no_server_error_and_only_documented_responses(
    api_schema: BaseSchema,
    app: Flask,
    hypothesis_home: None,
    method: str,
    path: str,
    mode: GenerationMode,
) -> None:
    # call_and_validate() runs schemathesis' checks: no 5xx; status codes, content types,
    # headers and bodies as documented; schema-violating requests refused and, except as
    # configured above, schema-valid ones accepted; 405 with Allow for undocumented methods.
    @FUZZ_SETTINGS
    @given(case=api_schema[path][method].as_strategy(mode))
    def check(case: Case) -> None:
        case.call_and_validate()

    check()


def assert_json_error(reply: Reply, status: int) -> dict[str, Any]:
    assert reply.status == status, reply.text
    body: dict[str, Any] = reply.json()
    assert isinstance(body["error"], str)
    assert "Traceback" not in reply.text
    return body


@pytest.fixture(autouse=True)
def no_traceback_in_the_server_log(live_server: Server) -> Iterator[None]:
    logged_before = len(live_server.output())
    yield
    assert "Traceback" not in live_server.output()[logged_before:]


def user_json(**fields: Any) -> str:
    """A user body with `fields` replaced; JSON escapes keep lone surrogates sendable."""
    return json.dumps({"username": "alice", "email": "alice@example.com", **fields})


JSON = "application/json"
OVERLONG_EMAIL = "a" * 64 + "@" + "b" * 186 + ".com"  # 255 characters, one too many


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        pytest.param('{"username": "alice", ', JSON, 400, None, id="malformed-json"),
        pytest.param(b'{"username": "\xff\xfe"}', JSON, 400, None, id="invalid-utf-8"),
        pytest.param(f"[{user_json()}]", JSON, 422, "_schema", id="json-array"),
        pytest.param("null", JSON, 422, "_schema", id="json-null"),
        pytest.param("[" * 100_000 + "]" * 100_000, JSON, 400, None, id="nested-too-deep"),
        pytest.param("", JSON, 422, "username", id="empty-body"),
        pytest.param(user_json(), "text/plain", 422, "username", id="text-plain"),
        pytest.param(user_json(), None, 422, "username", id="no-content-type"),
        pytest.param(user_json(username=42), JSON, 422, "username", id="number"),
        pytest.param(user_json(username=["alice"]), JSON, 422, "username", id="list"),
        pytest.param(user_json(username=None), JSON, 422, "username", id="null"),
        pytest.param(user_json(username={"$ne": ""}), JSON, 422, "username", id="object"),
        pytest.param(user_json(email=None), JSON, 422, "email", id="null-email"),
        pytest.param(user_json(username="x" * 81), JSON, 422, "username", id="overlong"),
        pytest.param(user_json(email=OVERLONG_EMAIL), JSON, 422, "email", id="overlong-email"),
        pytest.param(user_json(username="nul\x00byte"), JSON, 422, "username", id="nul"),
        pytest.param(user_json(email="a\x00@example.com"), JSON, 422, "email", id="nul-email"),
        pytest.param(user_json(username="\x1b[31mred"), JSON, 422, "username", id="ansi-escape"),
        pytest.param(user_json(username="next\x85line"), JSON, 422, "username", id="c1-control"),
        pytest.param(user_json(username="\ud800"), JSON, 422, "username", id="lone-surrogate"),
        pytest.param(
            user_json(username="a\udfffb"), JSON, 422, "username", id="lone-low-surrogate"
        ),
    ],
)
def test_hostile_bodies_get_a_json_4xx_and_store_nothing(
    live_server: Server,
    app: Flask,
    body: str | bytes,
    content_type: str | None,
    status: int,
    field: str | None,
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    error = assert_json_error(live_server.request("POST", "/api/users", body, headers), status)
    if field is not None:
        assert field in error["details"]["json"], error
    assert user_count(app) == 0


@pytest.mark.parametrize(
    "username",
    [
        pytest.param("'; DROP TABLE users; --", id="sql"),
        pytest.param("e\u0301 Z\u0351\u0364\u0308", id="combining-marks"),
        pytest.param("\u202eexe.txt\u202c", id="rtl-override"),
        pytest.param("\U0001f469\u200d\U0001f4bb \U0001f680", id="emoji-zwj"),
        pytest.param("\U0001f680" * 80, id="80-four-byte-characters"),
        pytest.param("\U0001d518\U0001d52b\U0001d526 \u7528\u6237", id="astral-and-cjk"),
    ],
)
def test_odd_but_valid_usernames_are_stored_verbatim(
    live_server: Server, app: Flask, username: str
) -> None:
    # Sent as raw UTF-8, not as JSON escapes, to exercise the server's decoding too.
    body = json.dumps({"username": username, "email": "odd@example.com"}, ensure_ascii=False)
    created = live_server.request("POST", "/api/users", body.encode(), {"Content-Type": JSON})
    assert created.status == 201, created.text
    stored = live_server.get(f"/api/users/{created.json()['id']}").json()
    assert stored["username"] == username
    # The table is still there, holding exactly this user.
    assert user_count(app) == 1


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=-1", "page"),
        ("page=99999999999999999999", "page"),
        ("page=abc", "page"),
        ("page=", "page"),
        ("page=%00", "page"),
        ("per_page=0", "per_page"),
        ("per_page=1000000", "per_page"),
        ("per_page=2.5", "per_page"),
    ],
)
def test_absurd_pagination_is_a_json_422(live_server: Server, query: str, parameter: str) -> None:
    error = assert_json_error(live_server.get(f"/api/users?{query}"), 422)
    assert parameter in error["details"]["query"], error


@pytest.mark.parametrize(
    "user_id",
    ["99999999999999999999", "2147483648", "-1", "0", "1e3", "abc", "%00", "1%20OR%201=1"],
)
def test_impossible_user_ids_are_a_json_404(live_server: Server, user_id: str) -> None:
    error = assert_json_error(live_server.get(f"/api/users/{user_id}"), 404)
    assert error["error"] == "Not Found"
