"""Security headers, cookie flags, HTTPS, trusted hosts and key rotation under production."""

from __future__ import annotations

import re

import pytest
from flask import Flask, request, session
from itsdangerous import BadSignature
from werkzeug.test import TestResponse

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


# Every directive, exactly: a lost base-uri lets injected markup redirect relative links, a lost
# form-action lets it post forms elsewhere. NONCE stands for the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self' NONCE",
    "style-src": "'self' NONCE",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
NONCE = re.compile(r"'nonce-[A-Za-z0-9_-]{16,}'")


def test_responses_carry_exactly_the_strict_content_security_policy(production_app):
    response = production_app.test_client().get("{{ "/" if cookiecutter.interface != "api-only" else "/api/openapi.json" }}", **HTTPS)
    policy = NONCE.sub("NONCE", response.headers["Content-Security-Policy"])
    directives = dict(d.strip().partition(" ")[::2] for d in policy.split(";"))
    assert directives == CONTENT_SECURITY_POLICY


def test_other_origins_and_browser_features_are_shut_out(production_app):
    response = production_app.test_client().get("/healthz", **HTTPS)
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.headers["Permissions-Policy"] == "camera=(), geolocation=(), microphone=()"


def test_hsts_preload_is_off_unless_asked_for(production_env):
    def hsts() -> str:
        response = create_app().test_client().get("/healthz", **HTTPS)
        return response.headers["Strict-Transport-Security"]

    assert hsts() == f"max-age={ONE_YEAR}; includeSubDomains"
    production_env.setenv("HSTS_PRELOAD", "1")
    assert hsts() == f"max-age={ONE_YEAR}; includeSubDomains; preload"


# The rules of drHEADer's default policy, after OWASP's Secure Headers Project (the
# template's own tests grade these responses with drHEADer itself too): exact values...
REQUIRED_HEADERS = {
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Strict-Transport-Security": f"max-age={ONE_YEAR}; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-XSS-Protection": "0",
}
# ...headers that only tell an attacker what runs here...
FORBIDDEN_HEADERS = ("Server", "X-Powered-By", "X-AspNet-Version", "X-Generator")
# ...and cookie flags.
COOKIE_FLAGS = ("Secure", "HttpOnly", "SameSite=Lax")


def header_findings(response: TestResponse) -> list[str]:
    """Every way the response's security headers fall short; empty when they pass."""
    findings = [
        f"{header} is {response.headers.get(header)!r}, not {expected!r}"
        for header, expected in REQUIRED_HEADERS.items()
        if response.headers.get(header) != expected
    ]
    findings += [f"{header} is sent" for header in FORBIDDEN_HEADERS if header in response.headers]
    policy = response.headers.get("Content-Security-Policy", "")
    default_src = [
        value
        for name, _, value in (d.strip().partition(" ") for d in policy.split(";"))
        if name == "default-src"
    ]
    if default_src not in (["'self'"], ["'none'"]):
        findings.append(f"CSP default-src is {default_src!r}")
    findings += [
        f"CSP allows {unsafe}"
        for unsafe in ("'unsafe-inline'", "'unsafe-eval'")
        if unsafe in policy
    ]
    for cookie in response.headers.getlist("Set-Cookie"):
        findings += [
            f"cookie without {flag}: {cookie}" for flag in COOKIE_FLAGS if flag not in cookie
        ]
    return findings


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/healthz",
        "/nothing",
        "/test-session",
{%- if cookiecutter.interface != "web-only" %}
        "/api/openapi.json",
        "/api/nothing",
{%- endif %}
    ],
)
def test_every_response_passes_the_security_header_grade(production_app, path):
    response = production_app.test_client().get(path, **HTTPS)
    assert header_findings(response) == []


def test_the_header_grade_finds_what_is_missing(production_app):
    # Would a weakened response fail the grade? One of each kind of finding.
    response = production_app.test_client().get("/test-session", **HTTPS)
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Server"] = "gunicorn/99"
    response.headers["Content-Security-Policy"] += "; script-src 'self' 'unsafe-inline'"
    response.headers["Set-Cookie"] = "session=x; Secure; SameSite=Lax"
    assert header_findings(response) == [
        "X-Frame-Options is 'SAMEORIGIN', not 'DENY'",
        "Server is sent",
        "CSP allows 'unsafe-inline'",
        "cookie without HttpOnly: session=x; Secure; SameSite=Lax",
    ]


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


def test_health_probes_answer_over_plain_http(production_env):
    # Port 9 refuses at once: the readiness probe's honest answer is then a 503, not a redirect.
    production_env.setenv("DATABASE_URL", "postgresql://app@127.0.0.1:9/app")
    client = create_app().test_client()
    assert client.get("/healthz", base_url="http://example.com").status_code == 200
    ready = client.get("/readyz", base_url="http://example.com")
    assert (ready.status_code, ready.get_json()["status"]) == (503, "unavailable")


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
