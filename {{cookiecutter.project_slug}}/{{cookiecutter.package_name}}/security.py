"""Security headers: a strict Content-Security-Policy, HSTS, no framing, HTTPS in production."""

from __future__ import annotations

from flask import Flask, Response

from .extensions import talisman

ONE_YEAR = 365 * 24 * 60 * 60

# Only this app's own files. A page that needs inline code gives its tag the per-request
# nonce from the template function csp_nonce(), never 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# What Talisman does not set. The pages only load this app's own files, so they can be
# isolated from every other origin; the legacy XSS filter is turned off ("0"), as OWASP
# advises, because it could be abused to blank out parts of a page.
ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-XSS-Protection": "0",
}
# Pages and API answers can hold personal data: no browser or shared cache may keep them.
# Static files keep the Cache-Control that Flask gives them.
NO_STORE = {"Cache-Control": "no-store, max-age=0", "Pragma": "no-cache"}


def init_app(app: Flask) -> None:
    app.after_request(add_isolation_and_cache_headers)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        force_https_permanent=True,
        strict_transport_security=True,
        strict_transport_security_max_age=ONE_YEAR,
        strict_transport_security_include_subdomains=True,
        strict_transport_security_preload=app.config["HSTS_PRELOAD"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src", "style-src"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"camera": "()", "geolocation": "()", "microphone": "()"},
        # Talisman would otherwise force the session cookie's flags itself; config.py owns them.
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )


def add_isolation_and_cache_headers(response: Response) -> Response:
    # One pass over the headers a view already set: werkzeug's setdefault() would scan them
    # once per header, on every response.
    present = {name.lower() for name, _ in response.headers.items()}
    defaults = ISOLATION_HEADERS if "cache-control" in present else ISOLATION_HEADERS | NO_STORE
    response.headers.extend(
        (header, value) for header, value in defaults.items() if header.lower() not in present
    )
    return response
