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

        # Any other change to what a question shows makes the in-memory copies stale
        # (studyapp/questions/version.py). The sync bumps the version itself: it writes in
        # plain SQL, which sends no signals.
        from django.db.models.signals import post_delete, post_save

        from studyapp.notes.models import Note, Topic
        from studyapp.questions import version
        from studyapp.questions.models import Choice, Question

        for model in (Question, Choice, Note, Topic):
            for signal in (post_save, post_delete):
                signal.connect(version.bump, sender=model, dispatch_uid=f"version.{model.__name__}")
