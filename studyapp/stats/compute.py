"""Progress statistics over plain review records: the definitions, with no Django in them.

Every statistic on the stats page is defined here, over plain tuples, and tested against values
computed by hand. The page gets the same numbers from database aggregates (stats/queries.py);
a test checks that both agree on the same history.

Days are the learner's local days: a review at 23:30 in Berlin belongs to that Berlin day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from math import comb
from zoneinfo import ZoneInfo

from studyapp.review.scheduling import CardState, retrievability

HEATMAP_DAYS = 365
FORECAST_DAYS = 30
RETENTION_PERIODS = (7, 30, 365)
# Anki calls a card mature once its interval reaches 21 days.
MATURE_DAYS = 21
EPOCH = date(1970, 1, 1)


# ---------------------------------------------------------------------------------------------
# Days
# ---------------------------------------------------------------------------------------------


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def day_number(day: date) -> int:
    """Days since 1970-01-01: how the database aggregates name a local day."""
    return (day - EPOCH).days


def from_day_number(number: int) -> date:
    return EPOCH + timedelta(days=number)


def offset_segments(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets (in seconds) between `start` and `end`, as (from, offset) pairs.

    The first pair starts at `start`. Databases use these to turn an instant into a local day
    with integer arithmetic (local day = (epoch seconds + offset) // 86400) instead of a time
    zone conversion per row. A zone changes offset a few times a year, so the list is short;
    each change is found to the second by bisection between two days that differ.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    segments = [(start, _offset(zone, start))]
    moment = start
    while moment < end:
        following = min(moment + timedelta(days=1), end)
        if _offset(zone, following) != segments[-1][1]:
            change = _first_change(zone, moment, following)
            segments.append((change, _offset(zone, change)))
        moment = following
    return segments


def _offset(zone: ZoneInfo, moment: datetime) -> int:
    return int(moment.astimezone(zone).utcoffset().total_seconds())


def _first_change(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    # Invariant: the offset at `before` is the old one, at `after` the new one.
    old = _offset(zone, before)
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        if _offset(zone, middle) == old:
            before = middle
        else:
            after = middle
    return after.replace(microsecond=0)


# ---------------------------------------------------------------------------------------------
# Reviews per day (the calendar heatmap)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewEvent:
    """One answer that counts (not an undo, not undone), as the statistics need it.

    `stage` is where the card was before the answer (new, learning, review, relearning) and
    `interval_days` the interval it had been scheduled with (due − last review) before it.
    """

    card_id: int
    reviewed_at: datetime
    rating: int
    stage: str = "review"
    interval_days: float | None = None


def heatmap_window(today: date, days: int = HEATMAP_DAYS) -> list[date]:
    """The days the heatmap shows: the last `days` days, today included."""
    return [today - timedelta(days=n) for n in range(days - 1, -1, -1)]


def fill_days(counts: Mapping[date, int], days: Sequence[date]) -> dict[date, int]:
    """Counts for exactly these days, in order, zero where there were none."""
    return {day: counts.get(day, 0) for day in days}


def reviews_per_day(
    reviews: Iterable[ReviewEvent], zone: ZoneInfo, today: date, days: int = HEATMAP_DAYS
) -> dict[date, int]:
    """Reviews per local day for the last `days` days (today included), zeros included."""
    counts = Counter(local_date(review.reviewed_at, zone) for review in reviews)
    return fill_days(counts, heatmap_window(today, days))


# ---------------------------------------------------------------------------------------------
# True retention
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    passed: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None

    def __add__(self, other: Share) -> Share:
        return Share(self.passed + other.passed, self.total + other.total)


@dataclass(frozen=True)
class Retention:
    """True retention over the last `days` days, for young and mature cards."""

    days: int
    young: Share
    mature: Share

    @property
    def all(self) -> Share:
        return self.young + self.mature


@dataclass(frozen=True)
class FirstReview:
    """The first answer a card got on a local day, if the card was in review then."""

    day: date
    mature: bool
    passed: bool


def first_reviews_of_day(reviews: Iterable[ReviewEvent], zone: ZoneInfo) -> list[FirstReview]:
    """Anki's true retention counts only a card's first answer of the day, and only when the
    card was in review (not new, learning or relearning) at that answer."""
    first: dict[tuple[int, date], ReviewEvent] = {}
    for review in sorted(reviews, key=lambda r: r.reviewed_at):
        first.setdefault((review.card_id, local_date(review.reviewed_at, zone)), review)
    return [
        FirstReview(day, (review.interval_days or 0) >= MATURE_DAYS, review.rating > 1)
        for (_card, day), review in first.items()
        if review.stage == "review"
    ]


@dataclass(frozen=True)
class DayCounts:
    """One local day: reviews given, and first reviews of the day (young/mature, passed)."""

    reviews: int = 0
    young: Share = Share()
    mature: Share = Share()

    def __add__(self, other: DayCounts) -> DayCounts:
        return DayCounts(
            self.reviews + other.reviews, self.young + other.young, self.mature + other.mature
        )


def day_counts(reviews: Iterable[ReviewEvent], zone: ZoneInfo) -> dict[date, DayCounts]:
    """What the statistics keep of each local day (the database computes the same per day)."""
    reviews = list(reviews)
    days: dict[date, DayCounts] = defaultdict(DayCounts)
    for review in reviews:
        day = local_date(review.reviewed_at, zone)
        days[day] += DayCounts(reviews=1)
    for first in first_reviews_of_day(reviews, zone):
        share = Share(int(first.passed), 1)
        days[first.day] += DayCounts(mature=share) if first.mature else DayCounts(young=share)
    return dict(days)


def retention_from_days(
    days: Mapping[date, DayCounts], today: date, periods: Sequence[int] = RETENTION_PERIODS
) -> list[Retention]:
    """Passed (Hard, Good or Easy) over all first reviews, per period of days ending today."""
    result = []
    for period in periods:
        total = DayCounts()
        for day, counts in days.items():
            if 0 <= (today - day).days < period:
                total += counts
        result.append(Retention(period, total.young, total.mature))
    return result


def true_retention(
    reviews: Iterable[ReviewEvent],
    zone: ZoneInfo,
    today: date,
    periods: Sequence[int] = RETENTION_PERIODS,
) -> list[Retention]:
    return retention_from_days(day_counts(reviews, zone), today, periods)


# ---------------------------------------------------------------------------------------------
# Forecast
# ---------------------------------------------------------------------------------------------


def forecast_from_counts(
    due_per_day: Mapping[date, int], today: date, days: int = FORECAST_DAYS
) -> dict[date, int]:
    """Reviews due on each of the next `days` days; anything overdue is due today."""
    window = [today + timedelta(days=n) for n in range(days)]
    result = fill_days(due_per_day, window)
    result[today] += sum(n for day, n in due_per_day.items() if day < today)
    return result


def forecast(
    dues: Iterable[datetime], zone: ZoneInfo, today: date, days: int = FORECAST_DAYS
) -> dict[date, int]:
    """Reviews due per local day for the next `days` days, from the due times of seen cards."""
    return forecast_from_counts(Counter(local_date(due, zone) for due in dues), today, days)


# ---------------------------------------------------------------------------------------------
# Mastery and readiness
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionInfo:
    """A current question: where it comes from, and how many choices and right answers it has."""

    question_id: int
    note: str
    topic: str
    choices: int
    answers: int = 1


@dataclass(frozen=True)
class Mastery:
    """How well the questions of one note (or one topic of a note) are known today."""

    label: str
    note: str
    questions: int
    seen: int
    recall: float | None

    @property
    def unseen(self) -> int:
        return self.questions - self.seen


def recalls_at(cards: Mapping[int, CardState], moment: datetime) -> dict[int, float]:
    """FSRS's predicted recall probability at `moment`, per question, for cards already seen."""
    return {
        question_id: retrievability(state, moment)
        for question_id, state in cards.items()
        if state.reps > 0
    }


def mastery(
    questions: Sequence[QuestionInfo], recalls: Mapping[int, float]
) -> tuple[list[Mastery], list[Mastery]]:
    """Per note and per topic (in the order given): average recall of the questions seen, and
    how many were never seen."""
    by_note: dict[tuple[str, str], list[QuestionInfo]] = defaultdict(list)
    by_topic: dict[tuple[str, str], list[QuestionInfo]] = defaultdict(list)
    for question in questions:
        by_note["", question.note].append(question)
        by_topic[question.note, question.topic].append(question)
    return _masteries(by_note, recalls), _masteries(by_topic, recalls)


def _masteries(
    groups: Mapping[tuple[str, str], list[QuestionInfo]], recalls: Mapping[int, float]
) -> list[Mastery]:
    result = []
    for (note, label), members in groups.items():
        seen = [recalls[q.question_id] for q in members if q.question_id in recalls]
        average = sum(seen) / len(seen) if seen else None
        result.append(Mastery(label, note, len(members), len(seen), average))
    return result


def guess_chance(choices: int, answers: int = 1) -> float:
    """The chance of a blind guess being exactly right: 1/4 for one of four, 1/C(5,2) = 1/10 for
    Select TWO of five."""
    if choices <= 0 or not 0 < answers <= choices:
        return 0.0
    return 1 / comb(choices, answers)


def readiness(questions: Sequence[QuestionInfo], recalls: Mapping[int, float]) -> float | None:
    """The predicted share of right answers over ALL current questions: a seen question is
    right with its recall probability, an unseen one with the chance of a guess."""
    if not questions:
        return None
    total = sum(recalls.get(q.question_id, guess_chance(q.choices, q.answers)) for q in questions)
    return total / len(questions)


@dataclass(frozen=True)
class ExamOutlook:
    exam_date: date
    days_left: int
    predicted: float | None


def exam_moment(exam_date: date, zone: ZoneInfo, now: datetime) -> datetime:
    """When on exam day to predict recall for: noon there, or now if that is already past."""
    noon = datetime.combine(exam_date, time(12), tzinfo=zone)
    return max(noon, now)


def exam_outlook(
    exam_date: date,
    zone: ZoneInfo,
    now: datetime,
    questions: Sequence[QuestionInfo],
    cards: Mapping[int, CardState],
) -> ExamOutlook:
    """Days left until the exam, and the readiness on that day if nothing more is studied."""
    days_left = (exam_date - local_date(now, zone)).days
    moment = exam_moment(exam_date, zone, now)
    return ExamOutlook(exam_date, days_left, readiness(questions, recalls_at(cards, moment)))


# ---------------------------------------------------------------------------------------------
# Most-confused pairs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrongAnswer:
    """A wrong answer: the choices picked and the right ones (texts), and how often it was given."""

    picked: tuple[str, ...]
    answers: tuple[str, ...]
    count: int = 1


@dataclass(frozen=True)
class Confusion:
    answer: str
    picked: str
    count: int


def confused_pairs(wrong: Iterable[WrongAnswer], limit: int = 10) -> list[Confusion]:
    """Which wrong choice was picked instead of which answer, most frequent first.

    Each wrong choice picked is paired with each right answer that was missed (with every right
    answer if none was missed, as when three were picked for Select TWO).
    """
    counts: Counter[tuple[str, str]] = Counter()
    for answer in wrong:
        wrong_picks = [text for text in answer.picked if text not in answer.answers]
        missed = [text for text in answer.answers if text not in answer.picked] or answer.answers
        for right in missed:
            for picked in wrong_picks:
                counts[right, picked] += answer.count
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Confusion(right, picked, n) for (right, picked), n in ranked[:limit]]
