"""The review app: spaced-repetition study of the question bank, one schedule per learner."""

from __future__ import annotations

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "studyapp.review"
    verbose_name = "Review"
