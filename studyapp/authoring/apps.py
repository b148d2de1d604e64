"""The authoring app: tools for people who write the notes (checks, live re-import, preview)."""

from __future__ import annotations

from django.apps import AppConfig


class AuthoringConfig(AppConfig):
    name = "studyapp.authoring"
    verbose_name = "Authoring"
