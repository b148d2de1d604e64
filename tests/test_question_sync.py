"""The question bank is written in a few statements per import, whatever the number of notes.

Each note here holds authored questions (stored as written), so a test can say exactly what
changed: an answer, a wrong choice, a question removed or brought back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyapp.notes.importer import import_paths
from studyapp.notes.models import Note
from studyapp.notes.parser import parse_note
from studyapp.questions.models import Choice, Question
from studyapp.questions.signals import answers_changed
from studyapp.questions.sync import SyncResult, sync_questions

pytestmark = pytest.mark.django_db

FIRST = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
LATER = FIRST + timedelta(hours=1)

NIGHTLY = "A nightly job runs for 6 hours. Which service fits best?"
EVENTS = "Code must run when a file lands in S3. Which service fits best?"
CLUSTER = "The team wants managed Kubernetes. Which service fits best?"
BANK = {
    NIGHTLY: [
        ("AWS Batch", True),
        ("AWS Lambda", False),
        ("Amazon EKS", False),
        ("Amazon Lightsail", False),
    ],
    EVENTS: [
        ("AWS Lambda", True),
        ("AWS Batch", False),
        ("Amazon EKS", False),
        ("Amazon Lightsail", False),
    ],
    CLUSTER: [
        ("Amazon EKS", True),
        ("AWS Batch", False),
        ("AWS Lambda", False),
        ("Amazon Lightsail", False),
    ],
}


def write_note(folder: Path, number: int, questions: dict[str, list[tuple[str, bool]]]) -> Path:
    lines = [f"# AWS Batch {number:04d} – Managed Batch Computing", "", "## Practice", ""]
    for stem, choices in questions.items():
        lines.append(f"### Question: {stem}")
        lines += [f"- [{'x' if correct else ' '}] {text}" for text, correct in choices]
        lines.append("> Explanation: Lambda stops after 15 minutes.")
        lines.append("")
    path = folder / f"aws-batch-{number:04d}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_notes(folder: Path, count: int, questions=BANK) -> Path:
    folder.mkdir(exist_ok=True)
    for number in range(1, count + 1):
        write_note(folder, number, questions)
    return folder


def import_at(when: datetime, folder: Path) -> None:
    with time_machine.travel(when, tick=False):
        report = import_paths([folder])
    assert not report.failed, report.problems


def parsed(folder: Path) -> dict:
    return {p.stem: parse_note(p.read_bytes(), str(p)) for p in sorted(folder.glob("*.md"))}


def sync_counting(folder: Path) -> tuple[SyncResult, int]:
    """Sync the folder's notes (as stored and as on disk); the result and the queries it took."""
    with CaptureQueriesContext(connection) as queries, time_machine.travel(LATER, tick=False):
        result = sync_questions(parsed(folder))
    return result, len(queries)


def stored(number: int, stem: str) -> Question:
    return Question.objects.get(note__slug=f"aws-batch-{number:04d}", stem=stem)


def choices_of(question: Question) -> list[tuple[str, bool]]:
    return [(c.text, c.correct) for c in question.choices.all()]


@pytest.fixture
def told() -> Iterator[list[list[int]]]:
    """The question ids of each `answers_changed` the sync sends."""
    sent: list[list[int]] = []

    def receive(sender, question_ids, when, **kwargs):
        sent.append(sorted(question_ids))

    answers_changed.connect(receive, dispatch_uid="test_question_sync")
    yield sent
    answers_changed.disconnect(dispatch_uid="test_question_sync")


# --- Queries -----------------------------------------------------------------------------------


def queries_for(tmp_path: Path, count: int) -> dict[str, int]:
    """Queries of a cold sync, an unchanged one and one changing every note, for `count` notes."""
    folder = write_notes(tmp_path / f"notes-{count}", count)
    import_at(FIRST, folder)
    Question.objects.all().delete()
    cold = sync_counting(folder)
    assert cold[0].added == 3 * count
    again = sync_counting(folder)
    assert again[0] == SyncResult()
    edited = dict(BANK)
    edited[NIGHTLY] = [("AWS Lambda", True), ("AWS Batch", False), *BANK[NIGHTLY][2:]]
    del edited[CLUSTER]
    write_notes(folder, count, edited)
    changed = sync_counting(folder)
    assert changed[0] == SyncResult(updated=count, changed=count, retired=count)
    Note.objects.all().delete()  # the next size starts from an empty database
    return {"cold": cold[1], "unchanged": again[1], "changed": changed[1]}


def test_syncing_takes_the_same_queries_for_two_notes_as_for_twelve(tmp_path) -> None:
    few = queries_for(tmp_path, 2)
    many = queries_for(tmp_path, 12)

    assert few == many
    assert max(many.values()) <= 16


# --- What each write does ----------------------------------------------------------------------


def test_new_questions_are_stored_with_their_choices_in_order(tmp_path) -> None:
    folder = write_notes(tmp_path / "content", 2)

    import_at(FIRST, folder)

    question = stored(2, EVENTS)
    assert choices_of(question) == BANK[EVENTS]
    assert question.created_at == FIRST and question.changed_at is None
    assert question.topic.title == "Practice"
    assert question.position == 1 and question.retired_at is None
    assert Question.objects.count() == 6 and Choice.objects.count() == 24


def test_a_changed_answer_is_flagged_and_told_once_for_all_notes(tmp_path, told) -> None:
    folder = write_notes(tmp_path / "content", 3)
    import_at(FIRST, folder)
    edited = {**BANK, EVENTS: [("AWS Lambda", False), ("AWS Batch", True), *BANK[EVENTS][2:]]}
    write_notes(folder, 3, edited)

    import_at(LATER, folder)

    changed = Question.objects.filter(stem=EVENTS)
    assert told == [sorted(changed.values_list("pk", flat=True))]
    assert all(q.changed_at == LATER for q in changed)
    assert choices_of(stored(1, EVENTS)) == edited[EVENTS]
    assert not Question.objects.exclude(stem=EVENTS).filter(changed_at__isnull=False).exists()


def test_a_reworded_wrong_choice_keeps_its_row(tmp_path, told) -> None:
    folder = write_notes(tmp_path / "content", 1)
    import_at(FIRST, folder)
    before = {c.text: c.pk for c in stored(1, NIGHTLY).choices.all()}
    edited = {**BANK, NIGHTLY: [*BANK[NIGHTLY][:3], ("Amazon Lightsail containers", False)]}
    write_notes(folder, 1, edited)

    import_at(LATER, folder)

    after = {c.text: c.pk for c in stored(1, NIGHTLY).choices.all()}
    assert after["Amazon Lightsail containers"] == before["Amazon Lightsail"]
    assert after["AWS Batch"] == before["AWS Batch"]
    assert told == []  # the answer is the same


def test_fewer_choices_delete_only_the_surplus(tmp_path) -> None:
    folder = write_notes(tmp_path / "content", 1)
    import_at(FIRST, folder)
    before = {c.text: c.pk for c in stored(1, NIGHTLY).choices.all()}
    write_notes(folder, 1, {**BANK, NIGHTLY: BANK[NIGHTLY][:3]})

    import_at(LATER, folder)

    after = {c.text: c.pk for c in stored(1, NIGHTLY).choices.all()}
    assert after == {text: before[text] for text, _correct in BANK[NIGHTLY][:3]}


def test_a_removed_question_is_retired_and_comes_back_with_its_id(tmp_path) -> None:
    folder = write_notes(tmp_path / "content", 2)
    import_at(FIRST, folder)
    before = stored(2, CLUSTER)
    write_notes(folder, 2, {NIGHTLY: BANK[NIGHTLY], EVENTS: BANK[EVENTS]})

    import_at(LATER, folder)

    retired = Question.objects.get(pk=before.pk)
    assert retired.retired_at == LATER and retired.uid == before.uid
    assert choices_of(retired) == BANK[CLUSTER]  # kept, for the cards and exams that show it

    write_notes(folder, 2, BANK)
    import_at(LATER + timedelta(hours=1), folder)

    back = Question.objects.get(pk=before.pk)
    assert back.retired_at is None and back.uid == before.uid
    assert Question.objects.count() == 6


def test_moved_questions_get_their_new_positions(tmp_path) -> None:
    folder = write_notes(tmp_path / "content", 1)
    import_at(FIRST, folder)
    write_notes(folder, 1, {stem: BANK[stem] for stem in (CLUSTER, NIGHTLY, EVENTS)})

    import_at(LATER, folder)

    current = Question.objects.current().order_by("position")
    assert [q.stem for q in current] == [CLUSTER, NIGHTLY, EVENTS]


def test_a_sync_after_an_edit_writes_nothing_more(tmp_path) -> None:
    folder = write_notes(tmp_path / "content", 2)
    import_at(FIRST, folder)
    edited = {CLUSTER: BANK[CLUSTER], NIGHTLY: [*reversed(BANK[NIGHTLY])]}
    write_notes(folder, 2, edited)
    import_at(LATER, folder)

    with CaptureQueriesContext(connection) as queries:
        result = sync_questions(parsed(folder))

    assert result == SyncResult()
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


def test_a_sync_that_fails_writes_nothing(tmp_path) -> None:
    folder = write_notes(tmp_path / "content", 2)
    import_at(FIRST, folder)
    write_notes(
        folder, 2, {EVENTS: [("AWS Lambda", False), ("AWS Batch", True), *BANK[EVENTS][2:]]}
    )

    def refuse(**kwargs):
        raise RuntimeError("the review app could not update the cards")

    answers_changed.connect(refuse, dispatch_uid="test_question_sync.refuse")
    try:
        with pytest.raises(RuntimeError):
            sync_questions(parsed(folder))
    finally:
        answers_changed.disconnect(dispatch_uid="test_question_sync.refuse")

    assert not Question.objects.retired().exists()
    assert choices_of(stored(1, EVENTS)) == BANK[EVENTS]
    assert Question.objects.filter(changed_at__isnull=False).count() == 0
