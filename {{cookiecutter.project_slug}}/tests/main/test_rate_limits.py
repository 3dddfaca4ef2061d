"""Form posts are rate-limited per client, with an HTML 429."""

from __future__ import annotations

from ..conftest import WRITE_LIMIT
from .test_users import SAME_ORIGIN, csrf_token


def test_form_posts_over_the_limit_get_an_html_429(limited_client):
    token = csrf_token(limited_client)
    for number in range(WRITE_LIMIT):
        form = {"username": f"user{number}", "email": f"u{number}@example.com", "csrf_token": token}
        assert limited_client.post("/users", data=form, headers=SAME_ORIGIN).status_code == 303
    form = {"username": "late", "email": "late@example.com", "csrf_token": token}
    refused = limited_client.post("/users", data=form, headers=SAME_ORIGIN)
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
