"""Database expressions the statistics group by: local days and scheduled intervals.

Grouping 100,000 reviews by the learner's local day with TruncDate(tzinfo=...) costs a Python
call per row on SQLite (Django converts time zones there in a user function), several hundred
milliseconds. These expressions do it with integer arithmetic in SQL instead, on SQLite and
PostgreSQL alike: local day = (epoch seconds + the zone's UTC offset then) // 86400, where the
offset comes from a short CASE over the zone's offset changes (compute.offset_segments).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)

SECONDS_PER_DAY = 86400


class EpochSeconds(Func):
    """Whole seconds since 1970-01-01 UTC of a datetime column."""

    arity = 1
    output_field = BigIntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        # Django stores datetimes as UTC text on SQLite. "%%%%s" survives Python's formatting
        # here and Django's placeholder rewriting, and reaches SQLite as strftime's '%s'.
        template = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        template = "CAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s)) AS BIGINT)"
        return self.as_sql(compiler, connection, template=template, **extra)


def local_day(field: str, segments: Sequence[tuple[datetime, int]]) -> Expression:
    """The local day of `field` as days since 1970-01-01 (compute.day_number).

    `segments` are (from, UTC offset in seconds) in time order; before the first one, the first
    offset applies.
    """
    first_offset = segments[0][1]
    offset: Expression = Value(first_offset)
    if len(segments) > 1:
        offset = Case(
            *[
                When(Q(**{f"{field}__gte": start}), then=Value(seconds))
                for start, seconds in reversed(segments[1:])
            ],
            default=Value(first_offset),
            output_field=IntegerField(),
        )
    # Both operands are whole numbers, so "/" divides as integers on both databases (review
    # times are after 1970: no negative numbers to round the wrong way).
    return ExpressionWrapper(
        (EpochSeconds(F(field)) + offset) / Value(SECONDS_PER_DAY), output_field=IntegerField()
    )


class ScheduledInterval(Func):
    """Days between `due` and `last_review` in a JSON card state (a review log's state_before).

    Only for a plain column: the column is named twice in the SQL.
    """

    arity = 1
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        template = (
            "(julianday(json_extract(%(expressions)s, '$.due'))"
            " - julianday(json_extract(%(expressions)s, '$.last_review')))"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        template = (
            "(EXTRACT(EPOCH FROM (CAST((%(expressions)s ->> 'due') AS timestamptz)"
            " - CAST((%(expressions)s ->> 'last_review') AS timestamptz))) / 86400.0)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)
