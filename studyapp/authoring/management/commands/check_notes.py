"""`manage.py check_notes [PATH ...]`: validate notes without importing them (no database)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from studyapp.authoring.checks import check_notes, repaired_bytes
from studyapp.notes.export import problem_dict
from studyapp.notes.importer import note_files
from studyapp.notes.parsed import ParsedNote, Problem
from studyapp.notes.parser import parse_note


class Command(BaseCommand):
    help = (
        "Check notes as the importer would read them, and more; print path:line: level: message. "
        "Exit code 1 when any note has an error."
    )
    # Runs as a pre-commit hook: no system checks, no database, nothing but the files.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="*", type=Path, help="Note files or folders (default: content/)."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON document.")
        parser.add_argument(
            "--fix-encoding",
            action="store_true",
            help="Rewrite files whose encoding needed repair as the repaired UTF-8.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = note_files(options["paths"] or [settings.CONTENT_DIR])
        if not files:
            raise CommandError("no .md files found", returncode=1)
        sources = {path: _read(path) for path in files}
        fixed = _fix_encoding(sources) if options["fix_encoding"] else []
        notes = [_parse(path, data) for path, data in sources.items()]
        readable = {path: data for path, data in sources.items() if data is not None}
        problems = [p for note in notes for p in note.problems if note.path not in readable]
        problems += check_notes([n for n in notes if n.path in readable], sources=readable)
        errors = sum(1 for p in problems if p.level == "error")
        if options["json"]:
            self._print_json(files, problems, fixed)
        else:
            self._print_lines(files, problems, fixed)
        if errors:
            raise CommandError(f"{errors} error(s) in notes", returncode=1)

    def _print_lines(self, files: list[str], problems: list[Problem], fixed: list[str]) -> None:
        for path in fixed:
            self.stdout.write(f"{path}: encoding repaired and rewritten as UTF-8")
        for problem in problems:
            self.stdout.write(str(problem))
        errors = sum(1 for p in problems if p.level == "error")
        self.stderr.write(
            f"{len(files)} note(s) checked: {errors} error(s), {len(problems) - errors} warning(s)"
        )

    def _print_json(self, files: list[str], problems: list[Problem], fixed: list[str]) -> None:
        errors = sum(1 for p in problems if p.level == "error")
        document = {
            "files": files,
            "fixed": fixed,
            "errors": errors,
            "warnings": len(problems) - errors,
            "problems": [problem_dict(p) for p in problems],
        }
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))


def _read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def _parse(path: str, data: bytes | None) -> ParsedNote:
    if data is None:
        problem = Problem(path, 1, "error", "cannot read the file")
        return ParsedNote(path, "", "", "", "", "", "", problems=(problem,))
    return parse_note(data, path)


def _replace(path: Path, data: bytes) -> None:
    # Write next to the file, then rename over it: an interrupted run never leaves half a note.
    temporary = path.with_name(f".{path.name}.check_notes.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _fix_encoding(sources: dict[str, bytes | None]) -> list[str]:
    """Rewrite damaged files in place and check the repaired bytes; good files are not touched."""
    fixed = []
    for path, data in sources.items():
        repaired = repaired_bytes(data) if data is not None else None
        if repaired is None or repaired == data:
            continue
        _replace(Path(path), repaired)
        sources[path] = repaired
        fixed.append(path)
    return fixed
