"""Two instances of the app share their sessions: a session cookie one of them sets is valid on
the other, because every instance of a deployment has the same secret key."""

from __future__ import annotations

import pytest

from ..conftest import PRODUCTION_KEY
from ..servers import start_gunicorn
from .forms import form_session, post_form

pytestmark = [pytest.mark.e2e, pytest.mark.multi_instance]


def test_a_session_from_one_instance_is_valid_on_the_other(one_and_other):
    one, other = one_and_other
    cookie, token = form_session(one)
    form = {"username": "ada", "email": "ada@example.com", "csrf_token": token}
    # 303: created. An instance that could not read the session would refuse the token (400).
    assert post_form(other, cookie, form).status == 303
    assert "ada@example.com" in one.get("/users").text


def test_an_instance_with_another_key_refuses_the_session(one_and_other, instance_settings):
    # The control for the test above: it passes because the key is shared, not by accident
    # (the testing configuration would otherwise fall back to one fixed key for every process).
    cookie, token = form_session(one_and_other[0])
    stranger = start_gunicorn(**{**instance_settings, "SECRET_KEY": f"another-{PRODUCTION_KEY}"})
    try:
        form = {"username": "eve", "email": "eve@example.com", "csrf_token": token}
        assert post_form(stranger, cookie, form).status == 400
    finally:
        stranger.stop()
