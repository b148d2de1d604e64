"""The statistics of one learner, read with a fixed number of aggregate queries.

Nothing here loops over review logs in Python: days and counts are grouped in the database
(stats/days.py), so 100,000 logs cost what 10 do. Per-card rows (one per question the learner
has seen) are read for recall probabilities, which need FSRS's formula.
The definitions are in stats/compute.py; this module only feeds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q

from studyapp.questions.models import Question
from studyapp.review.models import Card, StudySettings
from studyapp.review.scheduling import CardState, State
from studyapp.stats import compute, days
from studyapp.stats.compute import (
    Confusion,
    ExamOutlook,
    Mastery,
    QuestionInfo,
    Retention,
    WrongAnswer,
)
from studyapp.stats.days import Window

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

NO_TOPIC = "(no topic)"


@dataclass
class Statistics:
    window: Window
    heatmap: dict[date, int]
    retention: list[Retention]
    forecast: dict[date, int]
    mastery_by_note: list[Mastery]
    mastery_by_topic: list[Mastery]
    readiness: float | None
    confused: list[Confusion]
    outlook: ExamOutlook | None

    @property
    def reviews_last_year(self) -> int:
        return sum(self.heatmap.values())


def for_learner(learner: User, now: datetime, prefs: StudySettings | None = None) -> Statistics:
    """Everything on the stats page, in a fixed number of queries."""
    prefs = prefs or StudySettings.for_learner(learner)
    window = Window.around(prefs.time_zone, now)
    questions = question_infos()
    cards = seen_cards(learner)
    recalls = compute.recalls_at(cards, now)
    by_note, by_topic = compute.mastery(questions, recalls)
    outlook = None
    if prefs.exam_date:
        outlook = compute.exam_outlook(prefs.exam_date, window.zone, now, questions, cards)
    counted = days.day_counts(learner, window)
    return Statistics(
        window=window,
        heatmap=days.heatmap(counted, window),
        retention=compute.retention_from_days(counted, window.today),
        forecast=forecast(learner, window),
        mastery_by_note=by_note,
        mastery_by_topic=by_topic,
        readiness=compute.readiness(questions, recalls),
        confused=compute.confused_pairs(wrong_answers(learner, window.start)),
        outlook=outlook,
    )


def forecast(learner: User, window: Window) -> dict[date, int]:
    """compute.forecast, counted per local day in the database."""
    end = window.starts(-compute.FORECAST_DAYS)
    rows = (
        Card.objects.filter(
            learner=learner, reps__gt=0, question__retired_at__isnull=True, due__lt=end
        )
        .annotate(day=window.day("due"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("day", "n")
    )
    counts = {compute.from_day_number(day): n for day, n in rows}
    return compute.forecast_from_counts(counts, window.today)


def question_infos() -> list[QuestionInfo]:
    """Every current question with its note, topic and numbers of choices and right answers."""
    rows = (
        Question.objects.filter(retired_at__isnull=True)
        .annotate(
            n_choices=Count("choices"),
            n_answers=Count("choices", filter=Q(choices__correct=True)),
        )
        .order_by("note__title", "note__slug", F("topic__position").asc(nulls_last=True), "pk")
        .values_list("pk", "note__title", "topic__title", "n_choices", "n_answers")
    )
    return [
        QuestionInfo(pk, note, topic or NO_TOPIC, choices, answers)
        for pk, note, topic, choices, answers in rows
    ]


def seen_cards(learner: User) -> dict[int, CardState]:
    """The learner's FSRS state per current question seen: one row per card."""
    rows = Card.objects.filter(
        learner=learner, reps__gt=0, question__retired_at__isnull=True
    ).values_list("question_id", *Card.MEMORY_FIELDS)
    return {question_id: CardState(State(state), *rest) for question_id, state, *rest in rows}


def wrong_answers(learner: User, since: datetime | None = None) -> list[WrongAnswer]:
    """Every distinct wrong answer the learner gave (since then), how often, and the right
    choices."""
    logs = days.answers(learner).filter(correct=False)
    if since is not None:
        logs = logs.filter(reviewed_at__gte=since)
    # The right answer as it was when the learner answered (ReviewLog.answer), not today's.
    given = logs.values_list("chosen", "answer").annotate(n=Count("pk")).order_by()
    return [WrongAnswer(tuple(chosen or ()), tuple(answer or ()), n) for chosen, answer, n in given]
