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
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from studyapp.notes.identity import Keyed, carry_ids, normalize
from studyapp.notes.importer import slug_for
from studyapp.notes.models import Note
from studyapp.notes.parsed import ParsedNote
from studyapp.notes.parser import parse_note
from studyapp.questions.generator import KINDS, GeneratedQuestion, generate_questions, note_slug
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
    generated = generate_questions(list(notes.values()))
    now = timezone.now()
    with transaction.atomic():
        rows = _stored_rows(notes)
        plan = _plan(notes, generated, rows)
        by_slug = {
            n.slug: n for n in Note.objects.filter(slug__in=notes).prefetch_related("topics")
        }
        changed_ids: list[int] = []
        totals = [
            _apply(by_slug[slug], questions, rows.get(slug, []), plan, now, changed_ids)
            for slug, questions in _by_note(notes, generated).items()
            if slug in by_slug
        ]
        if changed_ids:
            # Inside the transaction: learners' cards go back to learning with the new answer.
            answers_changed.send(sender=Question, question_ids=changed_ids, when=now)
    return SyncResult(*(sum(t[i] for t in totals) for i in range(4)))


def preview_uids(parsed_notes: Mapping[str, ParsedNote]) -> dict[str, str]:
    """The uid each generated question (by key) would get from an import: reads, never writes."""
    notes = with_stored_notes(parsed_notes)
    generated = generate_questions(list(notes.values()))
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
    generated = generate_questions(list(notes.values()))
    uids = _plan(notes, generated, _stored_rows(notes)).uids
    by_note = _by_note(notes, generated)
    return {
        p.path: questions_json(by_note.get(slug_for(p.path), []), uids) if p.is_valid else []
        for p in run
    }


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


@dataclass(frozen=True)
class _Plan:
    rows: dict[str, int]  # generated key -> pk of the stored question it continues
    uids: dict[str, str]  # generated key -> uid


def _stored_rows(notes: Mapping[str, ParsedNote]) -> dict[str, list[_Row]]:
    rows: dict[str, list[_Row]] = {}
    found = Question.objects.filter(note__slug__in=list(notes)).values_list(
        "pk", "uid", "kind", "topic__title", "source_text", "retired_at", "note__slug"
    )
    for pk, uid, kind, topic, source, retired_at, slug in found.order_by("position", "pk"):
        rows.setdefault(slug, []).append(
            _Row(pk, uid, kind, topic or "", source, retired_at is not None)
        )
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
        wanted = [i for i, q in enumerate(questions) if q.kind == kind]
        current = [r for r in rows if r.kind == kind and not r.retired]
        ids = carry_ids(
            [Keyed(r.pk, normalize(r.topic), r.source_text) for r in current],
            [Keyed(None, normalize(questions[i].topic), questions[i].source_text) for i in wanted],
        )
        retired = [r for r in rows if r.kind == kind and r.retired]
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
    pool = list(retired)
    for i in wanted:
        if result[i] is not None:
            continue
        same = [r for r in pool if normalize(r.source_text) == normalize(questions[i].source_text)]
        if same:
            row = next(
                (r for r in same if normalize(r.topic) == normalize(questions[i].topic)), same[0]
            )
            pool.remove(row)
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


def _apply(
    note: Note,
    questions: Sequence[GeneratedQuestion],
    rows: Sequence[_Row],
    plan: _Plan,
    now: datetime,
    changed_ids: list[int],
) -> tuple[int, int, int, int]:
    """Write one note's questions; (added, updated, answer changed, retired)."""
    topics = {normalize(t.title): t for t in note.topics.all() if t.retired_at is None}
    stored = {q.pk: q for q in Question.objects.filter(pk__in=[r.pk for r in rows])}
    choices: dict[int, list[Choice]] = {}
    for choice in Choice.objects.filter(question__in=list(stored)).order_by("position", "pk"):
        choices.setdefault(choice.question_id, []).append(choice)
    updated = changed = 0
    new: list[tuple[Question, GeneratedQuestion]] = []
    for position, generated in enumerate(questions):
        fields = _fields(generated, position, topics.get(normalize(generated.topic)))
        pk = plan.rows.get(generated.key)
        if pk is None:
            uid = plan.uids[generated.key]
            new.append((Question(uid=uid, note=note, created_at=now, **fields), generated))
            continue
        question = stored[pk]
        if question.answer_key != generated.answer_key:
            fields["changed_at"] = now
            changed += 1
            changed_ids.append(question.pk)
        dirty = [name for name, value in fields.items() if getattr(question, name) != value]
        for name in dirty:
            setattr(question, name, fields[name])
        if dirty:
            question.save(update_fields=dirty)
        if _write_choices(question, choices.get(pk, []), generated) or dirty:
            updated += 1
    _create(new)
    kept = set(plan.rows.get(q.key) for q in questions)
    vanished = [r.pk for r in rows if not r.retired and r.pk not in kept]
    Question.objects.filter(pk__in=vanished).update(retired_at=now)
    return len(new), updated, changed, len(vanished)


def _create(new: Sequence[tuple[Question, GeneratedQuestion]]) -> None:
    created = Question.objects.bulk_create([question for question, _generated in new])
    Choice.objects.bulk_create(
        Choice(
            question=question,
            text=choice.text,
            correct=choice.correct,
            why_wrong=choice.why_wrong,
            position=position,
        )
        for question, (_q, generated) in zip(created, new, strict=True)
        for position, choice in enumerate(generated.choices)
    )


def _fields(generated: GeneratedQuestion, position: int, topic: Any) -> dict[str, Any]:
    return {
        "kind": generated.kind,
        "stem": generated.stem,
        "explanation": generated.explanation,
        "line": generated.line,
        "multiple": generated.multiple,
        "source_text": generated.source_text,
        "answer_key": generated.answer_key,
        "position": position,
        "topic": topic,
        "retired_at": None,
    }


def _write_choices(question: Question, old: list[Choice], generated: GeneratedQuestion) -> bool:
    """Make the question's choices those generated; True when anything was written.

    A choice keeps its row when its text is unchanged (a review or an exam may point at it);
    rows left over are reused for new texts, and only a surplus is deleted.
    """
    wanted = [(c.text, c.correct, c.why_wrong) for c in generated.choices]
    if [(c.text, c.correct, c.why_wrong) for c in old] == wanted:
        return False
    free = list(old)
    by_text = {normalize(c.text): c for c in old}
    rows: list[Choice | None] = []
    for text, _correct, _why in wanted:
        same = by_text.pop(normalize(text), None)
        if same is not None:
            free.remove(same)
        rows.append(same)
    for position, ((text, correct, why), row) in enumerate(zip(wanted, rows, strict=True)):
        row = row or (free.pop(0) if free else Choice(question=question))
        values = {"text": text, "correct": correct, "why_wrong": why, "position": position}
        if row.pk is None or any(getattr(row, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
    if free:
        Choice.objects.filter(pk__in=[c.pk for c in free]).delete()
    return True
