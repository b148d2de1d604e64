"""The exams app: timed mock exams over the question bank, feeding answers into review."""

from __future__ import annotations

from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "studyapp.exams"
    verbose_name = "Mock exams"
