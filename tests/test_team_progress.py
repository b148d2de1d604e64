"""The team page's arithmetic on plain values: streaks, retention, weakest topics."""

from __future__ import annotations

from datetime import date

from studyapp.teams.progress import retention, streak, weakest

TODAY = date(2030, 3, 10)


def days(*numbers: int) -> set[date]:
    return {date(2030, 3, n) for n in numbers}


def test_a_streak_counts_consecutive_days_up_to_today() -> None:
    assert streak(days(7, 8, 9, 10), TODAY) == 4


def test_a_streak_is_not_broken_before_the_day_is_over() -> None:
    assert streak(days(7, 8, 9), TODAY) == 3


def test_a_missed_day_ends_the_streak() -> None:
    assert streak(days(5, 6, 8, 9, 10), TODAY) == 3
    assert streak(days(5, 6, 7, 8), TODAY) == 0
    assert streak(set(), TODAY) == 0


def test_retention_is_the_share_of_answers_that_were_not_again() -> None:
    assert retention(answers=20, again=5) == 0.75
    assert retention(answers=0, again=0) is None


def test_the_weakest_topics_have_the_lowest_average_recall() -> None:
    recalls = [
        ("lambda", "ana", 0.9),
        ("lambda", "ben", 0.7),
        ("ecs", "ana", 0.4),
        ("ecs", "ana", 0.6),
        ("eks", "ben", 0.95),
    ]
    found = weakest(recalls, limit=2)
    assert [t.key for t in found] == ["ecs", "lambda"]
    assert found[0].average == 0.5
    assert (found[0].cards, found[0].learners) == (2, 1)
    assert (found[1].cards, found[1].learners) == (2, 2)
