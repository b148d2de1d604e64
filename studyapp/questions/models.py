"""The question bank in the database: each question, its choices, and where it came from.

Questions are never deleted: one whose source disappears from its note gets `retired_at`, so
learners' cards and exam answers keep pointing at it. `uid` is the id shown in JSON and URLs;
it stays the same across light edits of the source (see `sync.py`).
"""

from __future__ import annotations

from django.db import models

from studyapp.notes.models import Note, Topic


class QuestionQuerySet(models.QuerySet):
    def current(self) -> QuestionQuerySet:
        return self.filter(retired_at__isnull=True)

    def retired(self) -> QuestionQuerySet:
        return self.filter(retired_at__isnull=False)


class Question(models.Model):
    KIND_CHOICES = [
        ("decision", "Decision row"),
        ("signal", "Exam signal"),
        ("summary", "Summary row"),
        ("focus", "Exam Focus"),
        ("fact", "Option and what it is for"),
        ("authored", "Written by the author"),
    ]

    uid = models.CharField(max_length=40, unique=True)
    note = models.ForeignKey(Note, models.CASCADE, related_name="questions")
    topic = models.ForeignKey(
        Topic, models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    stem = models.TextField()
    explanation = models.TextField(blank=True)
    line = models.PositiveIntegerField(help_text="Line of the source item in the note.")
    multiple = models.BooleanField(default=False, help_text="More than one choice is correct.")
    # What identifies the question across imports: the normalized source item, and the
    # normalized correct choices (a different answer_key means the answer changed).
    source_text = models.TextField()
    answer_key = models.TextField()
    position = models.PositiveIntegerField()
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a re-import last changed the correct answer."
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    # Where the question comes among current ones for a learner who has not seen it: note by
    # note (slug), topic by topic, then as in its note. Numbered by the sync (study_order.py),
    # so the study loop's "next new question" walks an index instead of sorting the bank.
    # Only the sync creates questions in the app; one made elsewhere (the shell) stays
    # unnumbered, first in line on SQLite and last on PostgreSQL, until the next sync.
    study_order = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["note", "position", "pk"]
        indexes = [
            models.Index(fields=["note", "retired_at", "position"]),
            # Today's buried siblings: the questions at a (note, line) place.
            models.Index(fields=["note", "line"], name="question_place"),
            models.Index(
                fields=["study_order", "id"],  # as first_new_question_id orders by
                name="question_study_order",
                condition=models.Q(retired_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.stem

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def correct_count(self) -> int:
        """How many choices to select (uses prefetched choices when there are)."""
        return sum(1 for choice in self.choices.all() if choice.correct)


class Choice(models.Model):
    question = models.ForeignKey(Question, models.CASCADE, related_name="choices")
    text = models.TextField()
    correct = models.BooleanField(default=False)
    why_wrong = models.TextField(blank=True, help_text="What the notes say against it.")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class BankVersion(models.Model):
    """One row whose token changes with every change to the question bank (and the notes and
    topics its questions show), so a process can keep questions in memory and know when they
    are stale: see studyapp/questions/version.py."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
