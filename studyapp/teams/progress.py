"""Team progress arithmetic with no Django in it: streaks, retention, weakest topics.

Which answers get confused is defined once, for the stats page too: stats.compute.confused_pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# Fewer answers than this in 30 days and a retention figure says little: not ranked.
LEADERBOARD_MIN_REVIEWS = 10


def streak(study_days: Iterable[date], today: date) -> int:
    """Consecutive days with at least one answer, up to today.

    A streak is not broken before the day is over: if today has no answer yet, it counts back
    from yesterday.
    """
    days = set(study_days)
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def retention(answers: int, again: int) -> float | None:
    """The share of answers that were not Again, or None without answers."""
    if answers <= 0:
        return None
    return (answers - again) / answers


@dataclass(frozen=True)
class TopicRecall:
    key: object
    average: float
    cards: int
    learners: int


def weakest(recalls: Iterable[tuple[object, object, float]], limit: int = 5) -> list[TopicRecall]:
    """Topics by lowest average recall probability, from (topic key, learner, recall) rows."""
    sums: dict[object, float] = {}
    cards: Counter[object] = Counter()
    learners: dict[object, set[object]] = {}
    for key, learner, recall in recalls:
        sums[key] = sums.get(key, 0.0) + recall
        cards[key] += 1
        learners.setdefault(key, set()).add(learner)
    topics = [TopicRecall(k, sums[k] / cards[k], cards[k], len(learners[k])) for k in sums]
    return sorted(topics, key=lambda t: (t.average, -t.cards, str(t.key)))[:limit]
