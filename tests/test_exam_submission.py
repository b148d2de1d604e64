"""Submitting a mock exam: scoring single and multiple response, and every answer reaching the
study schedule as a review with source "exam"."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyapp.exams import attempts
from studyapp.exams.models import ExamAttempt
from studyapp.review.models import Card, ReviewLog, StudySettings
from studyapp.review.scheduling import CardState, Rating, State, review
from tests.exam_data import item_at, make_bank, right_answer, wrong_answer

NOW = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    return make_bank()


def begin(learner, length: int = 20, notes: tuple[str, ...] = ()) -> ExamAttempt:
    return attempts.start(learner, length, list(notes), NOW, random.Random(7))


def give(attempt: ExamAttempt, number: int, choices: list[str], flagged: bool | None = None):
    item = item_at(attempt, number)
    return attempts.save_answer(item, [int(c) for c in choices], flagged, NOW)


def select_two(attempt: ExamAttempt):
    return next(i for i in attempt.items.select_related("question") if i.question.multiple)


def test_a_multiple_response_question_scores_only_when_exactly_right(alice, bank) -> None:
    half, exact, extra = begin(alice), begin(alice), begin(alice)
    for attempt, choices in (
        (half, right_answer(select_two(half))[:1]),
        (exact, right_answer(select_two(exact))),
        (extra, right_answer(select_two(extra)) + wrong_answer(select_two(extra))),
    ):
        give(attempt, select_two(attempt).position, choices)
        attempts.submit(attempt, LATER)

    assert [item_at(a, select_two(a).position).correct for a in (half, exact, extra)] == [
        False,
        True,
        False,
    ]
    assert [ExamAttempt.objects.get(pk=a.pk).right for a in (half, exact, extra)] == [0, 1, 0]


def test_single_response_right_wrong_and_unanswered(alice, bank) -> None:
    attempt = begin(alice, 10, notes=("aws-lambda",))
    give(attempt, 1, right_answer(item_at(attempt, 1)))
    give(attempt, 2, wrong_answer(item_at(attempt, 2)))

    submitted = attempts.submit(attempt, LATER)

    assert [item_at(attempt, n).correct for n in (1, 2, 3, 4)] == [True, False, False, False]
    assert (submitted.right, submitted.length) == (1, 4)
    assert submitted.scaled_score == 325 and not submitted.passed
    assert submitted.submitted_at == LATER and not submitted.auto_submitted


def test_a_right_answer_is_reviewed_as_good_and_a_wrong_one_as_again(alice, bank) -> None:
    attempt = begin(alice, 10, notes=("aws-lambda",))
    right, wrong = item_at(attempt, 1), item_at(attempt, 2)
    give(attempt, 1, right_answer(right))
    give(attempt, 2, wrong_answer(wrong))

    attempts.submit(attempt, LATER)

    logs = {log.question_id: log for log in ReviewLog.objects.filter(learner=alice)}
    assert set(logs) == {right.question_id, wrong.question_id}, "unanswered ones are not reviews"
    good, again = logs[right.question_id], logs[wrong.question_id]
    assert (good.source, good.rating, good.correct) == ("exam", Rating.Good, True)
    assert (again.source, again.rating, again.correct) == ("exam", Rating.Again, False)
    for log in (good, again):
        assert log.moves_schedule and log.stage == "new" and log.reviewed_at == LATER
        assert log.state_before["reps"] == 0 and log.state_after["reps"] == 1
    picked = item_at(attempt, 2).selected
    assert again.chosen == [wrong.question.choices.get(pk=picked[0]).text]


def test_exam_answers_reschedule_the_cards_like_study_answers(alice, bank) -> None:
    attempt = begin(alice, 10, notes=("aws-lambda",))
    give(attempt, 1, right_answer(item_at(attempt, 1)))
    give(attempt, 2, wrong_answer(item_at(attempt, 2)))

    attempts.submit(attempt, LATER)

    good = Card.objects.get(learner=alice, question=item_at(attempt, 1).question)
    again = Card.objects.get(learner=alice, question=item_at(attempt, 2).question)
    assert good.memory == review(CardState.new(LATER), Rating.Good, LATER)
    assert again.memory == review(CardState.new(LATER), Rating.Again, LATER)
    assert again.due <= LATER + timedelta(minutes=10), "a wrong answer comes back within minutes"
    assert good.reps == again.reps == 1


def test_a_card_already_studied_moves_on_from_where_it_was(alice, bank) -> None:
    question = bank.questions[-1]  # a Lambda question
    studied = review(
        review(CardState.new(NOW - timedelta(days=9)), Rating.Good, NOW - timedelta(days=9)),
        Rating.Good,
        NOW - timedelta(days=8, hours=23),
    )
    card = Card(learner=alice, question=question, created_at=NOW - timedelta(days=9))
    card.set_memory(studied)
    card.save()
    attempt = begin(alice, 10, notes=("aws-lambda",))
    number = attempt.items.get(question=question).position
    give(attempt, number, wrong_answer(item_at(attempt, number)))

    attempts.submit(attempt, LATER)

    card.refresh_from_db()
    log = ReviewLog.objects.get(learner=alice)
    assert studied.state == State.Review
    assert log.stage == "review" and log.state_before == studied.to_json()
    assert card.memory == review(studied, Rating.Again, LATER)
    assert card.lapses == 1 and Card.objects.filter(learner=alice).count() == 1


def test_submitting_twice_records_the_answers_once(alice, bank) -> None:
    attempt = begin(alice, 10, notes=("aws-lambda",))
    give(attempt, 1, right_answer(item_at(attempt, 1)))

    first = attempts.submit(attempt, LATER)
    second = attempts.submit(attempt, LATER + timedelta(minutes=1))

    assert ReviewLog.objects.filter(learner=alice).count() == 1
    assert second.submitted_at == first.submitted_at == LATER


def test_an_expired_attempt_is_closed_at_its_deadline(alice, bank) -> None:
    attempt = begin(alice, 10, notes=("aws-lambda",))

    still_open = attempts.close_if_expired(attempt, NOW + timedelta(minutes=7, seconds=59))
    closed = attempts.close_if_expired(attempt, NOW + timedelta(days=1))

    assert not still_open.is_submitted
    assert closed.auto_submitted and closed.submitted_at == NOW + timedelta(minutes=8)


def test_an_attempt_closed_days_after_its_deadline_is_reviewed_at_the_deadline(alice, bank) -> None:
    attempt = begin(alice, 10, notes=("aws-lambda",))
    give(attempt, 1, right_answer(item_at(attempt, 1)))
    deadline = NOW + timedelta(minutes=8)

    attempts.close_if_expired(attempt, NOW + timedelta(days=3))

    log = ReviewLog.objects.get(learner=alice)
    card = Card.objects.get(learner=alice)
    # FSRS must see the answer when it was given, not three days on (a longer interval
    # survived, so a stability it did not earn).
    assert log.reviewed_at == deadline
    assert card.last_review == deadline
    assert card.memory == review(CardState.new(deadline), Rating.Good, deadline)


def test_an_answer_saved_after_submission_changes_nothing(alice, bank) -> None:
    attempt = begin(alice, 10, notes=("aws-lambda",))
    attempts.submit(attempt, LATER)

    give(attempt, 1, ["1"], flagged=True)

    item = item_at(attempt, 1)
    assert item.selected == [] and not item.flagged


def test_submitting_runs_the_same_queries_for_4_and_12_questions(alice, mallory, bank) -> None:
    def queries_to_submit(attempt: ExamAttempt) -> int:
        for item in attempt.items.select_related("question"):
            attempts.save_answer(item, [int(n) for n in right_answer(item)], None, NOW)
        attempt = ExamAttempt.objects.get(pk=attempt.pk)
        with CaptureQueriesContext(connection) as queries:
            attempts.submit(attempt, LATER)
        return len(queries)

    for learner in (alice, mallory):
        StudySettings.for_learner(learner)
    small = queries_to_submit(begin(alice, 10, notes=("aws-lambda",)))
    large = queries_to_submit(begin(mallory, 20))

    assert small == large
