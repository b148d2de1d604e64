"""Keep the question bank in step with the notes: ids carried across edits, nothing deleted.

After every import that changed notes, the questions of all notes are generated again (all at
once, so wrong choices come from every note) and matched to the stored ones with the same
`carry_ids` the importer uses for facts: a question keeps its uid when its source item is the
same or lightly edited (a typo, a reworded scenario, rows reordered). A question whose answer
changed keeps its uid and gets `changed_at`; one no longer generated is retired, and comes
back with its uid if its source does. The dry run (`preview_uids`) runs the same matching
without writing, so `import_notes --dry-run --json` shows the ids an import would give.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple, cast

from django.db import transaction
from django.utils import timezone

from studyapp import sql
from studyapp.bulk import fewer_collections, forked_map
from studyapp.notes.identity import Keyed, carry_ids, normalize
from studyapp.notes.importer import slug_for
from studyapp.notes.models import Note, Topic
from studyapp.notes.parsed import ParsedNote
from studyapp.notes.parser import parse_note
from studyapp.questions import study_order, version
from studyapp.questions.corpus import Corpus
from studyapp.questions.generator import (
    KINDS,
    GeneratedQuestion,
    note_slug,
    questions_of,
    valid_notes,
)
from studyapp.questions.models import Choice, Question
from studyapp.questions.signals import answers_changed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncResult:
    added: int = 0
    updated: int = 0
    changed: int = 0
    retired: int = 0


# --- Entry points ---------------------------------------------------------------------------


def rebuild_after_import(
    sender: object, notes: Sequence[Note], parsed: Mapping[str, ParsedNote], **kwargs: Any
) -> None:
    """Receiver of `notes_imported`: bring every note's questions up to date."""
    result = sync_questions(parsed)
    logger.info(
        "questions: %d added, %d updated (%d with a new answer), %d retired",
        result.added,
        result.updated,
        result.changed,
        result.retired,
    )


def sync_questions(parsed_notes: Mapping[str, ParsedNote]) -> SyncResult:
    """Store the questions of `parsed_notes` (slug -> note) and of every other stored note.

    Stored notes missing from `parsed_notes` are read from their stored text, so that a run
    importing one file still draws wrong choices from all notes. One transaction.
    """
    notes = with_stored_notes(parsed_notes)
    generated = generate(notes.values())
    now = timezone.now()
    with transaction.atomic():
        rows = _stored_rows(notes)
        plan = _plan(notes, generated, rows)
        note_ids = dict(Note.objects.filter(slug__in=list(notes)).values_list("slug", "pk"))
        writes = _Writes(now, _current_topics(notes), _stored_choices(notes))
        for slug, questions in _by_note(notes, generated).items():
            if slug in note_ids:
                writes.note(note_ids[slug], questions, rows.get(slug, []), plan)
        wrote = writes.save()
        # Topics may have moved in the notes' own import even when no question changed.
        renumbered = study_order.renumber()
        if wrote or renumbered:
            # Last in the transaction: whoever sees the new version sees these writes too.
            version.bump()
        if writes.changed_ids:
            # Inside the transaction: learners' cards go back to learning with the new answer.
            answers_changed.send(sender=Question, question_ids=writes.changed_ids, when=now)
    return writes.result


def preview_uids(parsed_notes: Mapping[str, ParsedNote]) -> dict[str, str]:
    """The uid each generated question (by key) would get from an import: reads, never writes."""
    notes = with_stored_notes(parsed_notes)
    generated = generate(notes.values())
    return _plan(notes, generated, _stored_rows(notes)).uids


def questions_json(
    generated: Sequence[GeneratedQuestion], uids: Mapping[str, str]
) -> list[dict[str, Any]]:
    """What `import_notes --dry-run --json` lists under each note."""
    return [
        {
            "id": uids.get(q.key, q.key),
            "kind": q.kind,
            "stem": q.stem,
            "choices": [{"text": c.text, "correct": c.correct} for c in q.choices],
            "explanation": q.explanation,
            "line": q.line,
            "topic": q.topic,
            "multiple": q.multiple,
        }
        for q in generated
    ]


def dry_run_questions(parsed_notes: Iterable[ParsedNote]) -> dict[str, list[dict[str, Any]]]:
    """The "questions" list of each note of an import run, by path (empty for broken notes)."""
    run = list(parsed_notes)
    valid = {slug_for(p.path): p for p in run if p.is_valid}
    notes = with_stored_notes(valid)
    generated = generate(notes.values())
    uids = _plan(notes, generated, _stored_rows(notes)).uids
    by_note = _by_note(notes, generated)
    return {
        p.path: questions_json(by_note.get(slug_for(p.path), []), uids) if p.is_valid else []
        for p in run
    }


# Generating takes 5.5 s for 1,000 notes on one core, of which building the corpus about 1 s;
# the notes' questions are then independent and are generated in forked workers (`forked_map`),
# which inherit the corpus: 2.5 s instead of 4 s on 2 cores. Below this many notes a pool
# costs more than it saves. Four at most: each worker warms the corpus's look-ups again
# (0.15 s) and copies the memory it touches.
GENERATE_MIN_NOTES = 50
GENERATE_MAX_WORKERS = 4


def generate(notes: Iterable[ParsedNote]) -> list[GeneratedQuestion]:
    """`generate_questions(notes)`, the same list, with every core: the import's way."""
    valid = valid_notes(notes)
    with fewer_collections():  # the workers are forked inside: they inherit it
        corpus = Corpus.build(valid)
        with forked_map(
            partial(questions_of, corpus=corpus),
            valid,
            min_per_worker=GENERATE_MIN_NOTES,
            chunksize=8,
            max_workers=GENERATE_MAX_WORKERS,
        ) as each:
            return [q for questions in each for q in questions]


def with_stored_notes(parsed_notes: Mapping[str, ParsedNote]) -> dict[str, ParsedNote]:
    """`parsed_notes`, plus every other stored note read again from its stored text."""
    notes = dict(parsed_notes)
    stored = Note.objects.exclude(slug__in=list(notes)).only("slug", "path", "source_text")
    for note in stored.order_by("slug"):
        again = parse_note(note.source_text, note.path)
        if again.is_valid:
            notes[note.slug] = again
    return notes


# --- Matching generated questions to stored ones -----------------------------------------------


@dataclass(frozen=True)
class _Row:
    """A stored question as matching sees it."""

    pk: int
    uid: str
    kind: str
    topic: str
    source_text: str
    retired: bool
    stored: dict[str, Any]  # the values of the fields a sync writes (`_WRITTEN`)


@dataclass(frozen=True)
class _Plan:
    rows: dict[str, int]  # generated key -> pk of the stored question it continues
    uids: dict[str, str]  # generated key -> uid


def _stored_rows(notes: Mapping[str, ParsedNote]) -> dict[str, list[_Row]]:
    rows: dict[str, list[_Row]] = {}
    found = Question.objects.filter(note__slug__in=list(notes)).values_list(
        "pk", "uid", "topic__title", "note__slug", *_WRITTEN
    )
    for pk, uid, topic, slug, *values in found.order_by("position", "pk"):
        stored = dict(zip(_WRITTEN, values, strict=True))
        row = _Row(
            pk,
            uid,
            stored["kind"],
            topic or "",
            stored["source_text"],
            stored["retired_at"] is not None,
            stored,
        )
        rows.setdefault(slug, []).append(row)
    return rows


def _plan(
    notes: Mapping[str, ParsedNote],
    generated: Sequence[GeneratedQuestion],
    rows: Mapping[str, list[_Row]],
) -> _Plan:
    continued: dict[str, int] = {}
    uids: dict[str, str] = {}
    for slug, questions in _by_note(notes, generated).items():
        note_rows = rows.get(slug, [])
        by_pk = {row.pk: row for row in note_rows}
        for question, pk in zip(questions, match(note_rows, questions), strict=True):
            if pk is not None:
                continued[question.key] = pk
                uids[question.key] = by_pk[pk].uid
    taken = set(Question.objects.values_list("uid", flat=True)) | set(uids.values())
    for question in generated:
        if question.key not in uids:
            uids[question.key] = _fresh_uid(question.key, taken)
    return _Plan(continued, uids)


def match(rows: Sequence[_Row], questions: Sequence[GeneratedQuestion]) -> list[int | None]:
    """For each generated question, the pk of the stored question of its note it continues.

    Kind by kind: current questions continue the closest new one (same text anywhere in the
    note, or a similar text in the same topic); a retired one comes back only for exactly
    its text.
    """
    result: list[int | None] = [None] * len(questions)
    for kind in KINDS:
        current = [r for r in rows if r.kind == kind and not r.retired]
        retired = [r for r in rows if r.kind == kind and r.retired]
        if not current and not retired:
            continue  # nothing to continue (a first import): every question of the kind is new
        wanted = [i for i, q in enumerate(questions) if q.kind == kind]
        ids = carry_ids(
            [Keyed(r.pk, normalize(r.topic), r.source_text) for r in current],
            [Keyed(None, normalize(questions[i].topic), questions[i].source_text) for i in wanted],
        )
        for i, pk in zip(wanted, ids, strict=True):
            result[i] = cast("int | None", pk)
        _revive(result, wanted, questions, retired)
    return result


def _revive(
    result: list[int | None],
    wanted: Sequence[int],
    questions: Sequence[GeneratedQuestion],
    retired: Sequence[_Row],
) -> None:
    if not retired:
        return
    pool: dict[str, list[_Row]] = {}
    for row in retired:
        pool.setdefault(normalize(row.source_text), []).append(row)
    for i in wanted:
        same = pool.get(normalize(questions[i].source_text))
        if result[i] is not None or not same:
            continue
        topic = normalize(questions[i].topic)
        row = next((r for r in same if normalize(r.topic) == topic), same[0])
        same.remove(row)
        result[i] = row.pk


def _fresh_uid(key: str, taken: set[str]) -> str:
    """The key itself, unless a stored question already has it as its uid."""
    uid, attempt = key, 1
    while uid in taken:
        attempt += 1
        uid = "q_" + hashlib.sha256(f"{key}#{attempt}".encode()).hexdigest()[:16]
    taken.add(uid)
    return uid


def _by_note(
    notes: Mapping[str, ParsedNote], generated: Sequence[GeneratedQuestion]
) -> dict[str, list[GeneratedQuestion]]:
    slugs = {note_slug(p.path): slug for slug, p in notes.items()}
    grouped: dict[str, list[GeneratedQuestion]] = {slug: [] for slug in notes}
    for question in generated:
        slug = slugs.get(question.note_slug)
        if slug is not None:
            grouped[slug].append(question)
    return grouped


# --- Writing ---------------------------------------------------------------------------------

# The Question fields a sync writes (attnames), in the order `_fields` gives them.
_WRITTEN = (
    "kind",
    "stem",
    "explanation",
    "line",
    "multiple",
    "source_text",
    "answer_key",
    "position",
    "topic_id",
    "retired_at",
)


class _StoredChoice(NamedTuple):
    pk: int
    text: str
    correct: bool
    why_wrong: str
    position: int


def _current_topics(notes: Mapping[str, ParsedNote]) -> dict[tuple[int, str], int]:
    """(note pk, normalized title) -> pk of the current topic questions with that title go in."""
    found = Topic.objects.current().filter(note__slug__in=list(notes)).order_by("position", "pk")
    return {
        (note_id, normalize(title)): pk
        for note_id, title, pk in found.values_list("note_id", "title", "pk")
    }


def _stored_choices(notes: Mapping[str, ParsedNote]) -> dict[int, list[_StoredChoice]]:
    """The choices of the notes' stored questions, by question pk, in order."""
    found = Choice.objects.filter(question__note__slug__in=list(notes)).order_by("position", "pk")
    choices: dict[int, list[_StoredChoice]] = {}
    columns = found.values_list("question_id", "pk", "text", "correct", "why_wrong", "position")
    for question_id, *values in columns:
        choices.setdefault(question_id, []).append(_StoredChoice(*values))
    return choices


class _Writes:
    """What a sync changes, gathered note by note and then written in a few statements.

    Whatever the number of notes: one INSERT of the new questions and one of the new choices,
    one UPDATE per set of fields that changed together, one DELETE per 500 surplus choices
    (studyapp/sql.py says why not `bulk_create`: it took 7-9 s for 1,000 notes' questions).
    """

    def __init__(
        self,
        now: datetime,
        topics: Mapping[tuple[int, str], int],
        choices: Mapping[int, list[_StoredChoice]],
    ) -> None:
        self.now = now
        self.topics = topics
        self.choices = choices
        self.new: list[tuple[dict[str, Any], GeneratedQuestion]] = []
        self.question_updates: list[tuple[int, dict[str, Any]]] = []
        self.choice_updates: list[tuple[int, dict[str, Any]]] = []
        self.new_choices: list[dict[str, Any]] = []
        self.surplus_choices: list[int] = []
        self.changed_ids: list[int] = []
        self.updated = 0
        self.retired = 0

    @property
    def result(self) -> SyncResult:
        return SyncResult(len(self.new), self.updated, len(self.changed_ids), self.retired)

    def note(
        self,
        note_id: int,
        questions: Sequence[GeneratedQuestion],
        rows: Sequence[_Row],
        plan: _Plan,
    ) -> None:
        """Gather what makes one note's stored questions those generated, in this order."""
        stored = {row.pk: row for row in rows}
        for position, generated in enumerate(questions):
            topic_id = self.topics.get((note_id, normalize(generated.topic)))
            fields = _fields(generated, position, topic_id)
            pk = plan.rows.get(generated.key)
            if pk is None:
                new = {
                    "uid": plan.uids[generated.key],
                    "note_id": note_id,
                    "created_at": self.now,
                }
                self.new.append(({**new, **fields}, generated))
            else:
                self.question(pk, stored[pk].stored, fields, generated)
        kept = {plan.rows.get(q.key) for q in questions}
        for row in rows:
            if not row.retired and row.pk not in kept:
                self.question_updates.append((row.pk, {"retired_at": self.now}))
                self.retired += 1

    def question(
        self,
        pk: int,
        stored: Mapping[str, Any],
        fields: dict[str, Any],
        generated: GeneratedQuestion,
    ) -> None:
        """Gather what makes a stored question the generated one; nothing if it already is."""
        if stored["answer_key"] != generated.answer_key:
            fields["changed_at"] = self.now
            self.changed_ids.append(pk)
        dirty = {name: value for name, value in fields.items() if stored.get(name) != value}
        if dirty:
            self.question_updates.append((pk, dirty))
        if self.choices_of(pk, self.choices.get(pk, []), generated) or dirty:
            self.updated += 1

    def choices_of(
        self, question_id: int, old: Sequence[_StoredChoice], generated: GeneratedQuestion
    ) -> bool:
        """Gather what makes a question's choices those generated; True when anything changes.

        A choice keeps its row when its text is unchanged (a review or an exam may point at it);
        rows left over are reused for new texts, and only a surplus is deleted.
        """
        wanted = [(c.text, c.correct, c.why_wrong) for c in generated.choices]
        if [(c.text, c.correct, c.why_wrong) for c in old] == wanted:
            return False
        free = list(old)
        by_text = {normalize(c.text): c for c in old}
        rows: list[_StoredChoice | None] = []
        for text, _correct, _why in wanted:
            same = by_text.pop(normalize(text), None)
            if same is not None:
                free.remove(same)
            rows.append(same)
        for position, ((text, correct, why), row) in enumerate(zip(wanted, rows, strict=True)):
            row = row if row is not None else (free.pop(0) if free else None)
            values = {"text": text, "correct": correct, "why_wrong": why, "position": position}
            if row is None:
                self.new_choices.append({"question_id": question_id, **values})
            elif dirty := {k: v for k, v in values.items() if getattr(row, k) != v}:
                self.choice_updates.append((row.pk, dirty))
        self.surplus_choices += [c.pk for c in free]
        return True

    def save(self) -> bool:
        """Write everything gathered; whether there was anything to write."""
        if not (
            self.new
            or self.question_updates
            or self.choice_updates
            or self.new_choices
            or self.surplus_choices
        ):
            return False
        pks = sql.insert_rows(Question, [fields for fields, _generated in self.new])
        for pk, (_fields, generated) in zip(pks, self.new, strict=True):
            self.new_choices += [
                _choice(pk, c.text, c.correct, c.why_wrong, position)
                for position, c in enumerate(generated.choices)
            ]
        sql.update_rows(Question, self.question_updates)
        sql.update_rows(Choice, self.choice_updates)
        sql.insert_rows(Choice, self.new_choices, pks=False)
        # Nothing points at a choice; plain SQL, as a QuerySet.delete() with receivers listening
        # (the bank's version) loads every row and signals each.
        sql.delete_rows(Choice, self.surplus_choices)
        return True


def _choice(question_id: int, text: str, correct: bool, why: str, position: int) -> dict[str, Any]:
    return {
        "question_id": question_id,
        "text": text,
        "correct": correct,
        "why_wrong": why,
        "position": position,
    }


def _fields(generated: GeneratedQuestion, position: int, topic_id: int | None) -> dict[str, Any]:
    """The values of `_WRITTEN` for a generated question at `position` in its note."""
    return {
        "kind": generated.kind,
        "stem": generated.stem,
        "explanation": generated.explanation,
        "line": generated.line,
        "multiple": generated.multiple,
        "source_text": generated.source_text,
        "answer_key": generated.answer_key,
        "position": position,
        "topic_id": topic_id,
        "retired_at": None,
    }


def _write_choices(question: Question, old: list[Choice], generated: GeneratedQuestion) -> bool:
    """Make one question's choices those generated, as a sync does; True when anything changed."""
    writes = _Writes(timezone.now(), {}, {})
    stored = [_StoredChoice(c.pk, c.text, c.correct, c.why_wrong, c.position) for c in old]
    changed = writes.choices_of(question.pk, stored, generated)
    if writes.save():
        version.bump()
    return changed
