"""`manage.py import_question_bank BANK.md --note SLUG`: add a public bank's questions to a note."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from studyapp.notes.importer import import_paths
from studyapp.notes.models import Note
from studyapp.notes.parser import parse_note
from studyapp.transfer.question_bank import (
    add_to_note,
    as_note_markdown,
    new_questions,
    parse_question_bank,
)


class Command(BaseCommand):
    help = (
        "Append the questions of a public question bank (### question, - [ ] / - [x] options) "
        "to a note as authored questions, then import the note. Questions the note already has "
        "are skipped, so running it again adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bank", type=Path, help="The question bank, a markdown file.")
        parser.add_argument("--note", required=True, help="Slug of the note, e.g. amazon-ecs.")
        parser.add_argument(
            "--section",
            help="Section of the note to add them to (default: 'Practice questions from <bank>').",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be added; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bank: Path = options["bank"]
        try:
            text = bank.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {bank}: {error}") from error
        note_path = _note_file(options["note"])
        report = parse_question_bank(text, str(bank))
        for problem in report.problems:
            self.stderr.write(str(problem))

        data = note_path.read_bytes()
        existing = [q.stem for q in parse_note(data, str(note_path)).questions]
        fresh = new_questions(report.questions, existing)
        skipped = len(report.questions) - len(fresh)
        summary = (
            f"{len(fresh)} question(s) to add to {note_path}, {skipped} already there, "
            f"{len(report.errors)} malformed"
        )
        if options["dry_run"]:
            self.stdout.write(as_note_markdown(fresh))
            self.stdout.write(summary)
        elif fresh:
            section = options["section"] or f"Practice questions from {bank.stem}"
            _replace(note_path, add_to_note(data, section, as_note_markdown(fresh)))
            self.stdout.write(summary.replace("to add", "added"))
            self._import(note_path)
        else:
            self.stdout.write(summary)
        if report.errors:
            raise CommandError(f"{len(report.errors)} malformed question(s) skipped", returncode=1)

    def _import(self, note_path: Path) -> None:
        # The whole folder when the note is in content/: the question bank is built from all notes.
        content = Path(settings.CONTENT_DIR).resolve()
        target = content if note_path.resolve().is_relative_to(content) else note_path
        report = import_paths([target])
        mine = [f for f in report.files if Path(f.path).resolve() == note_path.resolve()]
        for problem in (p for f in mine for p in f.problems):
            self.stderr.write(str(problem))
        if any(f.status == "failed" for f in mine):
            raise CommandError(
                f"{note_path} no longer imports; fix the problems above (the questions were added)",
                returncode=1,
            )
        self.stdout.write(report.summary())


def _note_file(slug: str) -> Path:
    """The file of the note: content/<slug>.md, or wherever the note was imported from."""
    candidate = Path(settings.CONTENT_DIR) / f"{slug}.md"
    if candidate.is_file():
        return candidate
    note = Note.objects.filter(slug=slug).only("path").first()
    if note is not None and Path(note.path).is_file():
        return Path(note.path)
    raise CommandError(f"no note file for {slug!r} (looked for {candidate})")


def _replace(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.import.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
