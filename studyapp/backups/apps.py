"""The backups app: a consistent copy of the SQLite database while the server runs."""

from __future__ import annotations

from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "studyapp.backups"
    verbose_name = "Backups"
