"""Importing a public question bank (`### question` + `- [ ]`/`- [x]`) into a note."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from studyapp.notes.models import Note
from studyapp.notes.parser import parse_note
from studyapp.questions.models import Question
from studyapp.transfer.question_bank import (
    add_to_note,
    as_note_markdown,
    new_questions,
    parse_question_bank,
)

CONTENT = Path(__file__).resolve().parent.parent / "content"

BANK = """\
# AWS Certified Developer – Practice Questions

## Table of Contents

- [Questions](#questions)

### A company runs nightly jobs that need 6 hours each. Which service fits best?

![Question 1](images/question1.jpg)

- [ ] AWS Lambda
- [x] AWS Batch
- [ ] Amazon EKS
- [ ] Amazon Lightsail

> Explanation: Lambda stops after 15 minutes; Batch queues and runs long jobs.

**[⬆ Back to Top](#table-of-contents)**

### Which TWO services run containers without managing servers?

- [x] AWS Fargate
- [ ] Amazon EC2
- [x] AWS App Runner
- [ ] AWS Outposts
- [ ] AWS Snowball

**Explanation:** Fargate and App Runner are serverless.

### This entry forgot to mark an answer

- [ ] Amazon S3
- [ ] Amazon EFS

### Q4. This one lists an option twice

* [x] Amazon SQS
* [ ] Amazon SNS
* [ ] amazon sqs

### A question with no options at all
"""


# --- Reading a bank ------------------------------------------------------------------------------


def test_well_formed_questions_are_read_with_options_and_explanations() -> None:
    report = parse_question_bank(BANK, "bank.md")

    first, second = report.questions
    assert (
        first.stem == "A company runs nightly jobs that need 6 hours each. Which service fits best?"
    )
    assert first.options == (
        ("AWS Lambda", False),
        ("AWS Batch", True),
        ("Amazon EKS", False),
        ("Amazon Lightsail", False),
    )
    assert first.explanation == "Lambda stops after 15 minutes; Batch queues and runs long jobs."
    assert first.line == 7
    assert [text for text, correct in second.options if correct] == [
        "AWS Fargate",
        "AWS App Runner",
    ]
    assert second.explanation == "Fargate and App Runner are serverless."


def test_malformed_entries_are_reported_with_their_lines_and_skipped() -> None:
    report = parse_question_bank(BANK, "bank.md")

    assert [str(p) for p in report.errors] == [
        "bank.md:30: error: question marks no option correct ('- [x]'); question skipped",
        "bank.md:39: error: duplicate option 'amazon sqs'; question skipped",
        "bank.md:41: error: question needs at least two '- [ ]' options; question skipped",
    ]
    assert len(report.questions) == 2


def test_an_image_the_question_needs_is_a_warning() -> None:
    report = parse_question_bank(BANK, "bank.md")

    assert any(
        p.level == "warning" and p.line == 7 and "images/question1.jpg" in p.message
        for p in report.problems
    )


def test_written_questions_read_back_as_the_same_authored_questions() -> None:
    questions = parse_question_bank(BANK, "bank.md").questions
    note = (
        "# AWS Batch – Managed Batch Computing\n\n## Practice questions from bank\n\n"
        + as_note_markdown(questions)
        + "\n"
    )

    parsed = parse_note(note, "aws-batch.md")

    assert parsed.is_valid, parsed.problems
    assert [
        (q.stem, [(c.text, c.correct) for c in q.choices], q.explanation) for q in parsed.questions
    ] == [(q.stem, list(q.options), q.explanation) for q in questions]


def test_questions_the_note_has_are_not_added_again() -> None:
    questions = parse_question_bank(BANK, "bank.md").questions

    fresh = new_questions(
        questions, ["a company runs nightly jobs that need 6 hours each — which service fits best"]
    )

    assert [q.stem for q in fresh] == [
        "Which TWO services run containers without managing servers?"
    ]


# --- Writing into a note -------------------------------------------------------------------------


def test_a_new_section_is_added_at_the_end_and_every_old_byte_stays() -> None:
    seed = (CONTENT / "amazon-ecs.md").read_bytes()  # damaged encoding, on purpose

    changed = add_to_note(
        seed, "Practice questions from bank", "### Question: X?\n- [x] A\n- [ ] B"
    )

    assert changed.startswith(seed.rstrip(b"\r\n"))
    assert changed.endswith(
        b"\n\n## Practice questions from bank\n\n### Question: X?\n- [x] A\n- [ ] B\n"
    )


def test_an_existing_section_grows_before_the_next_section() -> None:
    note = (
        b"# T\r\n\r\n## Practice\r\n\r\n### Question: Old?\r\n- [x] A\r\n- [ ] B\r\n\r\n"
        b"## Later\r\n\r\n* x: y\r\n"
    )

    changed = add_to_note(note, "practice", "### Question: New?\n- [x] C\n- [ ] D")

    assert changed == (
        b"# T\r\n\r\n## Practice\r\n\r\n### Question: Old?\r\n- [x] A\r\n- [ ] B\r\n\r\n"
        b"### Question: New?\r\n- [x] C\r\n- [ ] D\r\n\r\n## Later\r\n\r\n* x: y\r\n"
    )


# --- The command ---------------------------------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    with override_settings(CONTENT_DIR=folder):
        yield folder


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "dva-c02.md"
    path.write_text(BANK, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_the_command_adds_the_questions_to_the_note_and_imports_it(
    content: Path, bank: Path, capsys
) -> None:
    before = (content / "aws-batch.md").read_bytes()

    with pytest.raises(CommandError) as raised:
        call_command("import_question_bank", str(bank), "--note", "aws-batch")

    assert raised.value.returncode == 1  # three malformed entries
    after = (content / "aws-batch.md").read_bytes()
    assert after.startswith(before.rstrip(b"\n"))
    parsed = parse_note(after, "aws-batch.md")
    assert parsed.is_valid, parsed.problems
    assert [q.topic for q in parsed.questions][-2:] == ["Practice questions from dva-c02"] * 2
    note = Note.objects.get(slug="aws-batch")
    assert "Which TWO services run containers without managing servers?" in note.source_text
    authored = Question.objects.current().filter(note=note, kind="authored")
    assert sorted(q.multiple for q in authored) == [False, True]
    captured = capsys.readouterr()
    assert "2 question(s) added to" in captured.out
    assert f"{bank}:30: error: question marks no option correct" in captured.err


@pytest.mark.django_db
def test_running_it_again_adds_nothing(content: Path, bank: Path, capsys) -> None:
    with pytest.raises(CommandError):
        call_command("import_question_bank", str(bank), "--note", "aws-batch")
    once = (content / "aws-batch.md").read_bytes()

    with pytest.raises(CommandError):
        call_command("import_question_bank", str(bank), "--note", "aws-batch")

    assert (content / "aws-batch.md").read_bytes() == once
    assert "0 question(s) to add to" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_dry_run_prints_the_questions_and_changes_nothing(
    content: Path, bank: Path, capsys
) -> None:
    before = (content / "aws-batch.md").read_bytes()

    with pytest.raises(CommandError):
        call_command("import_question_bank", str(bank), "--note", "aws-batch", "--dry-run")

    assert (content / "aws-batch.md").read_bytes() == before
    assert "### Question: Which TWO services run containers" in capsys.readouterr().out
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_an_unknown_note_is_an_error(content: Path, bank: Path) -> None:
    with pytest.raises(CommandError, match="no note file for 'nope'"):
        call_command("import_question_bank", str(bank), "--note", "nope")
