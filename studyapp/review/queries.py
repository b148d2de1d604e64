"""The study loop's reads on every request, in plain SQL that SQLite and PostgreSQL both run.

Building these with the ORM took 0.4–2 ms of CPU each, twenty times what the database took to
run them (studyapp/sql.py says more; docs/performance.md has the figures).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, models

from studyapp import sql
from studyapp.notes.models import Note, Topic
from studyapp.questions.models import Choice, Question
from studyapp.review.models import Card, ReviewLog, StudySettings
from studyapp.review.scheduling import State

CARD_FIELDS = sql.all_fields(Card)
LOG_FIELDS = sql.all_fields(ReviewLog)
SETTINGS_FIELDS = sql.all_fields(StudySettings)


_QUESTION_FIELDS = sql.in_model_order(
    Question,
    (
        "id",
        "uid",
        "note_id",
        "topic_id",
        "kind",
        "stem",
        "explanation",
        "line",
        "multiple",
        "position",
        "changed_at",
        "retired_at",
    ),
)
_NOTE_FIELDS = sql.in_model_order(Note, ("id", "slug", "title"))
_TOPIC_FIELDS = sql.in_model_order(Topic, ("id", "title", "anchor", "position"))
_CHOICE_FIELDS = sql.in_model_order(
    Choice, ("id", "question_id", "text", "correct", "why_wrong", "position")
)


# --- Today --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """What a learner's answers in a period add up to (undo rows and undone answers aside)."""

    done: int  # answers that moved the schedule
    new_done: int  # of those, first answers of a question (stage "new")
    reviews_done: int  # of those, reviews (stage "review")
    last_log_id: int | None  # the latest answer, moving the schedule or not
    moved: list[tuple[int, int, int]]  # (question, note, line) of each question they moved


def day_of_answers(learner_id: int, start: datetime, end: datetime) -> Day:
    """The learner's answers in [start, end) that count, summed per question in SQL.

    Per question, not per answer: a learner may answer hundreds of times a day, and every
    study request asks; one row (and no Python object) per answer cost 2.5 µs each.

    `COALESCE(undoes_id, 0) = 0` rather than `undoes_id IS NULL`: see
    ReviewLogQuerySet.effective() for why SQLite needs it that way.
    """
    query = f"""
        SELECT l.question_id, q.note_id, q.line,
               COUNT(CASE WHEN l.moves_schedule THEN 1 END),
               COUNT(CASE WHEN l.moves_schedule AND l.stage = %s THEN 1 END),
               COUNT(CASE WHEN l.moves_schedule AND l.stage = %s THEN 1 END),
               MAX(l.id)
        FROM {sql.table(ReviewLog)} l JOIN {sql.table(Question)} q ON q.id = l.question_id
        WHERE l.learner_id = %s AND l.reviewed_at >= %s AND l.reviewed_at < %s
          AND COALESCE(l.undoes_id, 0) = 0
          AND NOT EXISTS (SELECT 1 FROM {sql.table(ReviewLog)} u WHERE u.undoes_id = l.id)
        GROUP BY l.question_id, q.note_id, q.line
    """
    found = sql.rows(query, ["new", "review", learner_id, sql.moment(start), sql.moment(end)])
    return Day(
        done=sum(row[3] for row in found),
        new_done=sum(row[4] for row in found),
        reviews_done=sum(row[5] for row in found),
        last_log_id=max((row[6] for row in found), default=None),
        moved=[(question, note, line) for question, note, line, moved, *_ in found if moved],
    )


def questions_at(places: Collection[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(question, note, line) of every question at one of the (note, line) places."""
    if not places:
        return []
    notes = {note for note, _ in places}
    lines = {line for _, line in places}
    query = f"""
        SELECT id, note_id, line FROM {sql.table(Question)}
        WHERE note_id IN ({sql.placeholders(notes)}) AND line IN ({sql.placeholders(lines)})
    """
    wanted = set(places)
    return [row for row in sql.rows(query, [*notes, *lines]) if (row[1], row[2]) in wanted]


# --- The queue ----------------------------------------------------------------------------


def _not_in(column: str, ids: Collection[int]) -> tuple[str, list[int]]:
    if not ids:
        return "", []
    return f" AND {column} NOT IN ({sql.placeholders(ids)})", sorted(ids)


def _due_cards_where(
    learner_id: int, until: datetime, buried: Collection[int]
) -> tuple[str, list[Any]]:
    """Studied cards of current questions due by `until`, their siblings not studied today."""
    skip, skipped = _not_in("c.question_id", buried)
    where = f"""
        FROM {sql.table(Card)} c JOIN {sql.table(Question)} q ON q.id = c.question_id
        WHERE c.learner_id = %s AND c.reps > 0 AND c.due <= %s AND q.retired_at IS NULL{skip}
    """
    return where, [learner_id, sql.moment(until), *skipped]


def _new_where(learner_id: int, buried: Collection[int]) -> tuple[str, list[Any]]:
    """Current questions the learner never studied, their siblings not studied today."""
    skip, skipped = _not_in("q.id", buried)
    where = f"""
        WHERE q.retired_at IS NULL{skip}
          AND NOT EXISTS (
            SELECT 1 FROM {sql.table(Card)} c
            WHERE c.learner_id = %s AND c.question_id = q.id AND c.reps > 0)
    """
    return where, [*skipped, learner_id]


@dataclass(frozen=True)
class QueueCounts:
    learning: int  # learning and relearning steps due by now + learn-ahead
    review: int  # reviews due by now
    new: int  # new questions, counted up to the day's allowance


def queue_counts(
    learner_id: int,
    now: datetime,
    ahead_until: datetime,
    buried: Collection[int],
    new_allowed: int,
) -> QueueCounts:
    """What is left to study: three counts in one round trip."""
    due_from, due_params = _due_cards_where(learner_id, ahead_until, buried)
    new_where, new_params = _new_where(learner_id, buried)
    review = int(State.Review)
    query = f"""
        SELECT
          (SELECT COUNT(*) {due_from} AND c.state <> %s),
          (SELECT COUNT(*) {due_from} AND c.state = %s AND c.due <= %s),
          (SELECT COUNT(*) FROM (
             SELECT 1 FROM {sql.table(Question)} q {new_where} LIMIT %s) AS new_questions)
    """
    params = [*due_params, review, *due_params, review, sql.moment(now), *new_params, new_allowed]
    learning, reviews, new = sql.rows(query, params)[0]
    return QueueCounts(int(learning), int(reviews), int(new))


def first_due_card(
    learner_id: int,
    until: datetime,
    buried: Collection[int],
    *,
    states: Iterable[State] | None = None,
) -> Card | None:
    """The learner's card due soonest by `until` (of `states` if given), or None."""
    due_from, params = _due_cards_where(learner_id, until, buried)
    if states is not None:
        wanted = [int(s) for s in states]
        due_from += f" AND c.state IN ({sql.placeholders(wanted)})"
        params += wanted
    query = f"SELECT {sql.columns(Card, 'c', CARD_FIELDS)} {due_from} ORDER BY c.due, c.id LIMIT 1"
    found = sql.rows(query, params)
    return sql.build(Card, CARD_FIELDS, found[0]) if found else None


def first_new_question_id(learner_id: int, buried: Collection[int]) -> int | None:
    """The next new question in study order (studyapp/questions/study_order.py): the first
    in the index on `study_order` that the learner has not studied."""
    new_where, params = _new_where(learner_id, buried)
    query = f"""
        SELECT q.id FROM {sql.table(Question)} q
        {new_where}
        ORDER BY q.study_order, q.id
        LIMIT 1
    """
    found = sql.rows(query, params)
    return found[0][0] if found else None


def soonest_due(learner_id: int) -> datetime | None:
    """When the learner's next studied card of a current question comes due."""
    query = f"""
        SELECT MIN(c.due)
        FROM {sql.table(Card)} c JOIN {sql.table(Question)} q ON q.id = c.question_id
        WHERE c.learner_id = %s AND c.reps > 0 AND q.retired_at IS NULL
    """
    return sql.aware(sql.rows(query, [learner_id])[0][0])


# --- One question, one card, one answer ----------------------------------------------------


def question_with_choices(*, pk: int | None = None, uid: str | None = None) -> Question | None:
    """A question (retired too) with its note, topic and choices (ordered), in one query."""
    where, param = ("q.id = %s", pk) if pk is not None else ("q.uid = %s", uid)
    query = f"""
        SELECT {sql.columns(Question, "q", _QUESTION_FIELDS)},
               {sql.columns(Note, "n", _NOTE_FIELDS)},
               {sql.columns(Topic, "t", _TOPIC_FIELDS)},
               {sql.columns(Choice, "ch", _CHOICE_FIELDS)}
        FROM {sql.table(Question)} q
        JOIN {sql.table(Note)} n ON n.id = q.note_id
        LEFT JOIN {sql.table(Topic)} t ON t.id = q.topic_id
        LEFT JOIN {sql.table(Choice)} ch ON ch.question_id = q.id
        WHERE {where}
        ORDER BY ch.position, ch.id
    """
    found = sql.rows(query, [param])
    if not found:
        return None
    ends = _ends(_QUESTION_FIELDS, _NOTE_FIELDS, _TOPIC_FIELDS)
    first = found[0]
    question = sql.build(Question, _QUESTION_FIELDS, first[: ends[0]])
    question.note = sql.build(Note, _NOTE_FIELDS, first[ends[0] : ends[1]])
    topic_values = first[ends[1] : ends[2]]
    question.topic = sql.build(Topic, _TOPIC_FIELDS, topic_values) if topic_values[0] else None
    choices = [sql.build(Choice, _CHOICE_FIELDS, row[ends[2] :]) for row in found if row[ends[2]]]
    for choice in choices:
        choice.question = question
    _set_prefetched(question, "choices", choices)
    return question


def _ends(*groups: Sequence[str]) -> list[int]:
    ends, total = [], 0
    for group in groups:
        total += len(group)
        ends.append(total)
    return ends


def _set_prefetched(instance: models.Model, name: str, items: list[models.Model]) -> None:
    """What prefetch_related() leaves behind: `instance.<name>.all()` answers from `items`."""
    # A bare QuerySet: building the related manager's filtered one costs more than the query.
    queryset = models.QuerySet(type(items[0]) if items else Choice)
    queryset._result_cache = items
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = {name: queryset}


def card_of(learner_id: int, question_id: int, *, lock: bool = False) -> Card | None:
    """The learner's card for the question; `lock` holds its row to the end of the
    transaction where the database can (SQLite's IMMEDIATE transaction already does)."""
    query = f"""
        SELECT {sql.columns(Card, "c", CARD_FIELDS)} FROM {sql.table(Card)} c
        WHERE c.learner_id = %s AND c.question_id = %s
    """
    if lock and connection.features.has_select_for_update:
        query += " FOR UPDATE"
    found = sql.rows(query, [learner_id, question_id])
    return sql.build(Card, CARD_FIELDS, found[0]) if found else None


def answer_with_token(learner_id: int, nonce: str) -> tuple[ReviewLog, bool] | None:
    """The learner's answer recorded with this token, and whether it was undone since."""
    query = f"""
        SELECT {sql.columns(ReviewLog, "l", LOG_FIELDS)},
               EXISTS (SELECT 1 FROM {sql.table(ReviewLog)} u WHERE u.undoes_id = l.id)
        FROM {sql.table(ReviewLog)} l
        WHERE l.learner_id = %s AND l.token = %s
    """
    found = sql.rows(query, [learner_id, nonce])
    if not found:
        return None
    *values, undone = found[0]
    return sql.build(ReviewLog, LOG_FIELDS, values), bool(undone)


def settings_of(learner_id: int, *, lock: bool = False) -> StudySettings | None:
    """The learner's stored study settings, if any; `lock` as for card_of()."""
    query = f"""
        SELECT {sql.columns(StudySettings, "s", SETTINGS_FIELDS)} FROM {sql.table(StudySettings)} s
        WHERE s.learner_id = %s
    """
    if lock and connection.features.has_select_for_update:
        query += " FOR UPDATE"
    found = sql.rows(query, [learner_id])
    return sql.build(StudySettings, SETTINGS_FIELDS, found[0]) if found else None
