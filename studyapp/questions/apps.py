"""The question bank: questions generated from the notes, and those authors write in them."""

from __future__ import annotations

from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "studyapp.questions"
    verbose_name = "Questions"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from studyapp.notes.signals import notes_imported
        from studyapp.questions import version
        from studyapp.questions.models import Choice, Question
        from studyapp.questions.sync import rebuild_after_import

        # What a question shows changed: the in-memory copies of the study loop are stale
        # (studyapp/questions/version.py). Once per import run that changed notes, before the
        # bank is rebuilt: notes and topics the run renamed or moved (one bump, not one per
        # note), already saved, and shown fresh even if the rebuild then fails. The rebuild
        # bumps the version itself, in its own transaction: it writes in plain SQL, which sends
        # no signals. And any ORM save or delete of a question or choice (the shell, tests).
        notes_imported.connect(version.bump, dispatch_uid="questions.version_after_import")
        # Rebuild the bank whenever an import changed notes (never on a dry run).
        notes_imported.connect(rebuild_after_import, dispatch_uid="questions.rebuild_after_import")
        for model in (Question, Choice):
            for signal in (post_save, post_delete):
                signal.connect(version.bump, sender=model, dispatch_uid=f"version.{model.__name__}")
