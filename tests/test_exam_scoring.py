"""Scoring a mock exam, its clock, and drawing its questions; pure code, no database."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from studyapp.exams.drawing import choice_order, draw
from studyapp.exams.scoring import (
    PASS_LINE,
    AnsweredQuestion,
    Tally,
    is_expired,
    remaining_seconds,
    scaled_estimate,
    score,
    time_limit,
)

START = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)


def single(picked: int | None, note: str = "ecs", topic: str = "Launch types") -> AnsweredQuestion:
    # Choice 1 is right.
    return AnsweredQuestion(
        frozenset({1}), frozenset() if picked is None else frozenset({picked}), note, topic
    )


def select_two(picked: set[int], note: str = "ecs", topic: str = "Networking") -> AnsweredQuestion:
    # Choices 1 and 2 are right.
    return AnsweredQuestion(frozenset({1, 2}), frozenset(picked), note, topic)


def test_a_single_response_question_counts_when_the_right_choice_is_picked() -> None:
    assert single(1).is_right
    assert not single(3).is_right


def test_an_unanswered_question_counts_as_wrong() -> None:
    assert not single(None).is_right
    assert not single(None).answered
    assert score([single(None)]).right == 0


def test_a_multiple_response_question_counts_only_when_exactly_right() -> None:
    assert select_two({1, 2}).is_right
    assert not select_two({1}).is_right, "half right is wrong"
    assert not select_two({1, 2, 3}).is_right, "a wrong extra choice is wrong"
    assert not select_two({3, 4}).is_right


def test_raw_score_counts_exactly_right_questions() -> None:
    attempt = [single(1), single(2), single(None), select_two({1, 2}), select_two({2})]

    result = score(attempt)

    assert (result.right, result.total) == (2, 5)
    assert result.raw == "2/5"


@pytest.mark.parametrize(
    ("right", "total", "scaled"),
    [
        (0, 10, 100),
        (10, 10, 1000),
        (7, 10, 730),  # 100 + 900 × 0.7
        (14, 20, 730),
        (13, 20, 685),  # 100 + 900 × 0.65
        (45, 65, 723),  # 723.08 → 723
        (44, 65, 709),  # 709.23 → 709
        (1, 8, 213),  # 212.5 rounds half up
    ],
)
def test_scaled_estimate_maps_the_share_right_linearly_onto_100_to_1000(
    right: int, total: int, scaled: int
) -> None:
    assert scaled_estimate(right, total) == scaled


def test_the_pass_line_is_720_and_reached_at_about_69_percent() -> None:
    assert PASS_LINE == 720
    passing = [single(1)] * 7 + [single(2)] * 3
    failing = [single(1)] * 6 + [single(2)] * 4
    assert score(passing).passed and score(passing).scaled == 730
    assert not score(failing).passed and score(failing).scaled == 640
    assert scaled_estimate(45, 65) >= PASS_LINE > scaled_estimate(44, 65)


def test_breakdowns_count_right_answers_per_note_and_per_topic() -> None:
    attempt = [
        single(1, "ecs", "Launch types"),
        single(2, "ecs", "Launch types"),
        select_two({1, 2}, "ecs", "Networking"),
        single(1, "lambda", "Limits"),
        single(None, "lambda", "Launch types"),  # same topic title, other note
    ]

    result = score(attempt)

    assert result.by_note == (
        Tally("ecs", 2, 3),
        Tally("lambda", 1, 2),
    )
    assert result.by_topic == (
        Tally("Launch types", 1, 2, note="ecs"),
        Tally("Networking", 1, 1, note="ecs"),
        Tally("Limits", 1, 1, note="lambda"),
        Tally("Launch types", 0, 1, note="lambda"),
    )
    assert result.by_note[0].percent == 67


@pytest.mark.parametrize(("length", "minutes"), [(65, 130), (20, 40), (10, 20), (1, 2), (13, 26)])
def test_the_time_limit_is_130_minutes_for_65_questions_and_in_proportion(
    length: int, minutes: int
) -> None:
    assert time_limit(length) == timedelta(minutes=minutes)


def test_an_attempt_expires_at_its_deadline() -> None:
    limit = time_limit(10)

    assert not is_expired(START, limit, START)
    assert not is_expired(START, limit, START + limit - timedelta(seconds=1))
    assert is_expired(START, limit, START + limit)
    assert is_expired(START, limit, START + timedelta(days=3))


def test_remaining_seconds_count_down_and_stop_at_zero() -> None:
    limit = time_limit(10)

    assert remaining_seconds(START, limit, START) == 1200
    assert remaining_seconds(START, limit, START + timedelta(minutes=5, seconds=0.5)) == 899
    assert remaining_seconds(START, limit, START + timedelta(hours=1)) == 0


def test_questions_are_drawn_evenly_across_notes() -> None:
    by_note = {note: [f"{note}-{n}" for n in range(20)] for note in "abcde"}

    drawn = draw(by_note, 10, random.Random(1))

    assert len(drawn) == len(set(drawn)) == 10
    assert Counter(q.split("-")[0] for q in drawn) == dict.fromkeys("abcde", 2)


def test_a_small_bank_gives_every_question_it_has() -> None:
    by_note = {"a": [1, 2], "b": [3], "c": []}

    assert sorted(draw(by_note, 10, random.Random(1))) == [1, 2, 3]


def test_an_uneven_bank_still_fills_the_exam() -> None:
    by_note = {"a": list(range(30)), "b": [100]}

    drawn = draw(by_note, 10, random.Random(2))

    assert len(set(drawn)) == 10 and 100 in drawn


def test_choice_order_is_a_fixed_shuffle_per_seed() -> None:
    assert choice_order([1, 2, 3, 4, 5], "7:3") == choice_order([1, 2, 3, 4, 5], "7:3")
    assert sorted(choice_order([1, 2, 3, 4, 5], "7:3")) == [1, 2, 3, 4, 5]
    orders = {tuple(choice_order([1, 2, 3, 4, 5], f"{n}:3")) for n in range(20)}
    assert len(orders) > 1
