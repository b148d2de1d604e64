"""A learner's mock exams: each attempt, its questions in order, and what was answered."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models

from studyapp.exams import scoring


class ExamAttemptQuerySet(models.QuerySet):
    def submitted(self) -> ExamAttemptQuerySet:
        return self.filter(submitted_at__isnull=False)


class ExamAttempt(models.Model):
    """One sitting of a mock exam; the score fields are filled when it is submitted."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="exam_attempts"
    )
    # The number of questions asked: the length picked, or fewer if the bank is smaller.
    length = models.PositiveSmallIntegerField()
    time_limit = models.DurationField()
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(
        default=False, help_text="Submitted by the server when the time ran out."
    )
    # The question the learner was last on, where a closed tab resumes.
    current = models.PositiveSmallIntegerField(default=1)
    # The notes the questions were drawn from, by slug; empty means all notes.
    note_slugs = models.JSONField(default=list, blank=True)
    right = models.PositiveSmallIntegerField(null=True, blank=True)
    scaled_score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    objects = ExamAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["learner", "started_at"], name="exam_attempt_learner")]

    def __str__(self) -> str:
        return f"Exam {self.pk} of {self.learner_id} ({self.length} questions)"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def deadline(self) -> datetime:
        return scoring.deadline(self.started_at, self.time_limit)

    def is_expired(self, now: datetime) -> bool:
        return scoring.is_expired(self.started_at, self.time_limit, now)

    def remaining_seconds(self, now: datetime) -> int:
        return scoring.remaining_seconds(self.started_at, self.time_limit, now)

    @property
    def raw_score(self) -> str:
        return f"{self.right}/{self.length}" if self.right is not None else ""

    @property
    def duration(self) -> timedelta | None:
        if self.submitted_at is None:
            return None
        return min(self.submitted_at - self.started_at, self.time_limit)


class AttemptQuestion(models.Model):
    """One question of an attempt, its choices in the order shown, and the learner's answer."""

    attempt = models.ForeignKey(ExamAttempt, models.CASCADE, related_name="items")
    question = models.ForeignKey("questions.Question", models.PROTECT, related_name="attempt_items")
    # From 1, the question's number in the exam.
    position = models.PositiveSmallIntegerField()
    # Choice ids in the order shown, fixed for the attempt; the page names choices by their
    # place in this list (1, 2, …), never by id, so nothing on it hints at which is right.
    choice_order = models.JSONField(default=list)
    # The choices as they were when the attempt started, in `choice_order`'s order:
    # [{"id", "text", "correct", "why_wrong"}]. A re-import re-words, re-keys and deletes
    # Choice rows (questions/sync.py); the attempt is taken, scored and reviewed on this copy,
    # so it always shows what the learner saw.
    shown = models.JSONField(default=list, blank=True)
    # Choice ids picked; empty while unanswered.
    selected = models.JSONField(default=list, blank=True)
    flagged = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Filled at submission: exactly right (all right choices, nothing else).
    correct = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="exam_item_position"),
            models.UniqueConstraint(fields=["attempt", "question"], name="exam_item_question"),
        ]

    def __str__(self) -> str:
        return f"Question {self.position} of exam {self.attempt_id}"

    @property
    def answered(self) -> bool:
        return bool(self.selected)

    def picked_numbers(self) -> list[int]:
        """The picked choices by their place on screen (from 1)."""
        picked = set(self.selected)
        return [n for n, pk in enumerate(self.choice_order, start=1) if pk in picked]

    def shown_choices(self) -> list[dict[str, Any]]:
        """The choices as shown, each with `number` (its place, from 1) and `picked`."""
        picked = set(self.selected)
        return [
            {**choice, "number": n, "picked": choice["id"] in picked}
            for n, choice in enumerate(self.shown, start=1)
        ]

    def choice_ids(self, numbers: list[int]) -> list[int]:
        """Choice ids for places on screen; places that do not exist are ignored."""
        shown = len(self.choice_order)
        return [self.choice_order[n - 1] for n in sorted(set(numbers)) if 0 < n <= shown]
