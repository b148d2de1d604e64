"""A consistent copy of a live SQLite database, with SQLite's online backup API (no Django)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


class BackupError(Exception):
    pass


def backup(source: Path, target: Path, *, busy_timeout: float = 20.0) -> None:
    """Copy the database at `source` to `target`, which must not exist yet.

    The copy is one snapshot even while the server writes: it is taken in a single step (one
    read transaction; with WAL, writers carry on meanwhile). It is written beside the target,
    checked with `PRAGMA integrity_check`, and only then renamed into place, so `target` is
    either a whole, sound copy or absent.
    """
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with _connect(source, busy_timeout) as src, _connect(partial, busy_timeout) as dst:
            src.backup(dst)  # pages=-1: everything in one step, hence one snapshot
            problems = dst.execute("PRAGMA integrity_check").fetchall()
            if problems != [("ok",)]:
                raise BackupError(f"The copy failed its integrity check: {problems[:5]}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


class _connect:
    """sqlite3.connect as a context manager that closes (sqlite3's own only commits)."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.connection = sqlite3.connect(path, timeout=timeout)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()
