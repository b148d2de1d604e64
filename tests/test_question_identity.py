"""Questions keep their ids across edits of their notes; answers that change are flagged."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyapp.notes.importer import import_paths
from studyapp.notes.models import Note
from studyapp.questions.models import Choice, Question
from studyapp.questions.sync import SyncResult, dry_run_questions, preview_uids, sync_questions

pytestmark = pytest.mark.django_db

SIMPLE_FUNCTIONS = (
    "| Simple event-driven functions | ❌ Not ideal            | Lambda                    |"
)
MANAGED_KUBERNETES = (
    "| Managed Kubernetes cluster | ❌ ECS is not Kubernetes  | EKS                       |"
)


def _import(folder: Path) -> None:
    report = import_paths([folder])
    assert not report.failed, report.problems


def _ecs(folder: Path) -> Path:
    return folder / "amazon-ecs.md"


def _edit(folder: Path, old: str, new: str) -> None:
    """Edit the ECS note as an author would: in its repaired (UTF-8) text."""
    path = _ecs(folder)
    text = Note.objects.get(slug="amazon-ecs").source_text
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _question(phrase: str, kind: str = "decision") -> Question:
    return Question.objects.get(note__slug="amazon-ecs", kind=kind, stem__icontains=phrase)


def test_an_import_fills_the_question_bank(notes_dir):
    _import(notes_dir)
    assert Question.objects.filter(note__slug="amazon-ecs").count() >= 20
    question = _question("simple event-driven functions")
    assert question.uid.startswith("q_")
    assert question.topic.title == "ECS vs Alternatives"
    assert [c.text for c in question.choices.all() if c.correct] == ["AWS Lambda"]
    assert Choice.objects.filter(question=question).count() == 4


def test_a_typo_fixed_in_the_scenario_keeps_the_id(notes_dir):
    _import(notes_dir)
    _edit(notes_dir, "Simple event-driven functions", "Simple event-drivn functions")
    before = _question("simple event-driven functions").uid
    _import(notes_dir)
    after = _question("simple event-drivn functions")
    assert after.uid == before
    assert after.retired_at is None and after.changed_at is None


def test_a_reworded_scenario_keeps_the_id(notes_dir):
    _import(notes_dir)
    before = _question("managed Kubernetes cluster.").uid
    _edit(notes_dir, "Managed Kubernetes cluster", "Managed Kubernetes clusters")
    _import(notes_dir)
    assert _question("managed Kubernetes clusters.").uid == before


def test_reordered_rows_keep_every_id(notes_dir):
    _import(notes_dir)
    before = dict(Question.objects.values_list("source_text", "uid"))
    _edit(
        notes_dir,
        SIMPLE_FUNCTIONS + "\n" + MANAGED_KUBERNETES,
        MANAGED_KUBERNETES + "\n" + SIMPLE_FUNCTIONS,
    )
    _import(notes_dir)
    after = dict(Question.objects.current().values_list("source_text", "uid"))
    assert after == before
    assert not Question.objects.retired().exists()


def test_a_changed_answer_keeps_the_id_and_is_flagged(notes_dir):
    _import(notes_dir)
    before = _question("simple event-driven functions")
    _edit(notes_dir, SIMPLE_FUNCTIONS, SIMPLE_FUNCTIONS.replace("| Lambda   ", "| AWS Batch"))
    _import(notes_dir)
    after = _question("simple event-driven functions")
    assert after.uid == before.uid
    assert after.changed_at is not None
    assert [c.text for c in after.choices.all() if c.correct] == ["AWS Batch"]
    assert after.answer_key != before.answer_key


def test_a_removed_row_retires_its_question_and_bringing_it_back_revives_it(notes_dir):
    _import(notes_dir)
    before = _question("simple event-driven functions")
    _edit(notes_dir, SIMPLE_FUNCTIONS + "\n", "")
    _import(notes_dir)
    retired = Question.objects.get(pk=before.pk)
    assert retired.retired_at is not None
    assert retired.uid == before.uid  # kept, never deleted

    _edit(notes_dir, MANAGED_KUBERNETES, SIMPLE_FUNCTIONS + "\n" + MANAGED_KUBERNETES)
    _import(notes_dir)
    back = Question.objects.get(pk=before.pk)
    assert back.retired_at is None and back.uid == before.uid


def test_syncing_unchanged_notes_again_writes_nothing(notes_dir):
    _import(notes_dir)
    with CaptureQueriesContext(connection) as queries:
        result = sync_questions({})  # every stored note, read again from its stored text
    assert result == SyncResult()
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


def test_the_dry_run_shows_the_ids_an_import_gives_without_writing(notes_dir):
    _import(notes_dir)
    _edit(notes_dir, "Simple event-driven functions", "Simple event-drivn functions")
    stored = set(Question.objects.values_list("uid", flat=True))
    count = Question.objects.count()

    out = io.StringIO()
    call_command("import_notes", str(notes_dir), dry_run=True, json=True, stdout=out)
    document = json.loads(out.getvalue())

    assert Question.objects.count() == count
    ecs = next(n for n in document["notes"] if n["path"].endswith("amazon-ecs.md"))
    typo = next(q for q in ecs["questions"] if "event-drivn" in q["stem"])
    assert typo["id"] in stored
    assert set(typo) >= {"id", "kind", "stem", "choices", "explanation", "line"}
    assert {"text", "correct"} <= set(typo["choices"][0])

    _import(notes_dir)
    assert _question("simple event-drivn functions").uid == typo["id"]


def test_on_an_empty_bank_the_preview_ids_are_the_question_keys(notes_dir):
    from studyapp.notes.parser import parse_note

    parsed = {p.stem: parse_note(p.read_bytes(), str(p)) for p in notes_dir.glob("*.md")}
    uids = preview_uids(parsed)
    assert uids and all(key == uid for key, uid in uids.items())
    assert not Question.objects.exists()


def test_a_broken_note_lists_no_questions_in_the_dry_run(notes_dir):
    from studyapp.notes.parser import parse_note

    broken = parse_note("no title here\n", str(notes_dir / "broken.md"))
    listed = dry_run_questions([broken])
    assert listed == {broken.path: []}


def test_authored_questions_are_stored_as_written(notes_dir):
    lambda_note = notes_dir / "aws-lambda.md"
    lambda_note.write_text(
        lambda_note.read_text(encoding="utf-8") + "\n## Practice\n\n"
        "### Question: Which TWO services run code without servers to manage?\n"
        "- [x] AWS Lambda\n- [ ] Amazon EC2\n- [x] AWS Fargate\n- [ ] Amazon EKS on EC2\n"
        "> Explanation: Lambda and Fargate are serverless.\n",
        encoding="utf-8",
    )
    _import(notes_dir)
    question = Question.objects.get(note__slug="aws-lambda", kind="authored")
    assert question.multiple and question.topic.title == "Practice"
    assert [(c.text, c.correct) for c in question.choices.all()] == [
        ("AWS Lambda", True),
        ("Amazon EC2", False),
        ("AWS Fargate", True),
        ("Amazon EKS on EC2", False),
    ]
    assert question.explanation == "Lambda and Fargate are serverless."
