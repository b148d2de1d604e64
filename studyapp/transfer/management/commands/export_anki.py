"""`manage.py export_anki PATH.apkg`: every current question as an Anki deck (genanki)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from studyapp.questions.models import Question
from studyapp.transfer.anki import DEFAULT_DECK, AnkiChoice, AnkiQuestion, write_package


class Command(BaseCommand):
    help = "Export all current questions as an Anki package, one sub-deck per note."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Where to write the .apkg file.")
        parser.add_argument("--deck", default=DEFAULT_DECK, help="Name of the top deck.")
        parser.add_argument("--note", action="append", help="Only this note (slug); repeatable.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if path.suffix != ".apkg":
            raise CommandError("the file name must end in .apkg (Anki opens nothing else)")
        questions = Question.objects.current().select_related("note", "topic")
        if options["note"]:
            questions = questions.filter(note__slug__in=options["note"])
        questions = questions.prefetch_related("choices").order_by("note__slug", "position", "pk")
        items = [_for_anki(q) for q in questions]
        if not items:
            raise CommandError("no questions to export: import the notes first (import_notes)")
        write_package(items, path, options["deck"])
        self.stdout.write(f"{len(items)} question(s) written to {path}")


def _for_anki(question: Question) -> AnkiQuestion:
    return AnkiQuestion(
        uid=question.uid,
        note_slug=question.note.slug,
        note_title=question.note.title,
        topic=question.topic.title if question.topic else "",
        line=question.line,
        kind=question.kind,
        stem=question.stem,
        choices=tuple(AnkiChoice(c.text, c.correct, c.why_wrong) for c in question.choices.all()),
        explanation=question.explanation,
    )
