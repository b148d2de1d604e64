"""`manage.py import_notes [PATH ...]`: import markdown notes (default: settings.CONTENT_DIR)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from studyapp.notes.export import export_document
from studyapp.notes.importer import FileResult, import_paths
from studyapp.questions.sync import dry_run_questions


class Command(BaseCommand):
    help = "Import markdown notes; unchanged notes are skipped, broken ones keep their old version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="Note files or folders.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report; write nothing."
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON document of what was understood instead of progress lines.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Re-import notes even when they are unchanged."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = options["paths"] or [settings.CONTENT_DIR]
        as_json = options["json"]
        report = import_paths(
            paths,
            dry_run=options["dry_run"],
            force=options["force"],
            progress=None if as_json else self._progress,
        )
        if as_json:
            document = export_document(report.parsed_notes, report.problems)
            # The question bank's view of each note, with the ids an import gives (or gave).
            questions = dry_run_questions(report.parsed_notes)
            for note in document["notes"]:
                note["questions"] = questions.get(note["path"], [])
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report.summary())
        if report.failed:
            raise CommandError(f"{report.failed} note(s) failed to import", returncode=1)

    def _progress(self, index: int, total: int, result: FileResult) -> None:
        status = "FAILED" if result.status == "failed" else result.status
        self.stdout.write(f"[{index}/{total}] {result.path}: {status}")
        for problem in result.problems:
            self.stderr.write(str(problem))
