"""`manage.py backup_sqlite`: a sound copy while another connection writes, and restoring it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from studyapp.backups.sqlite import BackupError, backup
from tests.production_env import ROOT

# At most this many rows; the writer stops sooner once the backup is done.
WRITES = 300


def _keep_writing(database: str, started: threading.Event, stop: threading.Event) -> int:
    writer = sqlite3.connect(database, timeout=20)
    written = 0
    try:
        while not stop.is_set() and written < WRITES:
            with writer:  # one transaction per row, like the server's answers
                writer.execute("INSERT INTO auth_group (name) VALUES (?)", (f"written-{written}",))
            written += 1
            started.set()
    finally:
        writer.close()
    return written


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_backup_while_writing_restores_into_a_fresh_run(tmp_path: Path) -> None:
    get_user_model().objects.create_user("kept", password="correct horse battery")
    database = connection.settings_dict["NAME"]
    started, stop = threading.Event(), threading.Event()
    result: list[int] = []
    writer = threading.Thread(target=lambda: result.append(_keep_writing(database, started, stop)))
    writer.start()
    started.wait(10)
    target = tmp_path / "backup.sqlite3"
    try:
        call_command("backup_sqlite", str(target))
    finally:
        stop.set()
        writer.join(30)
    assert result and result[0] > 0

    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    copied = copy.execute("SELECT count(*) FROM auth_group").fetchone()[0]
    copy.close()
    # A snapshot taken while the writer ran: some of its rows, each one whole.
    assert 0 < copied <= result[0]

    # Restore: a fresh run of the app on the copy finds the data.
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "studyapp.settings",
        "STUDYAPP_SQLITE_PATH": str(target),
    }
    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.auth.models import Group\n"
        "print(get_user_model().objects.filter(username='kept').exists(), Group.objects.count())"
    )
    restored = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.split() == ["True", str(copied)]


def test_backup_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    source, target = tmp_path / "db.sqlite3", tmp_path / "existing.sqlite3"
    sqlite3.connect(source).close()
    target.write_text("keep me")
    with pytest.raises(BackupError, match="exists already"):
        backup(source, target)
    assert target.read_text() == "keep me"


@pytest.mark.postgres
@pytest.mark.django_db
def test_backup_refuses_on_postgresql_and_says_what_to_use(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup_sqlite", str(tmp_path / "backup.sqlite3"))
    assert not (tmp_path / "backup.sqlite3").exists()
