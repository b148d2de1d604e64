"""A learner's review days: reviews per local day and first reviews of the day, from the logs.

The heatmap and true retention both come from per-day counts (compute.DayCounts). Today is
counted from its logs on every view; past days are counted once and kept (stats.models): review
logs are append-only, so a finished day stays as it was, unless something is written about it
after the fact. Two things can: a log written later with an earlier time (an import), and an undo
of an answer given that day. Both are logs above the last one summed, so every view looks at
those (usually today's few) and sums again from the oldest day they touch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)

from studyapp.review.models import ReviewLog, StudySettings
from studyapp.stats import compute
from studyapp.stats.compute import DayCounts, Retention, Share
from studyapp.stats.expressions import EpochSeconds, ScheduledInterval, local_day
from studyapp.stats.models import ReviewDay, ReviewDayRollup

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User


@dataclass(frozen=True)
class Window:
    """The learner's today, and how their zone maps instants to local days around it."""

    zone: ZoneInfo
    now: datetime
    today: date
    segments: list[tuple[datetime, int]]

    @classmethod
    def around(cls, time_zone: str, now: datetime) -> Window:
        zone = ZoneInfo(time_zone)
        today = compute.local_date(now, zone)
        start = cls.local_midnight(today - timedelta(days=compute.HEATMAP_DAYS), zone)
        end = cls.local_midnight(today + timedelta(days=compute.FORECAST_DAYS + 1), zone)
        return cls(zone, now, today, compute.offset_segments(zone, start, end))

    @staticmethod
    def local_midnight(day: date, zone: ZoneInfo) -> datetime:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)

    @property
    def first_day(self) -> date:
        """The oldest day the statistics look at (the heatmap's and the longest retention's)."""
        return self.today - timedelta(days=compute.HEATMAP_DAYS - 1)

    @property
    def start(self) -> datetime:
        """The first moment of the first day."""
        return self.local_midnight(self.first_day, self.zone)

    def starts(self, days_ago: int) -> datetime:
        return self.local_midnight(self.today - timedelta(days=days_ago), self.zone)

    def day(self, field: str) -> Expression:
        return local_day(field, self.segments)


def answers(learner: User) -> QuerySet[ReviewLog]:
    """The learner's answers that count: ReviewLog.effective(), written so databases use the
    (learner, reviewed_at) index.

    An undo row is the one kind of log without a rating. `effective()` says "undoes is null",
    which SQLite answers from the unique index on `undoes`, reading every one of the learner's
    logs for a day's worth; "rating is not null" leaves it the time index.
    """
    return ReviewLog.objects.filter(learner=learner, rating__isnull=False, undone_by__isnull=True)


def day_counts(learner: User, window: Window) -> dict[date, DayCounts]:
    """compute.day_counts over the window: past days as summed before, today from its logs."""
    days = past_days(learner, window)
    return days | count_days(learner, window, window.today, window.today)


def heatmap(days: dict[date, DayCounts], window: Window) -> dict[date, int]:
    """Reviews on each day of the heatmap, zeros included."""
    counts = {day: c.reviews for day, c in days.items()}
    return compute.fill_days(counts, compute.heatmap_window(window.today))


def reviews_per_day(learner: User, window: Window) -> dict[date, int]:
    """compute.reviews_per_day, from the database."""
    return heatmap(day_counts(learner, window), window)


def true_retention(learner: User, window: Window) -> list[Retention]:
    """compute.true_retention, from the database."""
    return compute.retention_from_days(day_counts(learner, window), window.today)


# ---------------------------------------------------------------------------------------------
# Past days, summed once
# ---------------------------------------------------------------------------------------------


def past_days(learner: User, window: Window) -> dict[date, DayCounts]:
    """Counts of the window's days before today, summing only what was not summed yet."""
    yesterday = window.today - timedelta(days=1)
    mark = ReviewDayRollup.objects.filter(learner=learner).first()
    start = _first_day_to_sum(learner, window, mark)
    if start <= yesterday:
        _sum_days(learner, window, start, yesterday)
    rows = ReviewDay.objects.filter(
        learner=learner, time_zone=window.zone.key, day__gte=window.first_day, day__lte=yesterday
    )
    return {
        row.day: DayCounts(
            row.reviews,
            Share(row.young_passed, row.young_total),
            Share(row.mature_passed, row.mature_total),
        )
        for row in rows
    }


def _first_day_to_sum(learner: User, window: Window, mark: ReviewDayRollup | None) -> date:
    if mark is None or mark.time_zone != window.zone.key:
        return window.first_day
    start = max(mark.through_day + timedelta(days=1), window.first_day)
    # Logs written since the last sum: normally today's answers; an older time (an import) or
    # the undo of an older answer means that day's sum is out of date.
    news = ReviewLog.objects.filter(learner=learner, pk__gt=mark.through_log_id).aggregate(
        written=Min("reviewed_at"), undone=Min("undoes__reviewed_at")
    )
    for moment in news.values():
        if moment is not None:
            start = min(start, max(window.first_day, compute.local_date(moment, window.zone)))
    return start


def _sum_days(learner: User, window: Window, first: date, last: date) -> None:
    with transaction.atomic():
        # The lock the study loop takes to record an answer: no answer lands while summing,
        # so every log up to `newest` is in the sums.
        StudySettings.for_learner(learner, lock=True)
        newest = ReviewLog.objects.filter(learner=learner).aggregate(newest=Max("pk"))["newest"]
        counts = count_days(learner, window, first, last)
        zone = window.zone.key
        ReviewDay.objects.filter(learner=learner).filter(
            Q(day__gte=first) | Q(day__lt=window.first_day) | ~Q(time_zone=zone)
        ).delete()
        ReviewDay.objects.bulk_create(
            ReviewDay(
                learner=learner,
                time_zone=zone,
                day=day,
                reviews=c.reviews,
                young_passed=c.young.passed,
                young_total=c.young.total,
                mature_passed=c.mature.passed,
                mature_total=c.mature.total,
            )
            for day, c in counts.items()
        )
        mark = ReviewDayRollup.objects.filter(learner=learner).first()
        mark = mark or ReviewDayRollup(learner=learner)
        mark.time_zone, mark.through_day, mark.through_log_id = zone, last, newest or 0
        mark.save()


# ---------------------------------------------------------------------------------------------
# Counting days from the logs
# ---------------------------------------------------------------------------------------------


# A card's first answer of a day is found with one MIN per (card, day) over a number that
# sorts by time first and carries what retention needs in its last three digits:
# 100 if the card was in review, +10 if mature, +1 if passed.
_REVIEW, _MATURE, _PASSED = 100, 10, 1


def count_days(learner: User, window: Window, first: date, last: date) -> dict[date, DayCounts]:
    """compute.day_counts for the local days first..last, in one grouped query.

    The inner query groups the learner's answers by card and local day (how many, and the
    code of the first); the outer one adds those groups up per day.
    """
    start = window.local_midnight(first, window.zone)
    end = window.local_midnight(last + timedelta(days=1), window.zone)
    flags = (
        Case(When(stage="review", then=Value(_REVIEW)), default=Value(0))
        + Case(
            When(Q(stage="review") & Q(interval__gte=compute.MATURE_DAYS), then=Value(_MATURE)),
            default=Value(0),
        )
        + Case(When(rating__gt=1, then=Value(_PASSED)), default=Value(0))
    )
    first_code = Min(EpochSeconds("reviewed_at") * 1000 + flags)
    groups = (
        answers(learner)
        .filter(reviewed_at__gte=start, reviewed_at__lt=end)
        .annotate(day=window.day("reviewed_at"), interval=ScheduledInterval("state_before"))
        .values("card_id", "day")
        .annotate(answers=Count("pk"), first=first_code)
        .annotate(
            code=ExpressionWrapper(
                F("first") - F("first") / 1000 * 1000, output_field=IntegerField()
            )
        )
        .values_list("day", "answers", "code")
        .order_by()
    )
    sql, params = groups.query.sql_with_params()
    young = (_REVIEW, _REVIEW + _PASSED)
    mature = (_REVIEW + _MATURE, _REVIEW + _MATURE + _PASSED)
    outer = f"""
        SELECT "day", SUM("answers"),
            SUM(CASE WHEN "code" = {young[1]} THEN 1 ELSE 0 END),
            SUM(CASE WHEN "code" IN {young} THEN 1 ELSE 0 END),
            SUM(CASE WHEN "code" = {mature[1]} THEN 1 ELSE 0 END),
            SUM(CASE WHEN "code" IN {mature} THEN 1 ELSE 0 END)
        FROM ({sql}) AS "groups" GROUP BY "day"
    """  # noqa: S608 (only the ORM's own SQL and integer constants are interpolated)
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        rows = cursor.fetchall()
    return {
        compute.from_day_number(day): DayCounts(
            int(reviews), Share(int(yp), int(yt)), Share(int(mp), int(mt))
        )
        for day, reviews, yp, yt, mp, mt in rows
    }
