{%- if cookiecutter.observability == "sentry" -%}
"""Error reporting and tracing with Sentry, on when SENTRY_DSN is set and off otherwise.

Events carry the request id the logs and the X-Request-ID header show, so a report, its log
lines and the client's view of the failure can be joined. SENTRY_TRACES_SAMPLE_RATE (0 to 1,
default 0) samples tracing; errors are always reported.
"""

from __future__ import annotations

import os

import sentry_sdk
from flask import Flask

from .config import ConfigError
from .logs import current_request_id


def init_app(app: Flask) -> None:
    app.config.setdefault("SENTRY_DSN", os.environ.get("SENTRY_DSN", "").strip())
    app.config.setdefault(
        "SENTRY_TRACES_SAMPLE_RATE", _fraction("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
    )
    dsn = app.config["SENTRY_DSN"]
    if not dsn:
        return
    sentry_sdk.init(
        dsn=dsn,
        environment=app.config["ENV_NAME"],
        traces_sample_rate=app.config["SENTRY_TRACES_SAMPLE_RATE"],
    )
    app.before_request(tag_request_id)


def tag_request_id() -> None:
    sentry_sdk.get_isolation_scope().set_tag("request_id", current_request_id())


def _fraction(variable: str, default: float) -> float:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{variable} must be a number from 0 to 1, not {raw!r}")
    return value
{%- else -%}
"""Tracing with OpenTelemetry, on when OTEL_EXPORTER_OTLP_ENDPOINT is set and off otherwise.

Each request becomes a span exported over OTLP/HTTP, tagged with the request id the logs and
the X-Request-ID header show. The variables are OpenTelemetry's standard ones; the service
is named OTEL_SERVICE_NAME, by default the project's name.
"""

from __future__ import annotations

import os

from flask import Flask
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from .logs import current_request_id

SERVICE_NAME_DEFAULT = "{{ cookiecutter.project_slug }}"


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "OTEL_EXPORTER_OTLP_ENDPOINT", os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip()
    )
    app.config.setdefault(
        "OTEL_SERVICE_NAME", os.environ.get("OTEL_SERVICE_NAME", "").strip() or SERVICE_NAME_DEFAULT
    )
    endpoint = app.config["OTEL_EXPORTER_OTLP_ENDPOINT"]
    if not endpoint:
        return
    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: app.config["OTEL_SERVICE_NAME"]})
    )
    provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces"))
    )
    # Bound to this app rather than installed globally, so every app (and test) has its own.
    FlaskInstrumentor().instrument_app(  # type: ignore[no-untyped-call]
        app, tracer_provider=provider
    )
    app.extensions["opentelemetry"] = provider
    app.before_request(tag_request_id)


def tag_request_id() -> None:
    trace.get_current_span().set_attribute("http.request.id", current_request_id())
{%- endif %}
