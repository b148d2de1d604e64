"""The order in which learners meet new questions (Question.study_order): numbered by the sync,
walked through an index by the study loop, whatever the size of the bank."""

from __future__ import annotations

import pytest
from django.db import connection

from studyapp.questions import study_order, version
from studyapp.questions.models import Question
from studyapp.review import queries
from tests.study_data import make_learner, make_note, make_question, make_topic

pytestmark = pytest.mark.django_db


def _in_order() -> list[str]:
    current = Question.objects.filter(retired_at__isnull=True).order_by("study_order")
    return list(current.values_list("stem", flat=True))


def test_questions_are_numbered_note_by_note_topic_by_topic_then_as_in_their_note() -> None:
    later_note, first_note = make_note("b-note"), make_note("a-note")
    second_topic = make_topic(first_note, "Second", position=1)
    first_topic = make_topic(first_note, "First", position=0)
    make_question(later_note, "Other note", position=0)
    make_question(first_note, "No topic", position=0)
    make_question(first_note, "Second topic", topic=second_topic, position=0)
    make_question(first_note, "First topic, second", topic=first_topic, position=1)
    make_question(first_note, "First topic, first", topic=first_topic, position=0)

    assert _in_order() == [
        "First topic, first",
        "First topic, second",
        "Second topic",
        "No topic",
        "Other note",
    ]
    numbers = list(Question.objects.order_by("study_order").values_list("study_order", flat=True))
    assert numbers == [1, 2, 3, 4, 5]


def test_renumbering_writes_only_what_moved() -> None:
    note = make_note("a-note")
    first, second = make_topic(note, "First", position=0), make_topic(note, "Second", position=1)
    make_question(note, "In the first", topic=first)
    make_question(note, "In the second", topic=second)
    assert study_order.renumber() == 0  # numbered already: nothing to write

    # The author moves the second topic up: both questions change places.
    type(second).objects.filter(pk=second.pk).update(position=0)
    type(first).objects.filter(pk=first.pk).update(position=2)
    assert study_order.renumber() == 2
    assert _in_order() == ["In the second", "In the first"]


def test_retired_questions_are_left_out_of_the_order() -> None:
    note = make_note("a-note")
    gone = make_question(note, "Retired", position=0)
    make_question(note, "Current", position=1)
    Question.objects.filter(pk=gone.pk).update(retired_at=gone.created_at)
    study_order.renumber()
    assert Question.objects.get(stem="Current").study_order == 1  # the retired one takes none
    learner = make_learner("sam")
    assert queries.first_new_question_id(learner.pk, frozenset()) == (
        Question.objects.get(stem="Current").pk
    )


@pytest.mark.sqlite
def test_the_next_new_question_walks_the_index_instead_of_sorting_the_bank() -> None:
    # How the database runs it, not how long it takes: SQLite's plan names the partial index
    # and has no temporary B-tree for the ORDER BY (the sort that took 14 ms at 1,000 notes).
    make_question(make_note("a-note"), "One")
    learner = make_learner("sam")
    seen: list[tuple[str, list]] = []

    def capture(execute, sql, params, many, context):
        seen.append((sql, list(params)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        queries.first_new_question_id(learner.pk, frozenset({0}))
    [(sql, params)] = seen
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        captured = [row[-1] for row in cursor.fetchall()]
    plan = " | ".join(captured)
    assert "question_study_order" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_a_sync_that_only_reorders_bumps_the_version(tmp_path) -> None:
    from studyapp.questions.sync import sync_questions

    note = make_note("a-note")
    first, second = make_topic(note, "First", position=0), make_topic(note, "Second", position=1)
    make_question(note, "In the first", topic=first)
    make_question(note, "In the second", topic=second)
    type(second).objects.filter(pk=second.pk).update(position=0)
    type(first).objects.filter(pk=first.pk).update(position=2)
    before = version.current()

    sync_questions({})

    assert _in_order()[0] == "In the second"
    assert version.current() != before
