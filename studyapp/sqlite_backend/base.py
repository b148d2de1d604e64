"""Django's SQLite backend, with BEGIN IMMEDIATE retried every 50 µs to 1 ms while another
connection writes, instead of in SQLite's busy handler.

With `transaction_mode="IMMEDIATE"` every transaction takes SQLite's write lock at BEGIN. A
connection that finds it taken waits in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15,
20 ms… between tries. A write takes a fraction of a millisecond, but under load the other
gunicorn worker has usually taken the lock again by the time the sleeper looks, so an answer
waited 3, 8, 18 or 53 ms with its worker idle (docs/performance.md). Here BEGIN is tried
again after 50 µs, 100 µs, … never more than 1 ms apart, until the connection's busy timeout
has passed, and then fails as SQLite would ("database is locked"). Every other statement
keeps SQLite's busy handler.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

FIRST_PAUSE_S = 0.00005
LONGEST_PAUSE_S = 0.001


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self) -> None:
        self.ensure_connection()  # `transaction_mode` is read from the settings on connecting
        if self.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE"):
            super()._start_transaction_under_autocommit()  # takes no lock at BEGIN
            return
        busy_timeout_ms = self._busy_timeout_ms()
        self._set_busy_timeout(0)
        try:
            self._begin_when_free(time.monotonic() + busy_timeout_ms / 1000)
        except BaseException:
            self._set_busy_timeout(busy_timeout_ms)
            raise
        try:
            self._set_busy_timeout(busy_timeout_ms)
        except BaseException:
            # Django does not know the transaction began: it must not stay open.
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute("ROLLBACK")
            raise

    def _begin_when_free(self, deadline: float) -> None:
        pause = FIRST_PAUSE_S
        while True:
            try:
                super()._start_transaction_under_autocommit()
                return
            except OperationalError as error:  # Django's cursor wraps the driver's errors
                if not _is_busy(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE_S)

    # The pragmas go to the driver directly: they are not the app's queries.
    def _busy_timeout_ms(self) -> int:
        with self.wrap_database_errors:
            (milliseconds,) = self.connection.execute("PRAGMA busy_timeout").fetchone()
        return int(milliseconds)

    def _set_busy_timeout(self, milliseconds: int) -> None:
        with self.wrap_database_errors:
            self.connection.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")


def _is_busy(error: OperationalError) -> bool:
    """The database was busy: the driver's error behind Django's has SQLITE_BUSY, or an
    extended code of it such as SQLITE_BUSY_RECOVERY."""
    code = getattr(error.__cause__, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY
