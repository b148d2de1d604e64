"""Saving a note while the server runs re-imports it (`watch_notes`, started by `make run`)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from watchfiles import Change

from studyapp.authoring.watching import NoteFilter, saved_notes
from studyapp.notes.models import ImportProblem, Note

NOTE = """\
# AWS Lambda – Serverless Functions

Run code without managing servers.

## Limits

* Timeout: {timeout}
"""
BROKEN = "# AWS Lambda\n\n## Limits\n\n## Limits\n"


def wait_for(condition: Callable[[], bool], seconds: float = 8.0) -> bool:
    """Poll until `condition()` holds, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


class Watcher:
    """`manage.py watch_notes FOLDER` running in a thread, with what it printed."""

    def __init__(self, folder: Path) -> None:
        self.stop = threading.Event()
        self.out, self.err = io.StringIO(), io.StringIO()
        self.thread = threading.Thread(target=self._run, args=(folder,), daemon=True)

    def _run(self, folder: Path) -> None:
        try:
            call_command(
                "watch_notes", str(folder), stop_event=self.stop, stdout=self.out, stderr=self.err
            )
        finally:
            connections.close_all()  # the thread's own connection, before the test DB goes

    def wait_until_ready(self, folder: Path) -> None:
        # Keep saving a broken probe note until its problem is stored: then events arrive.
        probe = folder / "probe.md"
        deadline = time.monotonic() + 15
        while not ImportProblem.objects.filter(path__endswith="probe.md").exists():
            assert time.monotonic() < deadline, "the watcher never picked up a change"
            probe.write_text(BROKEN + f"\n<!-- {time.monotonic()} -->\n", encoding="utf-8")
            wait_for(lambda: ImportProblem.objects.filter(path__endswith="probe.md").exists(), 1)
        probe.unlink()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


@pytest.fixture
def watcher(content: Path) -> Iterator[Watcher]:
    running = Watcher(content)
    running.thread.start()
    running.wait_until_ready(content)
    yield running
    running.stop.set()
    running.thread.join(timeout=10)
    assert not running.thread.is_alive()


@pytest.mark.django_db(transaction=True)
def test_a_saved_note_is_imported_within_seconds(content: Path, watcher: Watcher) -> None:
    saved_at = time.monotonic()
    (content / "aws-lambda.md").write_text(NOTE.format(timeout="15 minutes"), encoding="utf-8")

    assert wait_for(lambda: Note.objects.filter(slug="aws-lambda").exists(), seconds=5)
    assert time.monotonic() - saved_at < 5
    assert wait_for(lambda: "aws-lambda.md: added" in watcher.out.getvalue(), 2)


@pytest.mark.django_db(transaction=True)
def test_an_edit_is_reimported_and_a_broken_save_keeps_the_old_version(
    content: Path, watcher: Watcher
) -> None:
    note = content / "aws-lambda.md"
    note.write_text(NOTE.format(timeout="15 minutes"), encoding="utf-8")
    assert wait_for(lambda: Note.objects.filter(slug="aws-lambda").exists())

    note.write_text(NOTE.format(timeout="900 seconds"), encoding="utf-8")
    assert wait_for(lambda: "900 seconds" in Note.objects.get(slug="aws-lambda").source_text)

    note.write_text(BROKEN, encoding="utf-8")
    assert wait_for(
        lambda: ImportProblem.objects.filter(path__endswith="aws-lambda.md", level="error").exists()
    )
    assert "900 seconds" in Note.objects.get(slug="aws-lambda").source_text
    assert wait_for(lambda: "duplicate section heading" in watcher.err.getvalue(), 2)
    assert "FAILED (kept the stored version)" in watcher.out.getvalue()


# --- The pieces, without a watcher ----------------------------------------------------------------


def test_only_markdown_files_and_no_editor_droppings_count() -> None:
    keep = NoteFilter()

    assert keep(Change.modified, "/c/aws-lambda.md")
    assert not keep(Change.modified, "/c/aws-lambda.md~")
    assert not keep(Change.modified, "/c/.#aws-lambda.md")
    assert not keep(Change.modified, "/c/aws-lambda.md.swp")
    assert not keep(Change.modified, "/c/notes.txt")


def test_a_deleted_note_triggers_nothing(tmp_path: Path) -> None:
    kept = tmp_path / "kept.md"
    kept.write_text("# Kept\n", encoding="utf-8")

    assert saved_notes([(Change.deleted, str(tmp_path / "gone.md"))]) == set()
    assert saved_notes([(Change.modified, str(kept))]) == {kept.resolve()}


def test_make_run_starts_the_watcher_beside_the_server() -> None:
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]

    assert "manage.py watch_notes &" in run
    assert "trap" in run
    assert run.index("watch_notes") < run.index("runserver")
