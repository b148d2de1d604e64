"""`manage.py watch_notes [FOLDER]`: re-import notes as they are saved (`make run` starts it)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from studyapp.authoring.watching import watch_notes
from studyapp.notes.importer import ImportReport


class Command(BaseCommand):
    help = "Watch the notes folder and re-import each note as it is saved; Ctrl-C stops."
    # For callers in the same process (tests): a threading.Event that ends the watch.
    stealth_options = ("stop_event",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder", nargs="?", type=Path, help="Folder to watch (default: content/)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = options["folder"] or Path(settings.CONTENT_DIR)
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        # watchfiles logs "1 change detected" at INFO for every batch; our own lines say more.
        logging.getLogger("watchfiles").setLevel(logging.WARNING)
        self.stdout.write(f"watch_notes: re-importing notes saved in {folder}")
        watch_notes(folder, on_report=self._print, stop_event=options.get("stop_event"))

    def _print(self, report: ImportReport, saved: set[Path]) -> None:
        # Only what this save changed: a note that was already broken is not repeated.
        for result in report.files:
            if result.status == "unchanged" or (
                result.status == "failed" and Path(result.path).resolve() not in saved
            ):
                continue
            status = (
                "FAILED (kept the stored version)" if result.status == "failed" else result.status
            )
            self.stdout.write(f"watch_notes: {result.path}: {status}")
            for problem in result.problems:
                self.stderr.write(f"watch_notes: {problem}")
