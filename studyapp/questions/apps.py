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

        # What a question shows changed: the in-memory copies of the study loop are stale
        # (studyapp/questions/version.py). The sync bumps the version itself, in its own
        # transaction: it writes in plain SQL, which sends no signals. After the sync, once per
        # import run: notes and topics the run renamed or moved (one bump, not one per note).
        # And any ORM save or delete of a question or choice (the shell, tests).
        from django.db.models.signals import post_delete, post_save

        from studyapp.questions import version
        from studyapp.questions.models import Choice, Question

        notes_imported.connect(version.bump, dispatch_uid="questions.version_after_import")
        for model in (Question, Choice):
            for signal in (post_save, post_delete):
                signal.connect(version.bump, sender=model, dispatch_uid=f"version.{model.__name__}")
