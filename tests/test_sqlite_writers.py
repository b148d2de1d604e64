"""The SQLite backend's write transactions: they wait for another writer and start once it
commits, fail as SQLite would once the busy timeout has passed, and leave the timeout as set."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.db import OperationalError, connection, connections, transaction

from studyapp.sqlite_backend import base as backend
from studyapp.sqlite_backend.base import _is_busy

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def other_writer() -> Iterator[sqlite3.Connection]:
    """Another connection to the database file, as the other gunicorn worker would hold."""
    connection.ensure_connection()
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def _in_a_thread(work) -> tuple[threading.Thread, dict[str, object]]:
    """Run `work` on a thread of its own (so on a database connection of its own)."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except Exception as error:  # noqa: BLE001 (the test looks at it)
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _write_in_a_transaction() -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "committed"


def test_a_transaction_waits_for_another_writer_and_starts_once_it_commits(
    other_writer, monkeypatch
) -> None:
    # It waits by trying BEGIN again itself, SQLite's busy handler off: pauses of 50 µs at
    # first, doubling, never more than 1 ms.
    pauses: list[tuple[float, int]] = []  # (seconds, the busy timeout meanwhile)

    def recorded_sleep(seconds: float) -> None:
        (busy_timeout,) = connection.connection.execute("PRAGMA busy_timeout").fetchone()
        pauses.append((seconds, busy_timeout))
        time.sleep(seconds)

    clock = SimpleNamespace(monotonic=time.monotonic, sleep=recorded_sleep)
    monkeypatch.setattr(backend, "time", clock)
    other_writer.execute("BEGIN IMMEDIATE")
    thread, outcome = _in_a_thread(_write_in_a_transaction)

    thread.join(0.3)
    assert thread.is_alive()  # waiting for the write lock, not failing
    assert outcome == {}

    other_writer.execute("COMMIT")
    thread.join(10)
    assert outcome == {"value": "committed"}
    assert pauses[0] == (backend.FIRST_PAUSE_S, 0)
    assert max(seconds for seconds, _ in pauses) == backend.LONGEST_PAUSE_S
    assert {busy_timeout for _, busy_timeout in pauses} == {0}


def test_a_transaction_fails_as_sqlite_would_once_the_busy_timeout_has_passed(
    other_writer,
) -> None:
    waited: list[float] = []

    def impatient() -> str:
        connection.ensure_connection()
        connection.connection.execute("PRAGMA busy_timeout = 50")
        started = time.monotonic()
        try:
            return _write_in_a_transaction()
        finally:
            waited.append(time.monotonic() - started)

    other_writer.execute("BEGIN IMMEDIATE")
    thread, outcome = _in_a_thread(impatient)
    thread.join(10)

    assert isinstance(outcome.get("error"), OperationalError)
    assert "locked" in str(outcome["error"])
    assert waited[0] >= 0.05  # it retried for the whole busy timeout, not failing at once


def test_the_busy_timeout_is_as_configured_inside_and_after_a_transaction() -> None:
    configured = int(connection.settings_dict["OPTIONS"]["timeout"] * 1000)

    def busy_timeout() -> int:
        return connection.connection.execute("PRAGMA busy_timeout").fetchone()[0]

    with transaction.atomic():
        inside = busy_timeout()
    assert (inside, busy_timeout()) == (configured, configured)


def test_the_app_runs_on_this_backend() -> None:
    assert type(connections["default"]).__module__ == "studyapp.sqlite_backend.base"


def _driver_error(code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    ("code", "busy"),
    [
        (sqlite3.SQLITE_BUSY, True),
        (sqlite3.SQLITE_BUSY | (1 << 8), True),  # SQLITE_BUSY_RECOVERY: the log being recovered
        (sqlite3.SQLITE_LOCKED, False),
        (sqlite3.SQLITE_READONLY, False),
    ],
)
def test_only_a_busy_database_is_waited_for(code: int, busy: bool) -> None:
    wrapped = OperationalError("database is locked")
    wrapped.__cause__ = _driver_error(code)
    assert _is_busy(wrapped) == busy
