"""The scheduling core: py-fsrs behind CardState, ratings and the learner's day; no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from studyapp.review.scheduling import (
    CardState,
    Rating,
    State,
    day_bounds,
    days_until,
    grade_rating,
    is_valid_time_zone,
    rating_for_answer,
    retrievability,
    review,
)

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def test_a_wrong_answer_on_a_new_card_is_due_again_within_minutes() -> None:
    after = review(CardState.new(NOW), rating_for_answer(False), NOW)

    assert after.state == State.Learning
    assert NOW < after.due <= NOW + timedelta(minutes=10)
    assert after.reps == 1


def test_good_on_a_new_card_takes_a_learning_step_then_days() -> None:
    first = review(CardState.new(NOW), Rating.Good, NOW)
    assert first.state == State.Learning
    assert first.due - NOW == timedelta(minutes=10)

    later = first.due
    second = review(first, Rating.Good, later)
    assert second.state == State.Review
    assert second.due - later >= timedelta(days=1)
    assert second.reps == 2


def test_again_on_a_review_card_relearns_within_minutes_and_counts_a_lapse() -> None:
    state = review(review(CardState.new(NOW), Rating.Good, NOW), Rating.Good, NOW)
    at = state.due

    lapsed = review(state, Rating.Again, at)

    assert lapsed.state == State.Relearning
    assert lapsed.due - at <= timedelta(minutes=10)
    assert lapsed.lapses == 1


def test_a_higher_desired_retention_gives_shorter_intervals() -> None:
    # Easy skips the learning steps, so the interval is the retention's doing alone.
    state = review(CardState.new(NOW), Rating.Easy, NOW, desired_retention=0.9)
    at = state.due + timedelta(days=30)

    strict = review(state, Rating.Good, at, desired_retention=0.97)
    relaxed = review(state, Rating.Good, at, desired_retention=0.70)

    assert strict.due - at < relaxed.due - at


def test_an_out_of_range_retention_is_refused() -> None:
    with pytest.raises(ValueError):
        review(CardState.new(NOW), Rating.Good, NOW, desired_retention=0.5)


def test_review_never_changes_the_state_it_was_given() -> None:
    before = CardState.new(NOW)
    review(before, Rating.Good, NOW)
    assert before == CardState.new(NOW)


def test_a_state_survives_json_exactly() -> None:
    state = review(review(CardState.new(NOW), Rating.Good, NOW), Rating.Hard, NOW)

    assert CardState.from_json(state.to_json()) == state


def test_fsrs_card_round_trip_keeps_the_memory_state() -> None:
    state = review(CardState.new(NOW), Rating.Easy, NOW)

    back = CardState.from_fsrs(state.to_fsrs(), reps=state.reps, lapses=state.lapses)

    assert back == state


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        review(CardState.new(NOW), Rating.Good, datetime(2025, 3, 10, 9, 0))  # noqa: DTZ001


def test_retrievability_is_zero_for_a_new_card_and_falls_with_time() -> None:
    state = review(CardState.new(NOW), Rating.Easy, NOW)

    assert retrievability(CardState.new(NOW), NOW) == 0
    soon = retrievability(state, NOW + timedelta(days=1))
    late = retrievability(state, NOW + timedelta(days=60))
    assert 0 < late < soon <= 1


@pytest.mark.parametrize(
    ("correct", "grade", "expected"),
    [
        (False, "easy", Rating.Again),
        (True, None, Rating.Good),
        (True, "", Rating.Good),
        (True, "hard", Rating.Hard),
        (True, "Easy", Rating.Easy),
        (True, "2", Rating.Hard),
        (True, "4", Rating.Easy),
        (True, "1", Rating.Good),
        (True, "again", Rating.Good),
        (True, "junk", Rating.Good),
    ],
)
def test_ratings_wrong_is_again_right_is_the_grade_or_good(
    correct: bool, grade: str | None, expected: Rating
) -> None:
    assert rating_for_answer(correct, grade) == expected


def test_grade_rating_defaults_to_good() -> None:
    assert grade_rating(None) == Rating.Good


def test_a_utc_day_runs_midnight_to_midnight() -> None:
    start, end = day_bounds(NOW, "UTC")

    assert start == datetime(2025, 3, 10, tzinfo=UTC)
    assert end == datetime(2025, 3, 11, tzinfo=UTC)


def test_auckland_is_already_on_the_next_day() -> None:
    # 2025-03-10 13:00 UTC is 2025-03-11 02:00 in Auckland (NZDT, UTC+13).
    start, end = day_bounds(datetime(2025, 3, 10, 13, 0, tzinfo=UTC), "Pacific/Auckland")

    assert start == datetime(2025, 3, 10, 11, 0, tzinfo=UTC)
    assert end == datetime(2025, 3, 11, 11, 0, tzinfo=UTC)


def test_a_day_with_a_daylight_saving_change_is_not_24_hours() -> None:
    # New York springs forward on 2025-03-09: that local day lasts 23 hours.
    start, end = day_bounds(datetime(2025, 3, 9, 12, 0, tzinfo=UTC), "America/New_York")

    assert end - start == timedelta(hours=23)


@pytest.mark.parametrize(
    ("name", "valid"),
    [("UTC", True), ("Pacific/Auckland", True), ("Mars/Olympus", False), ("", False)],
)
def test_time_zone_names_are_checked(name: str, valid: bool) -> None:
    assert is_valid_time_zone(name) is valid


def test_days_until_the_exam_count_from_the_learners_today() -> None:
    exam = date(2025, 3, 20)
    late_evening_utc = datetime(2025, 3, 10, 13, 0, tzinfo=UTC)  # already the 11th in Auckland

    assert days_until(exam, late_evening_utc, "UTC") == 10
    assert days_until(exam, late_evening_utc, "Pacific/Auckland") == 9
    assert days_until(date(2025, 3, 10), late_evening_utc, "UTC") == 0
