"""The teams app: teams, their members and invites, and the team's progress page."""

from __future__ import annotations

from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "studyapp.teams"
    verbose_name = "Teams"
