"""Every statistic against values worked out by hand on one small review history; no database.

The learner lives in Berlin, and the history crosses the switch to summer time (2025-03-30,
01:00 UTC) and local midnights that are not UTC midnights. "Now" is 2025-04-10 12:00 in Berlin.
The same history is loaded into the database in tests/test_stats_page.py, where the page's
aggregates must give the same numbers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from studyapp.review.scheduling import CardState, State
from studyapp.stats import svg
from studyapp.stats.compute import (
    Confusion,
    Mastery,
    QuestionInfo,
    Retention,
    ReviewEvent,
    Share,
    WrongAnswer,
    confused_pairs,
    day_number,
    exam_outlook,
    first_reviews_of_day,
    forecast,
    from_day_number,
    guess_chance,
    mastery,
    offset_segments,
    readiness,
    recalls_at,
    reviews_per_day,
    true_retention,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 4, 10, 10, 0, tzinfo=UTC)
TODAY = date(2025, 4, 10)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# (card, when in UTC, rating, stage before, interval in days before)
HISTORY = [
    # 1, 2: card 1 twice today: only the first answer (Good, mature) counts for retention.
    ReviewEvent(1, utc(2025, 4, 10, 8, 0), 3, "review", 30),
    ReviewEvent(1, utc(2025, 4, 10, 9, 0), 1, "review", 30),
    # 3, 4: card 2 at 23:30 and 00:30 Berlin: the same UTC day, two local days, both first.
    ReviewEvent(2, utc(2025, 4, 9, 21, 30), 3, "review", 5),  # Apr 9: young, passed
    ReviewEvent(2, utc(2025, 4, 9, 22, 30), 1, "review", 5),  # Apr 10: young, failed
    # 5: Hard is a pass; an interval of exactly 21 days is mature.
    ReviewEvent(3, utc(2025, 4, 5, 12, 0), 2, "review", 21),
    # 6, 7: card 4's first answer of Apr 5 was in learning, so its review later that day is
    # not a first review of the day: neither counts.
    ReviewEvent(4, utc(2025, 4, 5, 11, 0), 1, "learning", None),
    ReviewEvent(4, utc(2025, 4, 5, 13, 0), 3, "review", 1),
    # 8: 21 days ago: in the 30- and 365-day windows, not in the 7-day one.
    ReviewEvent(5, utc(2025, 3, 20, 10, 0), 4, "review", 40),
    # 9: 40 days ago: only in the 365-day window.
    ReviewEvent(5, utc(2025, 3, 1, 10, 0), 1, "review", 25),
    # 10: 364 days ago is the oldest day in the windows; 11: 365 days ago is outside them.
    ReviewEvent(6, utc(2024, 4, 11, 10, 0), 1, "review", 3),
    ReviewEvent(6, utc(2024, 4, 10, 10, 0), 3, "review", 3),
    # 12, 13: new cards around the DST switch: 00:30 CET on Mar 30, and 00:30 CEST on Mar 31.
    ReviewEvent(7, utc(2025, 3, 29, 23, 30), 3, "new", None),
    ReviewEvent(8, utc(2025, 3, 30, 22, 30), 3, "new", None),
]


# ---------------------------------------------------------------------------------------------
# Heatmap
# ---------------------------------------------------------------------------------------------


def test_heatmap_counts_reviews_per_local_day_for_the_last_365_days() -> None:
    counts = reviews_per_day(HISTORY, BERLIN, TODAY)

    assert len(counts) == 365
    assert list(counts)[0] == date(2024, 4, 11) and list(counts)[-1] == TODAY
    expected = {
        date(2025, 4, 10): 3,  # events 1, 2, 4
        date(2025, 4, 9): 1,  # event 3
        date(2025, 4, 5): 3,  # events 5, 6, 7
        date(2025, 3, 20): 1,
        date(2025, 3, 1): 1,
        date(2024, 4, 11): 1,  # event 11 (Apr 10, 2024) is outside
        date(2025, 3, 30): 1,  # 23:30 UTC on Mar 29
        date(2025, 3, 31): 1,  # 22:30 UTC on Mar 30
    }
    assert {day: n for day, n in counts.items() if n} == expected
    assert sum(counts.values()) == 12


def test_offset_segments_find_the_switch_to_summer_time() -> None:
    segments = offset_segments(BERLIN, utc(2025, 3, 1), utc(2025, 4, 10))

    assert segments == [(utc(2025, 3, 1), 3600), (utc(2025, 3, 30, 1, 0), 7200)]


def test_offset_segments_of_a_zone_without_changes_is_one_segment() -> None:
    assert offset_segments(ZoneInfo("Asia/Tokyo"), utc(2025, 1, 1), utc(2026, 1, 1)) == [
        (utc(2025, 1, 1), 9 * 3600)
    ]


def test_day_numbers_count_days_since_1970() -> None:
    assert day_number(date(1970, 1, 2)) == 1
    assert from_day_number(day_number(TODAY)) == TODAY


# ---------------------------------------------------------------------------------------------
# True retention
# ---------------------------------------------------------------------------------------------


def test_first_reviews_of_the_day_keep_one_answer_per_card_and_local_day_in_review() -> None:
    firsts = first_reviews_of_day(HISTORY, BERLIN)

    assert sorted((f.day, f.mature, f.passed) for f in firsts) == [
        (date(2024, 4, 10), False, True),
        (date(2024, 4, 11), False, False),
        (date(2025, 3, 1), True, False),
        (date(2025, 3, 20), True, True),
        (date(2025, 4, 5), True, True),
        (date(2025, 4, 9), False, True),
        (date(2025, 4, 10), False, False),
        (date(2025, 4, 10), True, True),
    ]


def test_true_retention_for_young_and_mature_cards_over_7_30_and_365_days() -> None:
    rows = true_retention(HISTORY, BERLIN, TODAY)

    assert rows == [
        # 7 days: young card 2 passed Apr 9, failed Apr 10; mature cards 1 and 3 passed.
        Retention(7, young=Share(1, 2), mature=Share(2, 2)),
        # 30 days: card 5 passed on Mar 20 joins the mature ones.
        Retention(30, young=Share(1, 2), mature=Share(3, 3)),
        # 365 days: card 5 failed on Mar 1, card 6 failed 364 days ago.
        Retention(365, young=Share(1, 3), mature=Share(3, 4)),
    ]
    assert rows[2].all == Share(4, 7)
    assert rows[0].young.rate == 0.5
    assert Share().rate is None


# ---------------------------------------------------------------------------------------------
# Forecast
# ---------------------------------------------------------------------------------------------


def test_forecast_counts_reviews_due_per_local_day_with_overdue_ones_today() -> None:
    dues = [
        utc(2025, 4, 8, 12, 0),  # overdue: today
        utc(2025, 4, 10, 21, 59),  # 23:59 in Berlin: today
        utc(2025, 4, 10, 22, 30),  # 00:30 in Berlin: tomorrow
        utc(2025, 5, 9, 21, 0),  # 23:00 on May 9: the 30th day
        utc(2025, 5, 10, 8, 0),  # the 31st day: not shown
    ]

    result = forecast(dues, BERLIN, TODAY)

    assert len(result) == 30
    assert list(result)[-1] == date(2025, 5, 9)
    assert {day: n for day, n in result.items() if n} == {
        date(2025, 4, 10): 2,
        date(2025, 4, 11): 1,
        date(2025, 5, 9): 1,
    }


# ---------------------------------------------------------------------------------------------
# Mastery, readiness and the exam date
# ---------------------------------------------------------------------------------------------

QUESTIONS = [
    QuestionInfo(1, "ECS", "Launch types", choices=4),
    QuestionInfo(2, "ECS", "Launch types", choices=4),
    QuestionInfo(3, "ECS", "Networking", choices=5, answers=2),
    QuestionInfo(4, "Lambda", "Limits", choices=4),
]


def card(stability: float, last_review: datetime) -> CardState:
    return CardState(
        State.Review, None, stability, 5.0, last_review + timedelta(days=9), last_review, 3
    )


# FSRS: R(t, S) = (1 + F·t/S)^−d with d = 0.1542 (FSRS-6's default w20) and F = 0.9^(−1/d) − 1,
# so R is exactly 0.9 when the days elapsed equal the stability, and 1 on the day of a review.
CARDS = {
    1: card(10.0, utc(2025, 3, 31, 10, 0)),  # 10 days ago, stability 10: R = 0.9
    3: card(10.0, utc(2025, 4, 10, 9, 0)),  # an hour ago: R = 1.0
}


def fsrs_recall(days: float, stability: float) -> float:
    decay = 0.1542
    factor = 0.9 ** (-1 / decay) - 1
    return (1 + factor * days / stability) ** -decay


def test_recall_today_is_fsrs_retrievability() -> None:
    recalls = recalls_at(CARDS, NOW)

    assert recalls == {1: pytest.approx(0.9), 3: pytest.approx(1.0)}


def test_mastery_averages_recall_of_seen_questions_and_counts_unseen_ones() -> None:
    by_note, by_topic = mastery(QUESTIONS, recalls_at(CARDS, NOW))

    assert by_note == [
        Mastery("ECS", "", questions=3, seen=2, recall=pytest.approx(0.95)),
        Mastery("Lambda", "", questions=1, seen=0, recall=None),
    ]
    assert by_topic == [
        Mastery("Launch types", "ECS", questions=2, seen=1, recall=pytest.approx(0.9)),
        Mastery("Networking", "ECS", questions=1, seen=1, recall=pytest.approx(1.0)),
        Mastery("Limits", "Lambda", questions=1, seen=0, recall=None),
    ]
    assert by_note[0].unseen == 1


def test_a_guess_is_one_in_the_number_of_choices_or_of_pairs_for_select_two() -> None:
    assert guess_chance(4) == 0.25
    assert guess_chance(5, 2) == 0.1  # C(5, 2) = 10 pairs
    assert guess_chance(0) == 0.0


def test_readiness_averages_recall_over_all_questions_with_unseen_ones_guessed() -> None:
    # Seen: 0.9 and 1.0; unseen: 1/4 (question 2) and 1/4 (question 4).
    assert readiness(QUESTIONS, recalls_at(CARDS, NOW)) == pytest.approx(
        (0.9 + 0.25 + 1 + 0.25) / 4
    )
    # Nobody has seen anything: the chance of guessing (1/4, 1/4, 1/10, 1/4).
    assert readiness(QUESTIONS, {}) == pytest.approx(0.85 / 4)
    assert readiness([], {}) is None


def test_exam_outlook_gives_days_left_and_readiness_on_exam_day() -> None:
    outlook = exam_outlook(date(2025, 4, 20), BERLIN, NOW, QUESTIONS, CARDS)

    assert outlook.days_left == 10
    # Noon in Berlin on Apr 20 is 10:00 UTC: card 1 is 20 days past its review, card 3 ten days
    # past its review (elapsed whole days, as FSRS counts them).
    expected = (fsrs_recall(20, 10) + 0.25 + fsrs_recall(10, 10) + 0.25) / 4
    assert outlook.predicted == pytest.approx(expected)
    assert fsrs_recall(20, 10) == pytest.approx(0.8459, abs=1e-4)


def test_an_exam_today_predicts_from_now() -> None:
    outlook = exam_outlook(TODAY, BERLIN, NOW + timedelta(hours=5), QUESTIONS, CARDS)

    assert outlook.days_left == 0
    assert outlook.predicted == pytest.approx((0.9 + 0.25 + 1 + 0.25) / 4)


# ---------------------------------------------------------------------------------------------
# Most-confused pairs
# ---------------------------------------------------------------------------------------------


def test_confused_pairs_count_which_choice_was_picked_instead_of_which_answer() -> None:
    wrong = [
        WrongAnswer(("AWS Batch",), ("AWS Lambda",), 3),
        WrongAnswer(("Amazon EKS",), ("AWS Lambda",), 1),
        WrongAnswer(("AWS Batch",), ("AWS Lambda",), 1),  # another question, same mix-up
        # Select TWO with one right and one wrong pick: the wrong pick stands for the missed one.
        WrongAnswer(("awsvpc", "bridge"), ("awsvpc", "host"), 2),
    ]

    assert confused_pairs(wrong) == [
        Confusion("AWS Lambda", "AWS Batch", 4),
        Confusion("host", "bridge", 2),
        Confusion("AWS Lambda", "Amazon EKS", 1),
    ]
    assert confused_pairs(wrong, limit=1) == [Confusion("AWS Lambda", "AWS Batch", 4)]


def test_confused_pairs_with_every_answer_picked_pair_the_extra_with_each_answer() -> None:
    wrong = [WrongAnswer(("a", "b", "x"), ("a", "b"))]

    assert confused_pairs(wrong) == [Confusion("a", "x", 1), Confusion("b", "x", 1)]


# ---------------------------------------------------------------------------------------------
# SVG
# ---------------------------------------------------------------------------------------------


def test_heatmap_svg_has_a_square_per_day_with_its_count_as_a_tooltip() -> None:
    counts = reviews_per_day(HISTORY, BERLIN, TODAY)

    markup = svg.heatmap(counts)

    assert markup.startswith("<svg") and markup.count("<rect") == 365
    assert "<title>Thu 2025-04-10: 3 reviews</title>" in markup
    assert "<title>Wed 2025-04-09: 1 review</title>" in markup
    assert 'class="l4"' in markup and 'class="l0"' in markup


def test_shades_are_quarters_of_the_busiest_day() -> None:
    assert [svg.level(n, 8) for n in (0, 1, 2, 3, 5, 8)] == [0, 1, 1, 2, 3, 4]


def test_forecast_svg_has_a_bar_per_day() -> None:
    markup = svg.bars(forecast([NOW], BERLIN, TODAY))

    assert markup.count("<rect") == 30
    assert "<title>Thu 2025-04-10: 1 due</title>" in markup


def test_svg_text_is_escaped() -> None:
    markup = svg.score_line([("<script>alert(1)</script>", 730), ("a&b", 640)])

    assert "<script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: 730" in markup
    assert "a&amp;b: 640" in markup
    assert 'label="x&quot;y"' in svg.bars({}, label='x"y')
