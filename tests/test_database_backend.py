"""The suite runs on the database it was asked for, and that database is set up for concurrency."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_database_make_test_asked_for(in_ci: bool) -> None:
    expected = os.environ.get("STUDYAPP_EXPECT_DB", "")
    if in_ci and not expected:
        # `make test` sets this on both runs; without it CI cannot tell the PostgreSQL run happened.
        pytest.fail("STUDYAPP_EXPECT_DB is unset: under CI, run the suite through `make test`")
    assert connection.vendor == (expected or connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_connections_are_reused_between_requests() -> None:
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.sqlite
def test_sqlite_writers_queue_instead_of_failing() -> None:
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.sqlite
@pytest.mark.django_db
def test_sqlite_uses_write_ahead_logging_with_normal_sync() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_run_talks_to_a_real_server() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000
