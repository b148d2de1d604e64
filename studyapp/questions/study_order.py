"""The order in which a learner meets new questions, kept in `Question.study_order`.

Note by note (by slug: slugs are lowercase, so every database sorts them alike), topic by topic
(questions outside any topic after the note's topics), then in the order they come in their
note. Stored rather than sorted per request: the study loop asks for the next new question on
almost every step, and sorting a bank of 33,800 questions (1,000 notes) took 14 ms each time;
walking the partial index on `study_order` stops at the first question the learner has not
studied.
"""

from __future__ import annotations

from django.db import connection

from studyapp import sql
from studyapp.notes.models import Note, Topic
from studyapp.questions.models import Question


def renumber() -> int:
    """Number the current questions in study order; how many numbers changed.

    Only rows whose number changes are written, and none when nothing moved, so an unchanged
    re-import writes nothing. Call it inside the transaction that changed the questions.
    """
    table = sql.table(Question)
    ranked = f"""
        SELECT q.id AS id, q.study_order AS old, ROW_NUMBER() OVER (
            ORDER BY n.slug, t.position IS NULL, t.position, q.position, q.id) AS number
        FROM {table} q
        JOIN {sql.table(Note)} n ON n.id = q.note_id
        LEFT JOIN {sql.table(Topic)} t ON t.id = q.topic_id
        WHERE q.retired_at IS NULL
    """
    if connection.vendor != "postgresql":
        # SQLite: the changed rows in one executemany, fast in-process, and on every SQLite
        # version Django supports (UPDATE … FROM needs 3.33; Django 5.2 takes 3.31).
        found = sql.rows(ranked, [])
        changes = [(pk, {"study_order": new}) for pk, old, new in found if old != new]
        sql.update_rows(Question, changes)
        return len(changes)
    # PostgreSQL: one UPDATE … FROM, when anything moved; 33,800 single-row updates took
    # seconds through psycopg.
    moved = "(ranked.old IS NULL OR ranked.old <> ranked.number)"
    [(changed,)] = sql.rows(f"SELECT COUNT(*) FROM ({ranked}) AS ranked WHERE {moved}", [])
    if changed:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS question SET study_order = ranked.number"
                f" FROM ({ranked}) AS ranked WHERE question.id = ranked.id AND {moved}"
            )
    return int(changed)
