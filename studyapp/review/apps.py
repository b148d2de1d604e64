"""The review app: spaced-repetition study of the question bank, one schedule per learner."""

from __future__ import annotations

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "studyapp.review"
    verbose_name = "Review"

    def ready(self) -> None:
        from studyapp.questions.signals import answers_changed
        from studyapp.review.services import relearn_changed_questions

        answers_changed.connect(relearn_changed_questions, dispatch_uid="review.relearn_changed")
