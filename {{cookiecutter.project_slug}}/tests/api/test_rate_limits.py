"""Writes to the API are rate-limited per client, with a JSON 429; reads are not."""

from __future__ import annotations

from ..conftest import WRITE_LIMIT


def test_writes_over_the_limit_get_a_json_429(limited_client):
    for number in range(WRITE_LIMIT):
        body = {"username": f"user{number}", "email": f"user{number}@example.com"}
        assert limited_client.post("/api/users", json=body).status_code == 201
    late = {"username": "late", "email": "late@example.com"}
    refused = limited_client.post("/api/users", json=late)
    assert refused.status_code == 429
    assert refused.get_json()["error"] == "Too Many Requests"
    assert limited_client.get("/api/users").get_json()["total"] == WRITE_LIMIT


def test_reads_are_not_limited(limited_client):
    for _ in range(WRITE_LIMIT * 3):
        assert limited_client.get("/api/users").status_code == 200
