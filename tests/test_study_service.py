"""The study loop's rules, through the service: scheduling, limits, time zones, siblings, cram,
and one review per token whatever the learner's browser does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.http import Http404

from studyapp.review import services
from studyapp.review.models import Card, ReviewLog, StudySettings
from studyapp.review.scheduling import Rating, State
from studyapp.review.services import Scope
from tests.study_data import (
    answer_right,
    answer_wrong,
    make_learner,
    make_note,
    make_question,
    make_topic,
    numbers_for,
    right_numbers,
    show,
    wrong_number,
)

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def ecs():
    return make_note("amazon-ecs", "Amazon ECS")


def card_of(learner, question) -> Card:
    return Card.objects.get(learner=learner, question=question)


# Scheduling ----------------------------------------------------------------------------------


def test_a_wrong_answer_is_recorded_as_again_and_due_within_minutes(alice, ecs) -> None:
    question = make_question(ecs, "Which service runs containers without servers?")

    feedback = answer_wrong(alice, NOW)

    assert feedback.status == "recorded"
    assert feedback.correct is False
    assert feedback.log.rating == Rating.Again
    card = card_of(alice, question)
    assert NOW < card.due <= NOW + timedelta(minutes=10)


def test_the_log_keeps_what_was_picked_and_what_was_right_at_the_time(alice, ecs) -> None:
    make_question(ecs, "Which service runs containers without servers?", right="AWS Fargate")

    log = answer_wrong(alice, NOW).log

    assert len(log.chosen) == 1 and log.chosen != ["AWS Fargate"]
    assert log.answer == ["AWS Fargate"]


def test_right_and_good_comes_back_days_later_after_the_learning_steps(alice, ecs) -> None:
    question = make_question(ecs, "Which service runs containers without servers?")

    answer_right(alice, NOW, "good")
    step_due = card_of(alice, question).due
    assert step_due - NOW == timedelta(minutes=10)

    answer_right(alice, step_due, "good")

    card = card_of(alice, question)
    assert card.state == State.Review
    assert card.due - step_due >= timedelta(days=1)
    assert card.reps == 2


def test_a_right_answer_is_not_recorded_until_graded(alice, ecs) -> None:
    make_question(ecs, "Q?")
    step = show(alice, NOW)

    checked = services.answer(
        alice, step.shown.token, right_numbers(step.shown.question, alice), False, NOW
    )

    assert checked.status == "grade"
    assert ReviewLog.objects.count() == 0


def test_easy_gives_a_longer_interval_than_hard(alice, ecs) -> None:
    hard_q = make_question(ecs, "First?", position=0)
    easy_q = make_question(ecs, "Second?", position=1)

    answer_right(alice, NOW, "hard")
    answer_right(alice, NOW, "easy")

    assert card_of(alice, easy_q).due > card_of(alice, hard_q).due


def test_desired_retention_is_the_learners(alice, ecs) -> None:
    StudySettings.objects.create(learner=alice, desired_retention=0.97)
    question = make_question(ecs, "Q?")

    answer_right(alice, NOW, "easy")
    strict_due = card_of(alice, question).due

    bob = make_learner("bob", desired_retention=0.7)
    answer_right(bob, NOW, "easy")

    assert card_of(bob, question).due > strict_due


# What comes next ----------------------------------------------------------------------------


def test_due_reviews_come_before_new_questions(alice, ecs) -> None:
    old = make_question(ecs, "Old?", position=0)
    make_question(ecs, "New?", position=1)
    answer_right(alice, NOW - timedelta(days=30), "easy")

    step = show(alice, NOW)

    assert step.shown.question == old
    assert step.shown.is_new is False


def test_new_questions_come_note_by_note_topic_by_topic_in_order(alice) -> None:
    batch = make_note("aws-batch", "AWS Batch")
    ecs = make_note("amazon-ecs", "Amazon ECS")  # "amazon-ecs" comes before "aws-batch"
    later = make_topic(ecs, "Networking", position=5)
    first = make_topic(ecs, "Deployment", position=1)
    expected = [
        make_question(ecs, "ECS deployment 1?", topic=first, position=1),
        make_question(ecs, "ECS deployment 2?", topic=first, position=2),
        make_question(ecs, "ECS networking?", topic=later, position=0),
        make_question(batch, "Batch?", position=0),
    ]

    seen = []
    for minute in range(4):
        step = show(alice, NOW + timedelta(minutes=minute))
        seen.append(step.shown.question)
        answer_right(alice, NOW + timedelta(minutes=minute), "easy")

    assert seen == expected


def test_new_questions_stop_at_the_daily_limit(ecs) -> None:
    learner = make_learner("carol", new_per_day=2)
    for n in range(4):
        make_question(ecs, f"Q{n}?", position=n)

    answer_right(learner, NOW, "easy")
    answer_right(learner, NOW, "easy")
    step = show(learner, NOW)

    assert step.shown is None
    assert step.progress.new_left == 0
    assert step.progress.done == 2


def test_reviews_stop_at_the_daily_limit_but_learning_steps_go_on(ecs) -> None:
    learner = make_learner("carol", reviews_per_day=1, new_per_day=0)
    for n in range(3):
        make_question(ecs, f"Q{n}?", position=n)
    earlier = NOW - timedelta(days=40)
    StudySettings.objects.filter(learner=learner).update(new_per_day=3)
    for _ in range(3):
        answer_right(learner, earlier, "easy")
    StudySettings.objects.filter(learner=learner).update(new_per_day=0)

    answer_wrong(learner, NOW)  # a review (counts), now relearning
    step = show(learner, NOW + timedelta(minutes=15))

    # The two other reviews wait for tomorrow; the relearning card does not.
    assert step.shown is not None
    assert card_of(learner, step.shown.question).state == State.Relearning
    assert step.progress.due_left == 1


def test_the_day_and_its_limits_follow_the_learners_time_zone(ecs) -> None:
    auckland = make_learner("kiri", new_per_day=1, time_zone="Pacific/Auckland")
    london = make_learner("ada", new_per_day=1, time_zone="UTC")
    for n in range(3):
        make_question(ecs, f"Q{n}?", position=n)
    before_midnight_nz = datetime(2025, 3, 10, 10, 30, tzinfo=UTC)  # 23:30 in Auckland
    after_midnight_nz = datetime(2025, 3, 10, 11, 30, tzinfo=UTC)  # 00:30 the next day there

    for learner in (auckland, london):
        answer_right(learner, before_midnight_nz, "easy")

    assert show(london, after_midnight_nz).shown is None  # still the same UTC day
    assert show(auckland, after_midnight_nz).shown is not None  # a new day in Auckland
    assert show(auckland, before_midnight_nz).shown is None


def test_siblings_from_the_same_source_line_wait_until_tomorrow(alice, ecs) -> None:
    make_question(ecs, "Signal, first rule?", line=12, position=0)
    make_question(ecs, "Signal, second rule?", line=12, position=1)
    other = make_question(ecs, "Another line?", line=20, position=2)

    answer_right(alice, NOW, "easy")
    step = show(alice, NOW)

    assert step.shown.question == other
    answer_right(alice, NOW, "easy")
    assert show(alice, NOW).shown is None
    assert show(alice, NOW + timedelta(days=1)).shown.question.stem == "Signal, second rule?"


def test_a_wrong_answer_comes_back_the_same_session(alice, ecs) -> None:
    question = make_question(ecs, "Q?")

    answer_wrong(alice, NOW)
    step = show(alice, NOW + timedelta(seconds=30))

    assert step.shown.question == question


def test_retired_questions_are_not_shown(alice, ecs) -> None:
    question = make_question(ecs, "Old?")
    answer_right(alice, NOW - timedelta(days=30), "easy")
    type(question).objects.filter(pk=question.pk).update(retired_at=NOW)

    step = show(alice, NOW)

    assert step.shown is None
    assert step.progress.due_left == 0


def test_the_end_of_the_session_says_when_the_next_review_is(alice, ecs) -> None:
    make_question(ecs, "Q?")
    answer_right(alice, NOW, "easy")

    step = show(alice, NOW)

    assert step.shown is None
    assert step.next_due == card_of(alice, step_question(ecs)).due
    assert step.next_due > NOW + timedelta(days=1)


def step_question(note):
    return note.questions.get()


# Cram -----------------------------------------------------------------------------------------


def test_cram_logs_answers_without_moving_the_schedule(alice, ecs) -> None:
    question = make_question(ecs, "Q?")
    answer_right(alice, NOW - timedelta(days=30), "easy")
    before = card_of(alice, question).memory

    step = show(alice, NOW, Scope("amazon-ecs"))
    feedback = services.answer(alice, step.shown.token, [wrong_number(question, alice)], False, NOW)

    assert feedback.status == "recorded"
    assert feedback.log.source == "cram"
    assert feedback.log.moves_schedule is False
    assert card_of(alice, question).memory == before


def test_a_right_cram_answer_is_recorded_without_asking_for_a_grade(alice, ecs) -> None:
    question = make_question(ecs, "Q?")
    step = show(alice, NOW, Scope("amazon-ecs"))

    feedback = services.answer(alice, step.shown.token, right_numbers(question, alice), False, NOW)

    assert feedback.status == "recorded"
    assert feedback.correct is True
    assert card_of(alice, question).reps == 0  # still new for the schedule


def test_cram_moves_the_schedule_when_the_learner_asks(alice, ecs) -> None:
    question = make_question(ecs, "Q?")
    step = show(alice, NOW, Scope("amazon-ecs"))

    checked = services.answer(alice, step.shown.token, right_numbers(question, alice), True, NOW)
    assert checked.status == "grade"
    graded = services.grade(alice, checked.ticket, "good", NOW)

    assert graded.log.source == "cram"
    assert graded.log.moves_schedule is True
    assert card_of(alice, question).reps == 1


def test_cram_goes_through_each_question_of_the_topic_once(alice, ecs) -> None:
    networking = make_topic(ecs, "Networking", position=2)
    inside = [
        make_question(ecs, "Net 1?", topic=networking, position=0),
        make_question(ecs, "Net 2?", topic=networking, position=1),
    ]
    make_question(ecs, "Elsewhere?", position=3)
    scope = Scope("amazon-ecs", networking.anchor)

    seen = []
    while (step := show(alice, NOW, scope)).shown is not None:
        seen.append(step.shown.question)
        services.answer(
            alice, step.shown.token, [wrong_number(step.shown.question, alice)], False, NOW
        )

    assert seen == inside
    assert step.progress.done == 2
    assert step.progress.due_left == 0


# One review per token -------------------------------------------------------------------------


def test_the_same_answer_twice_records_one_review_with_the_same_feedback(alice, ecs) -> None:
    question = make_question(ecs, "Q?")
    step = show(alice, NOW)
    wrong = [wrong_number(question, alice)]

    first = services.answer(alice, step.shown.token, wrong, False, NOW)
    second = services.answer(alice, step.shown.token, wrong, False, NOW + timedelta(seconds=2))

    assert ReviewLog.objects.count() == 1
    assert second.log == first.log
    assert (second.status, second.correct) == (first.status, first.correct)
    assert card_of(alice, question).reps == 1


def test_grading_twice_records_one_review(alice, ecs) -> None:
    question = make_question(ecs, "Q?")
    step = show(alice, NOW)
    checked = services.answer(alice, step.shown.token, right_numbers(question, alice), False, NOW)

    services.grade(alice, checked.ticket, "good", NOW)
    again = services.grade(alice, checked.ticket, "easy", NOW)

    assert ReviewLog.objects.count() == 1
    assert again.log.rating == Rating.Good


def test_two_tabs_answering_different_questions_both_count(alice, ecs) -> None:
    first = make_question(ecs, "First?", position=0)
    second = make_question(ecs, "Second?", position=1)
    tab_one = services._show(alice, first, None, Scope(), NOW)
    tab_two = services._show(alice, second, None, Scope(), NOW)

    services.answer(alice, tab_two.token, [wrong_number(second, alice)], False, NOW)
    services.answer(alice, tab_one.token, [wrong_number(first, alice)], False, NOW)

    assert ReviewLog.objects.filter(learner=alice).count() == 2
    assert card_of(alice, first).reps == card_of(alice, second).reps == 1


def test_a_question_answered_in_another_tab_is_not_recorded_twice(alice, ecs) -> None:
    question = make_question(ecs, "Q?")
    tab_one = show(alice, NOW).shown.token
    tab_two = show(alice, NOW).shown.token
    wrong = [wrong_number(question, alice)]

    services.answer(alice, tab_one, wrong, False, NOW)
    stale = services.answer(alice, tab_two, wrong, False, NOW)

    assert stale.status == "stale"
    assert stale.log is None
    assert ReviewLog.objects.count() == 1
    assert card_of(alice, question).reps == 1


def test_a_stale_right_answer_offers_no_grade(alice, ecs) -> None:
    question = make_question(ecs, "Q?")
    tab_one = show(alice, NOW).shown.token
    tab_two = show(alice, NOW).shown.token
    services.answer(alice, tab_one, [wrong_number(question, alice)], False, NOW)

    checked = services.answer(alice, tab_two, right_numbers(question, alice), False, NOW)

    assert checked.status == "stale"
    graded = services.grade(alice, checked.ticket, "good", NOW)
    assert graded.status == "stale"
    assert ReviewLog.objects.count() == 1


def test_another_learners_token_does_not_exist(alice, mallory, ecs) -> None:
    question = make_question(ecs, "Q?")
    token = show(alice, NOW).shown.token

    with pytest.raises(Http404):
        services.answer(mallory, token, [wrong_number(question, mallory)], False, NOW)
    assert ReviewLog.objects.count() == 0


def test_a_forged_or_tampered_token_is_refused(alice, ecs) -> None:
    make_question(ecs, "Q?")
    token = show(alice, NOW).shown.token

    for bad in ("", "junk", token[:-2] + "xx"):
        with pytest.raises(services.InvalidToken):
            services.answer(alice, bad, ["1"], False, NOW)


def test_an_answer_without_a_choice_shows_the_question_again(alice, ecs) -> None:
    make_question(ecs, "Q?")
    token = show(alice, NOW).shown.token

    with pytest.raises(services.NothingPicked) as raised:
        services.answer(alice, token, [], False, NOW)

    assert raised.value.shown.token == token
    assert ReviewLog.objects.count() == 0


# Multiple response ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("picked", "right"),
    [
        (["Lambda", "Fargate"], True),
        (["Lambda"], False),
        (["Lambda", "Fargate", "EC2"], False),
        (["Lambda", "EC2"], False),
    ],
)
def test_select_two_must_be_exactly_right(alice, ecs, picked, right) -> None:
    question = make_question(
        ecs, "Which TWO are serverless?", ["Lambda", "Fargate"], ["EC2", "EKS", "Batch"]
    )
    token = show(alice, NOW).shown.token

    feedback = services.answer(alice, token, numbers_for(question, alice, picked), False, NOW)

    assert feedback.correct is right
    assert feedback.status == ("grade" if right else "recorded")


def test_the_log_keeps_what_was_picked_and_the_states(alice, ecs) -> None:
    question = make_question(ecs, "Q?", "Fargate", ["EC2", "EKS", "Batch"])
    step = show(alice, NOW)
    later = NOW + timedelta(seconds=7)

    feedback = services.answer(
        alice, step.shown.token, numbers_for(question, alice, ["EKS"]), False, later
    )

    log = feedback.log
    assert log.chosen == ["EKS"]
    assert log.correct is False
    assert log.duration_ms == 7000
    assert log.stage == "new"
    assert log.memory_before.reps == 0
    assert log.memory_after == card_of(alice, question).memory
