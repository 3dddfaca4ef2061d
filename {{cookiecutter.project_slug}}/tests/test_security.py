"""Security headers, cookie flags, HTTPS, trusted hosts and key rotation under production."""

from __future__ import annotations

import re

import pytest
from flask import Flask, request, session
from itsdangerous import BadSignature

from {{ cookiecutter.package_name }} import create_app

from .conftest import PRODUCTION_KEY

ONE_YEAR = 365 * 24 * 60 * 60
HTTPS = {"base_url": "https://example.com"}


@pytest.fixture
def production_app(production_env) -> Flask:
    app = create_app()

    # A route that writes the session, so its cookie can be inspected without a database.
    @app.get("/test-session")
    def set_session() -> str:
        session["seen"] = True
        return "ok"

    return app


def test_responses_carry_a_strict_content_security_policy(production_app):
    response = production_app.test_client().get("{{ "/" if cookiecutter.interface != "api-only" else "/api/openapi.json" }}", **HTTPS)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy


@pytest.mark.parametrize(
    "path",
    [
{%- if cookiecutter.interface != "api-only" %}
        "/",
{%- endif %}
        "/healthz",
        "/nothing",
{%- if cookiecutter.interface != "web-only" %}
        "/api/openapi.json",
        "/api/nothing",
{%- endif %}
    ],
)
def test_every_response_is_hardened(production_app, path):
    response = production_app.test_client().get(path, **HTTPS)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    hsts = response.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= ONE_YEAR
    assert "includeSubDomains" in hsts


def test_session_cookie_is_secure_httponly_and_samesite(production_app):
    response = production_app.test_client().get("/test-session", **HTTPS)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_plain_http_is_redirected_to_https(production_app):
    response = production_app.test_client().get("/", base_url="http://example.com")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://example.com/"


def test_health_probes_answer_over_plain_http(production_app):
    response = production_app.test_client().get("/healthz", base_url="http://example.com")
    assert response.status_code == 200


def test_the_proxy_scheme_is_trusted_only_when_configured(production_env):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    production_env.setenv("PROXY_FIX_X_PROTO", "1")
    app = create_app()

    @app.get("/test-remote")
    def remote() -> str:
        return f"{request.scheme} {request.remote_addr}"

    response = app.test_client().get(
        "/test-remote", base_url="http://example.com", headers=forwarded
    )
    # X-Forwarded-Proto is trusted (one proxy), X-Forwarded-For is not (PROXY_FIX_X_FOR=0).
    assert response.get_data(as_text=True) == "https 127.0.0.1"


{% if cookiecutter.interface == "web-and-api" -%}
@pytest.mark.parametrize(
    ("path", "mimetype"), [("/", "text/html"), ("/api/users", "application/json")]
)
{% elif cookiecutter.interface == "api-only" -%}
@pytest.mark.parametrize(
    ("path", "mimetype"), [("/api/users", "application/json"), ("/healthz", "application/json")]
)
{% else -%}
@pytest.mark.parametrize(("path", "mimetype"), [("/", "text/html"), ("/healthz", "text/html")])
{% endif -%}
def test_untrusted_host_is_a_400(production_app, path, mimetype):
    response = production_app.test_client().get(path, base_url="https://evil.example.net")
    assert response.status_code == 400
    assert response.mimetype == mimetype


def test_sessions_signed_with_a_rotated_key_are_still_accepted(production_env):
    old_key = f"old-{PRODUCTION_KEY}"
    production_env.setenv("SECRET_KEY", old_key)
    old_app = create_app()
    with old_app.test_request_context():
        cookie = old_app.session_interface.get_signing_serializer(old_app).dumps({"user": "alice"})

    production_env.setenv("SECRET_KEY", PRODUCTION_KEY)
    production_env.setenv("SECRET_KEY_FALLBACKS", old_key)
    new_app = create_app()
    with new_app.test_request_context():
        assert new_app.session_interface.get_signing_serializer(new_app).loads(cookie) == {
            "user": "alice"
        }

    production_env.delenv("SECRET_KEY_FALLBACKS")
    unrotated = create_app()
    with unrotated.test_request_context(), pytest.raises(BadSignature):
        unrotated.session_interface.get_signing_serializer(unrotated).loads(cookie)


def test_errors_never_show_a_traceback(production_app):
    @production_app.get("/test-crash")
    def crash() -> str:
        raise RuntimeError("secret internals")

    response = production_app.test_client().get("/test-crash", **HTTPS)
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in text
    assert "secret internals" not in text
