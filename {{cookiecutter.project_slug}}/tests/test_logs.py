"""Request ids and log formats."""

from __future__ import annotations

import json
import logging

import pytest

from {{ cookiecutter.package_name }}.logs import JsonFormatter


def test_every_response_has_a_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/nothing").headers["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_well_formed_incoming_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.12_b"})
    assert response.headers["X-Request-ID"] == "edge-7f3a.12_b"


@pytest.mark.parametrize("incoming", ["has space", "x" * 129, "semi;colon", 'quote"d'])
def test_a_malformed_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] != incoming
    assert len(response.headers["X-Request-ID"]) == 32


def test_app_log_lines_carry_the_request_id(app, client, caplog):
    @app.get("/test-log")
    def log_something() -> str:
        app.logger.warning("something happened")
        return "ok"

    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        app.logger.addHandler(caplog.handler)
        request_id = client.get("/test-log").headers["X-Request-ID"]
    assert [record.request_id for record in caplog.records] == [request_id]


def test_json_formatter_writes_one_parseable_line():
    record = logging.LogRecord("app", logging.ERROR, __file__, 1, 'bad "thing"\nhappened', (), None)
    record.request_id = "abc"
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == 'bad "thing"\nhappened'
    assert (entry["level"], entry["request_id"]) == ("ERROR", "abc")
