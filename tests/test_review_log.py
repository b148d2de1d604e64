"""Review logs are append-only history: never updated, never deleted; undo appends a row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.http import Http404

from studyapp.review import services
from studyapp.review.models import AppendOnlyError, Card, ReviewLog
from tests.study_data import (
    answer_right,
    answer_wrong,
    make_learner,
    make_note,
    make_question,
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


@pytest.fixture
def logged(alice, ecs) -> ReviewLog:
    make_question(ecs, "Q?")
    return answer_wrong(alice, NOW).log


def test_a_log_row_cannot_be_changed(logged) -> None:
    logged.rating = 4

    with pytest.raises(AppendOnlyError):
        logged.save()
    with pytest.raises(AppendOnlyError):
        ReviewLog.objects.filter(pk=logged.pk).update(rating=4)
    # bulk_update runs inside its own transaction; the savepoint keeps the test's usable.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        ReviewLog.objects.bulk_update([logged], ["rating"])
    assert ReviewLog.objects.get(pk=logged.pk).rating == 1


def test_a_log_row_cannot_be_deleted(logged) -> None:
    with pytest.raises(AppendOnlyError):
        logged.delete()
    with pytest.raises(AppendOnlyError):
        ReviewLog.objects.filter(pk=logged.pk).delete()
    assert ReviewLog.objects.filter(pk=logged.pk).exists()


def test_undo_restores_the_card_exactly_and_appends_a_row(alice, ecs) -> None:
    question = make_question(ecs, "Q?")
    answer_right(alice, NOW - timedelta(days=20), "easy")
    card = Card.objects.get(learner=alice, question=question)
    before = card.memory
    log = answer_right(alice, NOW, "good").log
    assert Card.objects.get(pk=card.pk).memory != before

    undo_row = services.undo(alice, log.pk, NOW + timedelta(minutes=1))

    assert Card.objects.get(pk=card.pk).memory == before
    assert undo_row.undoes == log
    assert undo_row.pk > log.pk
    assert undo_row.rating is None
    assert ReviewLog.objects.get(pk=log.pk).rating == log.rating  # the old row is untouched
    assert ReviewLog.objects.filter(learner=alice).count() == 3


def test_undoing_a_first_answer_makes_the_question_new_again(alice, ecs) -> None:
    question = make_question(ecs, "Q?")
    log = answer_wrong(alice, NOW).log

    services.undo(alice, log.pk, NOW)

    step = show(alice, NOW)
    assert step.shown.question == question
    assert step.shown.is_new
    assert step.progress.done == 0
    assert step.progress.new_left == 1


def test_undo_twice_undoes_once(alice, logged) -> None:
    first = services.undo(alice, logged.pk, NOW)
    second = services.undo(alice, logged.pk, NOW)

    assert first == second
    assert ReviewLog.objects.filter(undoes__isnull=False).count() == 1


def test_only_the_latest_answer_can_be_undone(alice, ecs) -> None:
    make_question(ecs, "First?", position=0)
    make_question(ecs, "Second?", position=1)
    first = answer_wrong(alice, NOW).log
    answer_wrong(alice, NOW + timedelta(seconds=5))

    with pytest.raises(services.CannotUndo):
        services.undo(alice, first.pk, NOW + timedelta(seconds=10))


def test_undo_walks_back_one_answer_at_a_time(alice, ecs) -> None:
    make_question(ecs, "First?", position=0)
    make_question(ecs, "Second?", position=1)
    first = answer_wrong(alice, NOW).log
    second = answer_wrong(alice, NOW + timedelta(seconds=5)).log

    services.undo(alice, second.pk, NOW + timedelta(seconds=10))
    services.undo(alice, first.pk, NOW + timedelta(seconds=11))

    assert not Card.objects.filter(learner=alice, reps__gt=0).exists()


def test_another_learners_answer_cannot_be_undone(alice, mallory, logged) -> None:
    with pytest.raises(Http404):
        services.undo(mallory, logged.pk, NOW)
    assert not ReviewLog.objects.filter(undoes=logged).exists()


def test_an_undone_answer_does_not_count_towards_the_daily_limit(ecs) -> None:
    learner = make_learner("carol", new_per_day=1)
    make_question(ecs, "First?", position=0)
    make_question(ecs, "Second?", position=1)
    log = answer_wrong(learner, NOW).log
    assert show(learner, NOW + timedelta(hours=1)).progress.new_left == 0

    services.undo(learner, log.pk, NOW + timedelta(hours=1))

    assert show(learner, NOW + timedelta(hours=1)).progress.new_left == 1


def test_the_same_token_after_an_undo_is_not_recorded_again(alice, ecs) -> None:
    question = make_question(ecs, "Q?")
    token = show(alice, NOW).shown.token

    first = services.answer(alice, token, [wrong_number(question, alice)], False, NOW)
    services.undo(alice, first.log.pk, NOW)
    again = services.answer(alice, token, [wrong_number(question, alice)], False, NOW)

    assert again.log == first.log
    assert again.undone
    assert ReviewLog.objects.filter(learner=alice, undoes__isnull=True).count() == 1
