"""The hand-written reads (studyapp/sql.py, review/queries.py, accounts sessions and backend)
give what the ORM would: the same instances, the same counts, the same order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.models import Count, Q

from studyapp.accounts.backends import ModelBackend
from studyapp.accounts.sessions import SessionStore
from studyapp.questions.models import Question
from studyapp.review import queries
from studyapp.review.models import Card, ReviewLog, StudySettings
from studyapp.review.scheduling import State
from tests.study_data import answer_right, make_learner, make_note, make_question, make_topic

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def fields(instance: object, names: tuple[str, ...]) -> dict[str, object]:
    return {name: getattr(instance, name) for name in names}


@pytest.fixture
def learner(db):
    return make_learner("sam", new_per_day=50)


@pytest.fixture
def note(db):
    return make_note("amazon-ecs", "Amazon ECS")


def test_a_card_and_its_log_read_back_exactly_as_the_orm_reads_them(learner, note) -> None:
    make_question(note, "Which launch type needs no servers?")
    feedback = answer_right(learner, NOW, "easy")
    assert feedback.log is not None

    card = Card.objects.get(learner=learner)
    read = queries.card_of(learner.pk, card.question_id)
    assert read is not None
    assert fields(read, queries.CARD_FIELDS) == fields(card, queries.CARD_FIELDS)
    assert read.due.tzinfo is not None

    log = ReviewLog.objects.get(pk=feedback.log.pk)
    found = queries.answer_with_token(learner.pk, log.token)
    assert found is not None
    read_log, undone = found
    # JSON, booleans and datetimes converted as the ORM's converters do.
    assert fields(read_log, queries.LOG_FIELDS) == fields(log, queries.LOG_FIELDS)
    assert read_log.state_after["reps"] == 1 and read_log.correct is True
    assert undone is False


def test_a_question_comes_with_its_note_topic_and_ordered_choices_in_one_query(
    note, django_assert_num_queries
) -> None:
    topic = make_topic(note, "Launch types")
    question = make_question(note, "Serverless?", "Fargate", ["EC2", "EKS"], topic=topic)

    with django_assert_num_queries(1):
        read = queries.question_with_choices(uid=question.uid)
        assert read is not None
        texts = [c.text for c in read.choices.all()]
        assert (read.note.title, read.topic.anchor, read.stem) == (
            "Amazon ECS",
            "launch-types",
            "Serverless?",
        )
        assert read.correct_count == 1
    assert texts == ["Fargate", "EC2", "EKS"]
    # A field the query did not read is deferred, loaded when asked for, never empty.
    assert read.source_text == "Serverless?"


def test_a_question_without_topic_or_id_found(note) -> None:
    question = make_question(note, "No topic?")
    assert queries.question_with_choices(pk=question.pk).topic is None
    assert queries.question_with_choices(uid="no-such-uid") is None


def test_what_is_left_counts_as_the_orm_counts(learner, note) -> None:
    questions = [make_question(note, f"Question {i}?", line=i) for i in range(8)]
    # Easy sends a new card to review (due in days), Good keeps it in its learning steps.
    for minutes, grade in enumerate(["easy", "easy", "good", "good"]):
        answer_right(learner, NOW - timedelta(days=30, minutes=minutes), grade)
    retired = questions[0]
    Question.objects.filter(pk=retired.pk).update(retired_at=NOW)
    buried = {questions[5].pk}

    counts = queries.queue_counts(learner.pk, NOW, NOW + timedelta(minutes=20), buried, 3)

    due = (
        Card.objects.filter(learner=learner, reps__gt=0, question__retired_at__isnull=True)
        .exclude(question_id__in=buried)
        .aggregate(
            learning=Count(
                "pk", filter=~Q(state=State.Review) & Q(due__lte=NOW + timedelta(minutes=20))
            ),
            review=Count("pk", filter=Q(state=State.Review, due__lte=NOW)),
        )
    )
    studied = Card.objects.filter(learner=learner, reps__gt=0).values("question_id")
    new = Question.objects.current().exclude(pk__in=studied).exclude(pk__in=buried).count()
    assert (counts.learning, counts.review) == (due["learning"], due["review"])
    assert counts.new == min(new, 3)
    # The scenario has some of each, so the comparison means something.
    assert counts.review > 0 and counts.learning > 0 and counts.new > 0


def test_the_first_new_question_follows_note_topic_and_position(learner, db) -> None:
    later_note = make_note("b-note")
    first_note = make_note("a-note")
    second_topic = make_topic(first_note, "Second", position=1)
    first_topic = make_topic(first_note, "First", position=0)
    make_question(later_note, "Other note", position=0)
    make_question(first_note, "No topic", position=0)
    make_question(first_note, "Second topic", topic=second_topic, position=0)
    wanted = make_question(first_note, "First topic, second", topic=first_topic, position=1)
    first = make_question(first_note, "First topic, first", topic=first_topic, position=0)

    assert queries.first_new_question_id(learner.pk, frozenset()) == first.pk
    assert queries.first_new_question_id(learner.pk, {first.pk}) == wanted.pk


def test_settings_read_back_and_none_before_the_learner_has_any(learner, db) -> None:
    stored = StudySettings.objects.get(learner=learner)
    read = queries.settings_of(learner.pk)
    assert fields(read, queries.SETTINGS_FIELDS) == fields(stored, queries.SETTINGS_FIELDS)
    newcomer = make_learner("newcomer")
    assert queries.settings_of(newcomer.pk) is None


def test_a_session_loads_until_it_expires(db) -> None:
    store = SessionStore()
    store["answer"] = 42
    store.create()
    store.save()
    assert SessionStore(store.session_key).load() == {"answer": 42}

    Session.objects.filter(session_key=store.session_key).update(
        expire_date=datetime(2000, 1, 1, tzinfo=UTC)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new session gets a new key, as with Django's store


def test_the_backend_finds_active_users_only(db) -> None:
    user = make_learner("kim")
    found = ModelBackend().get_user(str(user.pk))
    assert found == user
    assert found.password == user.password and found.date_joined == user.date_joined
    assert ModelBackend().get_user(user.pk + 1000) is None
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert ModelBackend().get_user(user.pk) is None


def test_an_inserted_log_and_an_updated_card_read_back_through_the_orm(learner, note) -> None:
    from studyapp import sql
    from studyapp.review.scheduling import CardState

    question = make_question(note, "Which launch type needs no servers?")
    card = Card(learner=learner, question=question, created_at=NOW)
    card.set_memory(CardState.new(NOW))
    sql.insert(card)
    assert card.pk is not None and not card._state.adding

    later = CardState(State.Review, None, 3.5, 5.0, NOW + timedelta(days=4), NOW, 2, 1)
    card.set_memory(later)
    sql.update(card, Card.MEMORY_FIELDS)
    assert Card.objects.get(pk=card.pk).memory == later

    log = ReviewLog(
        learner=learner,
        card=card,
        question=question,
        rating=3,
        reviewed_at=NOW,
        chosen=["Fargate"],
        answer=["Fargate"],
        correct=True,
        state_before=CardState.new(NOW).to_json(),
        state_after=later.to_json(),
        token="nonce-1",
    )
    sql.insert(log)
    stored = ReviewLog.objects.get(pk=log.pk)
    assert fields(stored, queries.LOG_FIELDS) == fields(log, queries.LOG_FIELDS)
    assert stored.memory_after == later and stored.moves_schedule is True


def test_a_day_of_answers_adds_up_as_the_orm_does(learner, note) -> None:
    from studyapp.review import services
    from studyapp.review.services import Scope
    from tests.study_data import right_numbers, show

    for i in range(6):
        make_question(note, f"Question {i}?", line=i)
    start, end = NOW - timedelta(hours=1), NOW + timedelta(hours=1)
    answer_right(learner, start - timedelta(minutes=5), "good")  # the day before: left out
    for minutes, grade in enumerate(["easy", "good", "good", "hard"]):
        answer_right(learner, NOW + timedelta(minutes=minutes), grade)
    # A cram answer that leaves the schedule alone, and an answer undone.
    cram_at = NOW + timedelta(minutes=10)
    shown = show(learner, cram_at, Scope("amazon-ecs")).shown
    assert shown is not None
    crammed = services.answer(
        learner, shown.token, right_numbers(shown.question, learner), False, cram_at
    )
    assert crammed.status == "recorded"
    undone = answer_right(learner, NOW + timedelta(minutes=20), "good")
    assert undone.log is not None
    services.undo(learner, undone.log.pk, NOW + timedelta(minutes=21))

    day = queries.day_of_answers(learner.pk, start, end)

    logs = ReviewLog.objects.filter(
        learner=learner, reviewed_at__gte=start, reviewed_at__lt=end
    ).effective()
    moved = logs.filter(moves_schedule=True)
    assert day.done == moved.count()
    assert day.new_done == moved.filter(stage="new").count()
    assert day.reviews_done == moved.filter(stage="review").count()
    assert day.last_log_id == max(logs.values_list("pk", flat=True))
    assert sorted(day.moved) == sorted(
        set(moved.values_list("question_id", "question__note_id", "question__line"))
    )
    # The scenario has some of each, so the comparison means something.
    assert day.done > day.new_done > 0 and logs.filter(moves_schedule=False).exists()
    assert logs.count() < ReviewLog.objects.filter(learner=learner).count()


def test_a_day_without_answers_is_empty(learner) -> None:
    day = queries.day_of_answers(learner.pk, NOW, NOW + timedelta(days=1))
    assert (day.done, day.new_done, day.reviews_done, day.last_log_id, day.moved) == (
        0,
        0,
        0,
        None,
        [],
    )


def test_placeholders_convert_as_djangos_sqlite_cursor_does() -> None:
    from studyapp.sql import _native

    query = "SELECT %s, '%%s', 'x%%' WHERE a = %s"
    assert _native("sqlite", query) == "SELECT ?, '%s', 'x%' WHERE a = ?"
    assert _native("postgresql", query) == query


@pytest.mark.postgres  # SQLite has no server to drop a connection (its is_usable() is True)
@pytest.mark.django_db(transaction=True)
def test_a_read_reconnects_when_the_connection_was_dropped() -> None:
    # conn_health_checks: a connection the database dropped is replaced, not a 500.
    from django.db import connection

    from studyapp import sql

    assert sql.rows("SELECT 1", []) == [(1,)]
    connection.connection.close()  # as a restarted database server leaves it
    connection.health_check_done = False  # a new request: Django checks before the first use
    assert sql.rows("SELECT 1", []) == [(1,)]
