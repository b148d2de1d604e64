"""What an imported note is in the database: the note, its topics, and the items read from it.

Items are never deleted: an item that disappears from its note gets `retired_at`, so that
anything pointing at it (review cards, answers) keeps its history. `.current()` hides them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse


class NoteQuerySet(models.QuerySet):
    def with_counts(self) -> NoteQuerySet:
        """Annotate each note with `topic_count` and `signal_count` of its current items."""
        return self.annotate(
            topic_count=Count("topics", filter=Q(topics__retired_at__isnull=True), distinct=True),
            signal_count=Count(
                "topics__signals",
                filter=Q(topics__signals__retired_at__isnull=True),
                distinct=True,
            ),
        )


class Note(models.Model):
    slug = models.SlugField(max_length=200, unique=True)
    path = models.CharField(max_length=1000)
    title = models.TextField()
    service = models.TextField(blank=True)
    short_name = models.TextField(blank=True)
    intro = models.TextField(blank=True)
    # The repaired text, as the parser read it; lines of items point into it.
    source_text = models.TextField()
    # Rendered and sanitized once at import; pages show it as it is.
    body_html = models.TextField()
    content_hash = models.CharField(max_length=128)
    imported_at = models.DateTimeField(help_text="When the note was first imported.")
    updated_at = models.DateTimeField(help_text="When an import last changed the note.")

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["title", "slug"]

    def __str__(self) -> str:
        return self.title or self.slug

    def get_absolute_url(self) -> str:
        return reverse("notes:detail", args=[self.slug])


class ItemQuerySet(models.QuerySet):
    def current(self) -> ItemQuerySet:
        return self.filter(retired_at__isnull=True)

    def retired(self) -> ItemQuerySet:
        return self.filter(retired_at__isnull=False)


class Item(models.Model):
    """What every item read from a note has: where it was, and whether it is still there."""

    line = models.PositiveIntegerField()
    position = models.PositiveIntegerField()
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Topic(Item):
    note = models.ForeignKey(Note, models.CASCADE, related_name="topics")
    title = models.TextField()
    anchor = models.TextField(help_text="The id of the topic's heading in the note's body_html.")
    level = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return self.title


class Fact(Item):
    KIND_CHOICES = [("bullet", "Bullet"), ("row", "Table row")]

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="facts")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children"
    )
    term = models.TextField(blank=True)
    text = models.TextField()
    family = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES, default="bullet")

    def __str__(self) -> str:
        return self.full_text

    @property
    def full_text(self) -> str:
        return f"{self.term}: {self.text}" if self.term else self.text


class Signal(Item):
    topic = models.ForeignKey(Topic, models.CASCADE, related_name="signals")
    text = models.TextField()
    # [{"when": "...", "choose": "..."}, ...] as read from the sentence.
    rules = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.text


class Decision(Item):
    note = models.ForeignKey(Note, models.CASCADE, related_name="decisions")
    topic = models.TextField(blank=True, help_text="Title of the topic the table sits in.")
    scenario = models.TextField()
    # True: the note's service fits the scenario; False: it does not; None: the cell says neither.
    fits = models.BooleanField(null=True, blank=True)
    service_option = models.TextField(blank=True)
    alternative = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.scenario


class SummaryRow(Item):
    note = models.ForeignKey(Note, models.CASCADE, related_name="summary_rows")
    keyword = models.TextField()
    option = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.keyword} → {self.option}"


class FocusItem(Item):
    POLARITY_CHOICES = [("choose", "Choose"), ("avoid", "Avoid")]

    note = models.ForeignKey(Note, models.CASCADE, related_name="focus_items")
    polarity = models.CharField(max_length=10, choices=POLARITY_CHOICES)
    subject = models.TextField(blank=True, help_text="The service the item is about.")
    text = models.TextField()
    alternative = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.polarity}: {self.text}"


class ImportProblem(models.Model):
    """A problem found by the last import of a path; each run replaces the path's problems."""

    LEVEL_CHOICES = [("error", "Error"), ("warning", "Warning")]

    path = models.CharField(max_length=1000, db_index=True)
    line = models.PositiveIntegerField()
    level = models.CharField(max_length=10, choices=LEVEL_CHOICES)
    message = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["path", "line", "pk"]

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level}: {self.message}"
