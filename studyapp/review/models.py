"""What a learner's study leaves in the database: settings, one card per question, review logs.

Review logs are the learner's history and are append-only: a row is never changed or deleted,
an undo is a new row pointing at the row it undoes.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from studyapp.review import scheduling
from studyapp.review.scheduling import CardState, State

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def validate_time_zone(value: str) -> None:
    if not scheduling.is_valid_time_zone(value):
        raise ValidationError("“%(value)s” is not a time zone name.", params={"value": value})


class StudySettings(models.Model):
    """How one learner wants to study; created with the defaults when first needed."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="study_settings"
    )
    desired_retention = models.FloatField(
        default=scheduling.DEFAULT_RETENTION,
        validators=[
            MinValueValidator(scheduling.MIN_RETENTION),
            MaxValueValidator(scheduling.MAX_RETENTION),
        ],
        # Higher retention means shorter intervals, so more reviews a day.
        help_text="Chance of recalling a question when it comes due (0.70–0.97).",
    )
    new_per_day = models.PositiveIntegerField(
        "new questions per day", default=20, validators=[MaxValueValidator(1000)]
    )
    reviews_per_day = models.PositiveIntegerField(
        "reviews per day", default=200, validators=[MaxValueValidator(10000)]
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Your day, and its daily limits, start at midnight here.",
    )
    exam_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "study settings"

    def __str__(self) -> str:
        return f"Study settings of {self.learner}"

    @classmethod
    def for_learner(cls, learner: AbstractBaseUser, *, lock: bool = False) -> StudySettings:
        """The learner's settings; the defaults, unsaved, until the learner has any.

        With `lock` the row is created if need be and locked until the transaction ends:
        recording answers takes this lock first, so one learner's answers are recorded one at a
        time on every database. Without it nothing is written (pages that only show things).
        """
        if lock:
            found, _created = cls.objects.select_for_update().get_or_create(learner=learner)
            return found
        return cls.objects.filter(learner=learner).first() or cls(learner=learner)

    def day_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        return scheduling.day_bounds(now, self.time_zone)


class Card(models.Model):
    """A learner's FSRS memory state for one question. `reps == 0` means not studied yet."""

    STATE_CHOICES = [(s.value, s.name) for s in State]

    # No index of its own: (learner, question) and (learner, due) both start with it, and each
    # index is one more page an answer writes (docs/performance.md).
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="study_cards", db_index=False
    )
    # Questions are retired, never deleted: PROTECT keeps anyone from losing history by accident.
    question = models.ForeignKey("questions.Question", models.PROTECT, related_name="cards")
    state = models.PositiveSmallIntegerField(choices=STATE_CHOICES, default=State.Learning.value)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="review_card_unique"),
        ]
        indexes = [models.Index(fields=["learner", "due"], name="review_card_due")]

    def __str__(self) -> str:
        return f"Card of {self.learner_id} for question {self.question_id}"

    @property
    def memory(self) -> CardState:
        return CardState(
            state=State(self.state),
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
            reps=self.reps,
            lapses=self.lapses,
        )

    # The columns that hold the FSRS memory state (CardState's fields, in its order).
    MEMORY_FIELDS = (
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
        "reps",
        "lapses",
    )

    def set_memory(self, memory: CardState) -> None:
        self.state = int(memory.state)
        self.step = memory.step
        self.stability = memory.stability
        self.difficulty = memory.difficulty
        self.due = memory.due
        self.last_review = memory.last_review
        self.reps = memory.reps
        self.lapses = memory.lapses


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a review log row."""


class ReviewLogQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("review logs are never updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("review logs are never deleted")

    def effective(self) -> ReviewLogQuerySet:
        """Answers that count: not undo rows, and not undone."""
        # Not "undoes IS NULL": SQLite without ANALYZE statistics takes that for a one-row
        # look-up in the unique index on `undoes` and reads every learner's logs through it
        # (0.7 s for a study card at 100k logs). As an expression it only filters the rows a
        # better index found, such as (learner, reviewed_at). See docs/performance.md.
        not_undo = Coalesce("undoes_id", 0, output_field=models.BigIntegerField())
        return self.alias(undoes_or_0=not_undo).filter(undoes_or_0=0, undone_by__isnull=True)


class ReviewLog(models.Model):
    """One answer (or one undo of an answer), kept forever exactly as it was written."""

    SOURCE_CHOICES = [("study", "Study"), ("cram", "Cram"), ("exam", "Exam")]
    # Where the card was before the answer, as Anki's review log says it; daily limits count
    # "new" and "review" rows, learning steps are never limited.
    STAGE_CHOICES = [
        ("new", "New"),
        ("learning", "Learning"),
        ("review", "Review"),
        ("relearning", "Relearning"),
    ]
    RATING_CHOICES = [(1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")]

    # Neither has an index of its own: (learner, reviewed_at) and (card, reviewed_at) start with
    # them, and each index is one more page an answer writes (docs/performance.md).
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="review_logs", db_index=False
    )
    card = models.ForeignKey(Card, models.CASCADE, related_name="logs", db_index=False)
    question = models.ForeignKey("questions.Question", models.PROTECT, related_name="review_logs")
    # Empty on an undo row.
    rating = models.PositiveSmallIntegerField(choices=RATING_CHOICES, null=True, blank=True)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # The texts of the choices picked: choices may be re-ordered or re-worded later.
    chosen = models.JSONField(default=list, blank=True)
    # The texts of the right choices when the answer was given: a re-import may change what
    # is right later, and "answered X, picked Y" must stay what it was at the time.
    answer = models.JSONField(default=list, blank=True)
    correct = models.BooleanField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=SOURCE_CHOICES, default="study")
    moves_schedule = models.BooleanField(default=True)
    stage = models.CharField(max_length=12, choices=STAGE_CHOICES, blank=True)
    state_before = models.JSONField(null=True, blank=True)
    state_after = models.JSONField(null=True, blank=True)
    # The nonce of the one-time token the answer was submitted with: a second submission of
    # the same token finds this row instead of writing another.
    token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    undoes = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="undone_by"
    )

    objects = ReviewLogQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["learner", "reviewed_at"], name="review_log_learner_time"),
            models.Index(fields=["card", "reviewed_at"], name="review_log_card_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["study", "cram", "exam"]), name="review_log_source"
            ),
        ]

    def __str__(self) -> str:
        what = f"undo of {self.undoes_id}" if self.undoes_id else f"rating {self.rating}"
        return f"Review {self.pk}: {what} at {self.reviewed_at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError("review logs are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("review logs are never deleted")

    @property
    def memory_before(self) -> CardState | None:
        return CardState.from_json(self.state_before) if self.state_before else None

    @property
    def memory_after(self) -> CardState | None:
        return CardState.from_json(self.state_after) if self.state_after else None


def stage_of(memory: CardState) -> str:
    """The log's `stage` for a card in this state before it is answered."""
    if memory.is_new:
        return "new"
    return {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}[
        memory.state
    ]
