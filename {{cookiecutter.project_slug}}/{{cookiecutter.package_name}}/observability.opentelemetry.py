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
