"""The notes app: markdown notes imported into topics, facts and exam signals."""

from __future__ import annotations

from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "studyapp.notes"
    verbose_name = "Notes"
