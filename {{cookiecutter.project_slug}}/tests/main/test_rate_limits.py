"""Form posts are rate-limited per client, with an HTML 429."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from .test_users import SAME_ORIGIN, csrf_token

LIMIT = 3


@pytest.fixture
def limited_client(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    monkeypatch.setenv("RATE_LIMIT_WRITES", f"{LIMIT} per minute")
    # The app is built after the setting is made.
    return request.getfixturevalue("client")


def test_form_posts_over_the_limit_get_an_html_429(limited_client):
    token = csrf_token(limited_client)
    for number in range(LIMIT):
        form = {"username": f"user{number}", "email": f"u{number}@example.com", "csrf_token": token}
        assert limited_client.post("/users", data=form, headers=SAME_ORIGIN).status_code == 303
    form = {"username": "late", "email": "late@example.com", "csrf_token": token}
    refused = limited_client.post("/users", data=form, headers=SAME_ORIGIN)
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
