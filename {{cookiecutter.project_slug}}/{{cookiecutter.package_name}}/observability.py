{%- if cookiecutter.observability == "sentry" -%}
"""Error reporting and tracing with Sentry, on when SENTRY_DSN is set and off otherwise.

Events carry the request id the logs and the X-Request-ID header show, so a report, its log
lines and the client's view of the failure can be joined.
"""

from __future__ import annotations

import sentry_sdk
from flask import Flask

from .logs import current_request_id


def init_app(app: Flask) -> None:
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
{%- else -%}
"""Tracing with OpenTelemetry, on when OTEL_EXPORTER_OTLP_ENDPOINT is set and off otherwise.

Each request becomes a span exported over OTLP/HTTP, tagged with the request id the logs and
the X-Request-ID header show.
"""

from __future__ import annotations

from flask import Flask
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from .logs import current_request_id


def init_app(app: Flask) -> None:
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
