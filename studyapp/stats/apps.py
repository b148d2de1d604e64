"""The stats app: a learner's progress statistics, drawn on the server."""

from __future__ import annotations

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "studyapp.stats"
    verbose_name = "Statistics"
