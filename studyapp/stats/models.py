"""Past days of review, summed once: review logs are append-only, so a finished day stays summed.

The statistics page reads a year of these rows plus today's logs instead of a year of logs.
A day is summed again only when something changes it after the fact: a log written later with
an earlier time (an import), or an undo of an answer given that day (see stats/rollup.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReviewDay(models.Model):
    """One learner's reviews on one past local day: a row only for days with reviews."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="stats_review_days"
    )
    # The zone whose midnights bound the day; rows of another zone are stale.
    time_zone = models.CharField(max_length=64)
    day = models.DateField()
    reviews = models.PositiveIntegerField(default=0)
    # First reviews of the day of cards in review (compute.first_reviews_of_day).
    young_passed = models.PositiveIntegerField(default=0)
    young_total = models.PositiveIntegerField(default=0)
    mature_passed = models.PositiveIntegerField(default=0)
    mature_total = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "time_zone", "day"], name="stats_review_day_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} of learner {self.learner_id}: {self.reviews} reviews"


class ReviewDayRollup(models.Model):
    """How far a learner's past days are summed, and from which logs."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="stats_rollup"
    )
    time_zone = models.CharField(max_length=64)
    # Every day up to and including this one is summed in ReviewDay.
    through_day = models.DateField()
    # The learner's highest log id when they were summed: a log above it is news.
    through_log_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Review days of learner {self.learner_id} through {self.through_day}"
