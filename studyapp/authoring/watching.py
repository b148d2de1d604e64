"""Re-import notes as they are saved: the loop behind `manage.py watch_notes`.

watchfiles batches the events of one save (editors write a temporary file, rename it, touch
the folder) and yields once the folder has been quiet for `step` milliseconds. Each batch that
touched a note re-imports the whole folder through the same importer as `import_notes`:
unchanged notes cost a hash comparison, and the question bank gets every note of the run, so
cross-note choices stay right. A note with errors keeps its stored version and its problems
land in ImportProblem for /authoring/problems/.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db import close_old_connections
from watchfiles import Change, DefaultFilter, watch

from studyapp.notes.importer import ImportReport, import_paths

logger = logging.getLogger(__name__)

# Quiet time before a batch is imported, and the longest a batch may keep growing.
STEP_MS = 300
DEBOUNCE_MS = 1500


class NoteFilter(DefaultFilter):
    """Markdown files only, without editor droppings (DefaultFilter drops `.#x.md`, `x.md~`)."""

    def __call__(self, change: Change, path: str) -> bool:
        return path.endswith(".md") and super().__call__(change, path)


def saved_notes(changes: Iterable[tuple[Change, str]]) -> set[Path]:
    """The notes a batch saved; deleting one changes nothing (it keeps its stored version)."""
    return {Path(path).resolve() for _change, path in changes if Path(path).is_file()}


def watch_notes(
    folder: Path,
    *,
    on_report: Callable[[ImportReport, set[Path]], None],
    stop_event: threading.Event | None = None,
) -> None:
    """Re-import after each batch of saves under `folder` until `stop_event` is set.

    `on_report` gets the run's report and the resolved paths of the notes saved in the batch.
    """
    for changes in watch(
        folder,
        watch_filter=NoteFilter(),
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        stop_event=stop_event,
        raise_interrupt=False,
    ):
        saved = saved_notes(changes)
        if not saved:
            continue
        # A long-lived process: drop connections the database may have closed meanwhile.
        close_old_connections()
        try:
            report = import_paths([folder])
        except Exception:  # One failed import must not stop the watcher while the server runs.
            logger.exception("re-importing %s failed", folder)
            continue
        on_report(report, saved)
