"""When a learner sees a question again: py-fsrs behind a small, immutable, Django-free API."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from fsrs import Card, Rating, Scheduler, State

__all__ = [
    "GRADES",
    "CardState",
    "Rating",
    "State",
    "day_bounds",
    "days_until",
    "grade_rating",
    "is_valid_time_zone",
    "rating_for_answer",
    "retrievability",
    "review",
]

DEFAULT_RETENTION = 0.9
MIN_RETENTION = 0.70
MAX_RETENTION = 0.97

# What a right answer may be graded; a wrong answer is always Again and never asks.
GRADES: dict[str, Rating] = {"hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}


def _utc(moment: datetime) -> datetime:
    # py-fsrs insists on tzinfo == timezone.utc; database drivers may hand back another UTC tzinfo.
    if moment.tzinfo is None:
        raise ValueError("scheduling needs timezone-aware datetimes")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class CardState:
    """The FSRS memory state of one learner's card, as stored and as logged before/after a review.

    `reps` (reviews that moved the schedule) and `lapses` (Again on a card past learning) are not
    FSRS inputs but belong to the card's state: restoring a state restores them too.
    """

    state: State
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @classmethod
    def new(cls, now: datetime) -> CardState:
        """A card never reviewed, due at once."""
        return cls(State.Learning, 0, None, None, _utc(now))

    @property
    def is_new(self) -> bool:
        return self.reps == 0

    def to_fsrs(self) -> Card:
        # A fixed card_id: py-fsrs otherwise derives one from the clock and sleeps a millisecond.
        return Card(
            card_id=1,
            state=self.state,
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=_utc(self.due),
            last_review=_utc(self.last_review) if self.last_review else None,
        )

    @classmethod
    def from_fsrs(cls, card: Card, *, reps: int = 0, lapses: int = 0) -> CardState:
        return cls(
            state=State(card.state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=_utc(card.due),
            last_review=_utc(card.last_review) if card.last_review else None,
            reps=reps,
            lapses=lapses,
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict, exact enough to restore the state (floats round-trip in JSON)."""
        return {
            "state": int(self.state),
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat(),
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "reps": self.reps,
            "lapses": self.lapses,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CardState:
        return cls(
            state=State(int(data["state"])),
            step=data["step"],
            stability=data["stability"],
            difficulty=data["difficulty"],
            due=_utc(datetime.fromisoformat(data["due"])),
            last_review=(
                _utc(datetime.fromisoformat(data["last_review"])) if data["last_review"] else None
            ),
            reps=int(data.get("reps", 0)),
            lapses=int(data.get("lapses", 0)),
        )


@lru_cache(maxsize=32)
def _scheduler(desired_retention: float) -> Scheduler:
    # One scheduler per retention: building one validates 21 parameters, so keep them around.
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=True)


def review(
    state: CardState,
    rating: Rating,
    now: datetime,
    desired_retention: float = DEFAULT_RETENTION,
) -> CardState:
    """The card's state after being answered with `rating` at `now`."""
    if not MIN_RETENTION <= desired_retention <= MAX_RETENTION:
        raise ValueError(f"desired retention must be {MIN_RETENTION}–{MAX_RETENTION}")
    card, _log = _scheduler(round(desired_retention, 4)).review_card(
        state.to_fsrs(), Rating(rating), review_datetime=_utc(now)
    )
    lapsed = rating == Rating.Again and state.state == State.Review
    return replace(
        CardState.from_fsrs(card),
        reps=state.reps + 1,
        lapses=state.lapses + (1 if lapsed else 0),
    )


def retrievability(state: CardState, now: datetime) -> float:
    """The predicted probability (0–1) that the learner recalls the card at `now`; 0 if new."""
    return float(_scheduler(DEFAULT_RETENTION).get_card_retrievability(state.to_fsrs(), _utc(now)))


def rating_for_answer(correct: bool, grade: str | None = None) -> Rating:
    """A wrong answer is Again whatever was asked for; a right one is the grade, Good by default."""
    if not correct:
        return Rating.Again
    return grade_rating(grade)


def grade_rating(grade: str | None) -> Rating:
    """Read a grade the learner picked ("hard"/"good"/"easy" or the keys 2/3/4); Good otherwise."""
    value = (grade or "").strip().lower()
    if value.isdigit() and int(value) in (Rating.Hard, Rating.Good, Rating.Easy):
        return Rating(int(value))
    return GRADES.get(value, Rating.Good)


def is_valid_time_zone(name: str) -> bool:
    if not name or name not in _time_zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@lru_cache(maxsize=1)
def _time_zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(_time_zone_names())]


def day_bounds(now: datetime, tz_name: str) -> tuple[datetime, datetime]:
    """The learner's current day, from local midnight to the next, as UTC datetimes.

    Days are not always 24 hours long (daylight saving time), so the end is the next local
    midnight, not start + 24 hours.
    """
    zone = ZoneInfo(tz_name)
    local_date = _utc(now).astimezone(zone).date()
    start = datetime.combine(local_date, time.min, tzinfo=zone)
    end = datetime.combine(local_date + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def days_until(target: date, now: datetime, tz_name: str) -> int:
    """Whole days from the learner's today to `target` (0 on the day, negative after it)."""
    return (target - _utc(now).astimezone(ZoneInfo(tz_name)).date()).days
