"""Scoring a mock exam the way certification exams do, and its clock; no Django here.

A question counts only when it is exactly right: every right choice picked and nothing else
(so a multiple-response question with one of two right choices scores nothing). A question left
unanswered is wrong.

The scaled score is an ESTIMATE. AWS reports results on 100–1000 with 720 to pass but does not
publish how raw answers map onto that scale (it weights questions and equates exam forms). This
app maps the share of right answers linearly onto the scale:

    scaled = 100 + 900 × right / total, rounded half up to a whole number

so 0 right is 100, all right is 1000, and the 720 pass line sits at 68.9 % right
(45 of 65, 14 of 20, 7 of 10).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

SCALE_MIN = 100
SCALE_MAX = 1000
PASS_LINE = 720

FULL_LENGTH = 65
FULL_TIME = timedelta(minutes=130)
LENGTHS = (10, 20, 65)


@dataclass(frozen=True)
class AnsweredQuestion:
    """One question of an attempt as scoring sees it: what is right and what was picked.

    `note` and `topic` are the labels the breakdowns group by; a topic is grouped within its
    note, since two notes may both have a topic called "Pricing".
    """

    correct: frozenset[int]
    selected: frozenset[int]
    note: str = ""
    topic: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.selected)

    @property
    def is_right(self) -> bool:
        return self.answered and self.selected == self.correct


@dataclass(frozen=True)
class Tally:
    """Right answers out of questions, for the whole attempt or one note or topic."""

    label: str
    right: int
    total: int
    note: str = ""

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.total) if self.total else 0

    def __str__(self) -> str:
        return f"{self.right}/{self.total}"


@dataclass(frozen=True)
class Score:
    right: int
    total: int
    scaled: int
    by_note: tuple[Tally, ...]
    by_topic: tuple[Tally, ...]

    @property
    def passed(self) -> bool:
        return self.scaled >= PASS_LINE

    @property
    def raw(self) -> str:
        return f"{self.right}/{self.total}"


def scaled_estimate(right: int, total: int) -> int:
    """The estimated score on 100–1000 for `right` of `total` (see the module docstring)."""
    if total <= 0:
        return SCALE_MIN
    if not 0 <= right <= total:
        raise ValueError("right answers must be between 0 and the number of questions")
    exact = Decimal(SCALE_MIN) + Decimal(SCALE_MAX - SCALE_MIN) * right / total
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def score(questions: Sequence[AnsweredQuestion]) -> Score:
    """The attempt's raw score, scaled estimate and breakdowns."""
    marks = [Mark(q.note, q.topic, q.is_right) for q in questions]
    right = sum(mark.right for mark in marks)
    by_note, by_topic = breakdowns(marks)
    return Score(right, len(marks), scaled_estimate(right, len(marks)), by_note, by_topic)


@dataclass(frozen=True)
class Mark:
    """A question once scored: where it comes from, and whether it was right."""

    note: str
    topic: str
    right: bool


def breakdowns(marks: Iterable[Mark]) -> tuple[tuple[Tally, ...], tuple[Tally, ...]]:
    """Right out of asked per note and per topic (within its note), in order of first appearance."""
    by_note: dict[tuple[str, str], list[int]] = {}
    by_topic: dict[tuple[str, str], list[int]] = {}
    for mark in marks:
        for counts, key in ((by_note, ("", mark.note)), (by_topic, (mark.note, mark.topic))):
            right_total = counts.setdefault(key, [0, 0])
            right_total[0] += mark.right
            right_total[1] += 1
    return _tallies(by_note), _tallies(by_topic)


def _tallies(counts: dict[tuple[str, str], list[int]]) -> tuple[Tally, ...]:
    return tuple(Tally(label, r, t, note) for (note, label), (r, t) in counts.items())


def time_limit(length: int) -> timedelta:
    """130 minutes for the full 65 questions, in proportion for shorter exams (2 min each)."""
    if length <= 0:
        raise ValueError("an exam has at least one question")
    return FULL_TIME * length / FULL_LENGTH


def deadline(started_at: datetime, limit: timedelta) -> datetime:
    return started_at + limit


def is_expired(started_at: datetime, limit: timedelta, now: datetime) -> bool:
    """True once the time limit has run out (at the deadline itself, time is up)."""
    return now >= deadline(started_at, limit)


def remaining_seconds(started_at: datetime, limit: timedelta, now: datetime) -> int:
    """Whole seconds left, never negative; what the countdown starts from."""
    left = (deadline(started_at, limit) - now).total_seconds()
    return max(0, int(left))
