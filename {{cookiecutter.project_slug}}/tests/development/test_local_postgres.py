"""The private PostgreSQL that the tests and `flask local-db` build."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import psycopg2
import pytest

from {{ cookiecutter.package_name }}.development import local_postgres
from {{ cookiecutter.package_name }}.development.local_postgres import LocalPostgres, PostgresNotFoundError


def test_missing_server_binaries_say_how_to_get_them(monkeypatch):
    monkeypatch.setattr(local_postgres.shutil, "which", lambda name: None)
    monkeypatch.setattr(local_postgres, "DEBIAN_BINARIES", "/nonexistent/*/bin/initdb")
    with pytest.raises(PostgresNotFoundError) as missing:
        local_postgres.find_bindir()
    assert "apt-get install postgresql" in str(missing.value)
    assert "brew install postgresql" in str(missing.value)


def test_a_cluster_starts_creates_a_database_and_stops():
    cluster = LocalPostgres(Path(tempfile.mkdtemp(prefix="pytest-cluster-")), port=5499)
    try:
        cluster.start()
        cluster.start()  # already running: nothing to do
        cluster.create_database("orders")
        cluster.create_database("orders")  # already there: nothing to do
        connection = psycopg2.connect(cluster.url("orders"))
        connection.close()
        assert cluster.running()
        cluster.stop()
        assert not cluster.running()
        with pytest.raises(psycopg2.OperationalError):
            psycopg2.connect(cluster.url("orders"))
    finally:
        cluster.stop()
        shutil.rmtree(cluster.directory, ignore_errors=True)
