"""The transfer app: data in and out (Anki decks, public question banks, learner progress)."""

from __future__ import annotations

from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "studyapp.transfer"
    verbose_name = "Data in and out"
