"""The team page's numbers, read in a fixed handful of queries whatever the team's size.

Each query covers every member at once; the arithmetic is in studyapp.teams.progress.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, DateField, Q, QuerySet, When
from django.db.models.functions import TruncDate
from django.urls import reverse

from studyapp.review.models import Card, ReviewLog
from studyapp.review.scheduling import CardState, State, retrievability
from studyapp.stats.compute import Confusion, WrongAnswer, confused_pairs
from studyapp.teams import progress
from studyapp.teams.models import Membership, Team

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

AGAIN = 1
# How far back a streak is looked for; longer streaks show as this many days.
STREAK_WINDOW = timedelta(days=365)
CONFUSION_WINDOW = timedelta(days=90)


@dataclass
class MemberRow:
    """One member's numbers; `name` is empty for members who keep their name hidden."""

    number: int
    name: str
    is_viewer: bool
    due_today: int = 0
    reviews_7d: int = 0
    answers_30d: int = 0
    again_30d: int = 0
    streak: int = 0

    @property
    def label(self) -> str:
        return self.name or f"Member {self.number}"

    @property
    def retention(self) -> float | None:
        return progress.retention(self.answers_30d, self.again_30d)


@dataclass(frozen=True)
class WeakTopic:
    title: str
    note_title: str
    url: str
    average: float
    cards: int
    learners: int


@dataclass
class Dashboard:
    members: list[MemberRow]
    weakest_topics: list[WeakTopic] = field(default_factory=list)
    confusions: list[Confusion] = field(default_factory=list)

    @property
    def leaderboard(self) -> list[MemberRow]:
        """Named members with enough answers to mean something, best retention first."""
        ranked = [
            m for m in self.members if m.name and m.answers_30d >= progress.LEADERBOARD_MIN_REVIEWS
        ]
        return sorted(ranked, key=lambda m: (-(m.retention or 0.0), m.name))


def team_dashboard(team: Team, viewer: AbstractBaseUser, now: datetime) -> Dashboard:
    memberships = list(
        Membership.objects.filter(team=team)
        .select_related("user", "user__study_settings")
        .order_by("pk")
    )
    zones = {m.user_id: _zone_of(m) for m in memberships}
    rows = {m.user_id: _row(number, m, viewer) for number, m in enumerate(memberships, 1)}
    ids = list(rows)
    weak = _add_cards(rows, zones, now)
    _add_answer_counts(rows, now)
    _add_streaks(rows, zones, now)
    return Dashboard(
        members=list(rows.values()),
        weakest_topics=weak,
        confusions=_confusions(ids, now),
    )


def _zone_of(membership: Membership) -> str:
    prefs = getattr(membership.user, "study_settings", None)
    return prefs.time_zone if prefs is not None else "UTC"


def _row(number: int, membership: Membership, viewer: AbstractBaseUser) -> MemberRow:
    is_viewer = membership.user_id == viewer.pk
    # Everyone sees their own name; others' only if they chose to show it.
    shown = is_viewer or membership.show_on_leaderboard
    name = membership.user.get_username() if shown else ""
    return MemberRow(number=number, name=name, is_viewer=is_viewer)


def _end_of_today(zone: str, now: datetime) -> datetime:
    local = now.astimezone(ZoneInfo(zone))
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
    return midnight.replace(tzinfo=ZoneInfo(zone))


def _add_cards(rows: dict[int, MemberRow], zones: dict[int, str], now: datetime) -> list[WeakTopic]:
    """Due today per member, and the weakest topics, from one pass over the team's cards."""
    ends = {learner: _end_of_today(zone, now) for learner, zone in zones.items()}
    cards = Card.objects.filter(
        learner_id__in=list(rows), reps__gt=0, question__retired_at__isnull=True
    ).values_list(
        "learner_id",
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
        "question__topic_id",
        "question__topic__title",
        "question__topic__anchor",
        "question__note__title",
        "question__note__slug",
    )
    recalls = []
    topics: dict[object, tuple[str, str, str]] = {}
    for learner, state, step, stability, difficulty, due, last, topic_id, *where in cards:
        if due < ends[learner]:
            rows[learner].due_today += 1
        memory = CardState(State(state), step, stability, difficulty, due, last)
        key = topic_id or ("note", where[3])
        topics[key] = tuple(where)
        recalls.append((key, learner, retrievability(memory, now)))
    return [_weak_topic(found, *topics[found.key]) for found in progress.weakest(recalls)]


def _weak_topic(
    found: progress.TopicRecall, title: str, anchor: str, note_title: str, note_slug: str
) -> WeakTopic:
    if anchor:
        url = reverse("review:cram_topic", args=[note_slug, anchor])
    else:
        url = reverse("review:cram_note", args=[note_slug])
    return WeakTopic(
        title=title or note_title,
        note_title=note_title,
        url=url,
        average=found.average,
        cards=found.cards,
        learners=found.learners,
    )


def _answers(ids: list[int]) -> QuerySet[ReviewLog]:
    # Answers that count: not undo rows, not undone, and not from mock exams.
    return (
        ReviewLog.objects.filter(learner_id__in=ids, rating__isnull=False)
        .exclude(source="exam")
        .effective()
    )


def _add_answer_counts(rows: dict[int, MemberRow], now: datetime) -> None:
    counts = (
        _answers(list(rows))
        .filter(reviewed_at__gte=now - timedelta(days=30))
        .order_by()
        .values("learner_id")
        .annotate(
            month=Count("pk"),
            again=Count("pk", filter=Q(rating=AGAIN)),
            week=Count("pk", filter=Q(reviewed_at__gte=now - timedelta(days=7))),
        )
    )
    for found in counts:
        row = rows[found["learner_id"]]
        row.answers_30d, row.again_30d = found["month"], found["again"]
        row.reviews_7d = found["week"]


def _add_streaks(rows: dict[int, MemberRow], zones: dict[int, str], now: datetime) -> None:
    """Streaks in each member's own time zone: the database turns answer times into local
    dates, one CASE branch per time zone in the team, so the query count stays fixed."""
    by_zone: dict[str, list[int]] = defaultdict(list)
    for learner, zone in zones.items():
        by_zone[zone].append(learner)
    local_day = Case(
        *(
            When(learner_id__in=learners, then=TruncDate("reviewed_at", tzinfo=ZoneInfo(zone)))
            for zone, learners in by_zone.items()
        ),
        output_field=DateField(),
    )
    days = (
        _answers(list(rows))
        .filter(reviewed_at__gte=now - STREAK_WINDOW)
        .order_by()
        .values_list("learner_id", local_day)
        .distinct()
    )
    studied: dict[int, set[date]] = defaultdict(set)
    for learner, day in days:
        studied[learner].add(day)
    for learner, row in rows.items():
        today = now.astimezone(ZoneInfo(zones[learner])).date()
        row.streak = progress.streak(studied[learner], today)


def _confusions(ids: list[int], now: datetime) -> list[Confusion]:
    # The right answer as it was when each member answered (ReviewLog.answer), not today's.
    wrong = (
        _answers(ids)
        .filter(correct=False, reviewed_at__gte=now - CONFUSION_WINDOW)
        .values_list("chosen", "answer")
    )
    return confused_pairs(
        WrongAnswer(tuple(chosen or ()), tuple(answer or ())) for chosen, answer in wrong
    )
