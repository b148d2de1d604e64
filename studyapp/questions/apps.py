"""The question bank: questions generated from the notes, and those authors write in them."""

from __future__ import annotations

from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "studyapp.questions"
    verbose_name = "Questions"

    def ready(self) -> None:
        # Rebuild the bank whenever an import changed notes (never on a dry run).
        from studyapp.notes.signals import notes_imported
        from studyapp.questions.sync import rebuild_after_import

        notes_imported.connect(rebuild_after_import, dispatch_uid="questions.rebuild_after_import")
