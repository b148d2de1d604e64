"""`check_notes`: what an author sees for good, damaged and broken notes, and its exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from studyapp.authoring.checks import (
    KnownServices,
    check_notes,
    encoding_problems,
    question_problems,
    repaired_bytes,
    service_problems,
)
from studyapp.notes.encoding import looks_damaged
from studyapp.notes.parser import parse_note

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEED = CONTENT / "amazon-ecs.md"

GOOD = """\
# AWS Lambda – Serverless Functions

Run code without managing servers.

## 1. Limits

* Timeout: 15 minutes at most
* Memory: 128 MB to 10 GB

**Exam Signal:** If a job runs for hours → AWS Batch; if code reacts to events → Lambda

## 2. Lambda vs Alternatives

| Scenario | Use Lambda | Use Alternative |
|---|---|---|
| Short event handlers | ✅ Functions | Amazon ECS |
| Jobs longer than 15 minutes | ❌ Time limit | AWS Batch |
"""

BROKEN = """\
# AWS Lambda – Serverless Functions

## Limits

* Timeout: 15 minutes

**Exam Signal:**

## Limits

| Scenario | Use Lambda | Use Alternative |
|---|---|---|
| Short jobs | ✅ | Amazon ECS | extra |
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def run(*args: str) -> tuple[int, str, str]:
    """check_notes in a process of its own, as a pre-commit hook or CI step runs it."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check_notes", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_DEBUG": "true"},
        timeout=120,
    )
    return result.returncode, result.stdout, result.stderr


# --- The command ---------------------------------------------------------------------------------


def test_a_good_note_passes_with_exit_code_0(tmp_path: Path) -> None:
    note = write(tmp_path, "aws-lambda.md", GOOD)

    code, out, err = run(str(note))

    assert code == 0, out + err
    assert ": error:" not in out
    assert "1 note(s) checked: 0 error(s)" in err


def test_a_broken_note_fails_with_exit_code_1_and_messages_with_lines(tmp_path: Path) -> None:
    note = write(tmp_path, "aws-lambda.md", BROKEN)

    code, out, _err = run(str(note))

    assert code == 1
    lines = out.splitlines()
    assert f"{note}:7: error: exam signal marker has no sentence after it" in lines
    assert any(line.startswith(f"{note}:9: error: duplicate section heading") for line in lines)
    assert any(line.startswith(f"{note}:13: error:") for line in lines), out


def test_the_seed_note_passes_but_is_flagged_for_its_encoding(tmp_path: Path, capsys) -> None:
    call_command("check_notes", str(SEED))

    out = capsys.readouterr().out
    assert "amazon-ecs.md:1: warning: suspicious encoding: 33 line(s) had mojibake" in out
    assert ": error:" not in out


def test_the_whole_content_folder_is_clean_of_errors(capsys) -> None:
    call_command("check_notes")  # default: settings.CONTENT_DIR

    out = capsys.readouterr().out
    assert ": error:" not in out


def test_one_broken_note_among_good_ones_fails_the_run(tmp_path: Path, capsys) -> None:
    write(tmp_path, "good.md", GOOD)
    write(tmp_path, "broken.md", BROKEN)

    with pytest.raises(CommandError) as raised:
        call_command("check_notes", str(tmp_path))

    assert raised.value.returncode == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        f"{tmp_path / 'broken.md'}:7: error: exam signal marker has no sentence after it" in lines
    )
    assert not [line for line in lines if "good.md" in line and ": error:" in line]


def test_undecodable_bytes_are_an_error_with_their_line(tmp_path: Path, capsys) -> None:
    write(tmp_path, "bad.md", GOOD.encode("utf-8") + b"\n\nbroken \xff\xfe here\n")

    with pytest.raises(CommandError):
        call_command("check_notes", str(tmp_path / "bad.md"))

    assert "bad.md:20: error: bytes 0xff 0xfe are not valid UTF-8" in capsys.readouterr().out


def test_json_lists_every_problem_for_tools(tmp_path: Path, capsys) -> None:
    write(tmp_path, "broken.md", BROKEN)

    with pytest.raises(CommandError):
        call_command("check_notes", str(tmp_path), "--json")

    document = json.loads(capsys.readouterr().out)
    assert document["errors"] >= 3
    assert document["files"] == [str(tmp_path / "broken.md")]
    assert {"path", "line", "level", "message"} <= set(document["problems"][0])
    assert {p["line"] for p in document["problems"] if p["level"] == "error"} >= {7, 9, 13}


def test_a_missing_folder_is_reported_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("check_notes", str(tmp_path / "nothing-here"))

    assert raised.value.returncode == 1


def test_it_needs_no_database(tmp_path: Path) -> None:
    # Not marked django_db: any query would fail this test.
    write(tmp_path, "aws-lambda.md", GOOD)

    call_command("check_notes", str(tmp_path))


# --- --fix-encoding ------------------------------------------------------------------------------


def test_fix_encoding_rewrites_a_damaged_copy_as_clean_utf8(tmp_path: Path, capsys) -> None:
    copy = tmp_path / "amazon-ecs.md"
    shutil.copyfile(SEED, copy)

    call_command("check_notes", str(copy), "--fix-encoding")

    fixed = copy.read_bytes().decode("utf-8")
    assert "📘 Amazon ECS" in fixed
    assert "❌" in fixed
    assert not looks_damaged(fixed.replace("\ufffd", ""))
    assert len(fixed.split("\n")) == len(SEED.read_bytes().split(b"\n"))
    out = capsys.readouterr().out
    assert f"{copy}: encoding repaired and rewritten as UTF-8" in out
    assert "suspicious encoding" not in out


def test_fix_encoding_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    copy = tmp_path / "amazon-ecs.md"
    shutil.copyfile(SEED, copy)
    call_command("check_notes", str(copy), "--fix-encoding")
    once = copy.read_bytes()

    call_command("check_notes", str(copy), "--fix-encoding")

    assert copy.read_bytes() == once


def test_fix_encoding_never_touches_good_files(tmp_path: Path) -> None:
    good = write(tmp_path, "aws-lambda.md", GOOD.replace("\n", "\r\n"))
    before, mtime = good.read_bytes(), good.stat().st_mtime_ns

    call_command("check_notes", str(tmp_path), "--fix-encoding")

    assert good.read_bytes() == before
    assert good.stat().st_mtime_ns == mtime


def test_without_the_flag_a_damaged_file_is_only_reported(tmp_path: Path) -> None:
    copy = tmp_path / "amazon-ecs.md"
    shutil.copyfile(SEED, copy)

    call_command("check_notes", str(copy))

    assert copy.read_bytes() == SEED.read_bytes()


def test_repair_keeps_the_bom_and_crlf_line_endings() -> None:
    damaged = "# Caf\u00c3\u00a9 \u00e2\u0153\u2026 notes\r\n\r\n## Part\r\n".encode()

    repaired = repaired_bytes(b"\xef\xbb\xbf" + damaged)

    assert repaired == "\ufeff# Café ✅ notes\r\n\r\n## Part\r\n".encode()


# sha256 of ../shared/seed-notes/amazon-ecs.md, the note this project started from, damage and
# all: a clone without shared/ beside it still checks the copy in content/ against it.
SEED_SHA256 = "6dbbfd4fa5bb344622abbdc30f4e04490eac32bc8679b68ca95dffd9c7529658"


def test_the_seed_note_in_this_repository_stays_byte_identical() -> None:
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256
    shared = ROOT.parent / "shared" / "seed-notes" / "amazon-ecs.md"
    if shared.exists():
        assert SEED.read_bytes() == shared.read_bytes()


# --- The checks, without the command --------------------------------------------------------------


def test_a_misspelled_service_in_a_choice_is_flagged_with_a_suggestion() -> None:
    note = parse_note(GOOD.replace("→ AWS Batch", "→ AWS Bacth"), "n.md")

    problems = service_problems(note, KnownServices.from_notes([note]))

    assert [str(p) for p in problems] == [
        "n.md:10: warning: unknown service name 'AWS Bacth' (did you mean 'AWS Batch'?)"
    ]


def test_an_alternative_that_names_no_service_is_flagged() -> None:
    note = parse_note(GOOD.replace("| Amazon ECS |", "| Lamda-ish thing |"), "n.md")

    problems = service_problems(note, KnownServices.from_notes([note]))

    assert [str(p) for p in problems] == [
        "n.md:16: warning: decision alternative 'Lamda-ish thing' names no known service"
    ]


def test_services_known_from_other_notes_are_accepted() -> None:
    other = parse_note("# Amazon Foo – A Made-up Service\n\n## Basics\n\n* Foo: bar\n", "foo.md")
    note = parse_note(GOOD.replace("| Amazon ECS |", "| Amazon Foo |"), "n.md")

    assert service_problems(note, KnownServices.from_notes([note, other])) == []


def test_the_content_notes_name_only_known_services() -> None:
    notes = [parse_note(p.read_bytes(), str(p)) for p in sorted(CONTENT.glob("*.md"))]
    known = KnownServices.from_notes(notes)

    assert [str(p) for n in notes for p in service_problems(n, known)] == []


def test_the_same_scenario_answered_twice_is_ambiguous() -> None:
    text = GOOD + "| Short event handlers | ❌ Too short | AWS Batch |\n"

    problems = check_notes([parse_note(text, "n.md")])

    assert any(
        str(p) == "n.md:18: warning: ambiguous decision row: scenario 'Short event handlers' "
        "is answered differently on line 16"
        for p in problems
    )


def test_a_scenario_both_notes_claim_is_ambiguous() -> None:
    lam = parse_note(GOOD, "aws-lambda.md")
    ecs_text = (
        "# Amazon ECS – Containers\n\n## ECS vs Alternatives\n\n"
        "| Scenario | Use ECS | Use Alternative |\n|---|---|---|\n"
        "| Short event handlers | ✅ Tasks | AWS Lambda |\n"
    )
    ecs = parse_note(ecs_text, "amazon-ecs.md")

    problems = [p for p in check_notes([lam, ecs]) if "ambiguous" in p.message]

    assert [str(p) for p in problems] == [
        "amazon-ecs.md:7: warning: ambiguous decision row: Lambda also fits "
        "'Short event handlers' (aws-lambda.md:16)"
    ]


def test_a_signal_with_no_choice_and_an_undecided_row_are_reported() -> None:
    text = GOOD.replace(
        "If a job runs for hours → AWS Batch; if code reacts to events → Lambda",
        "Lambda is popular.",
    )
    text = text.replace("| ✅ Functions |", "| maybe |")

    messages = [str(p) for p in check_notes([parse_note(text, "n.md")])]

    assert "n.md:10: warning: exam signal names no choice (no 'condition → choice')" in messages
    assert any(
        m.startswith("n.md:16: warning: decision row 'Short event handlers' does not say")
        for m in messages
    )


def test_an_authored_question_with_three_choices_is_too_few() -> None:
    text = GOOD + (
        "\n## Practice\n\n### Question: Which service runs a 6-hour job?\n"
        "- [ ] AWS Lambda\n- [x] AWS Batch\n- [ ] Amazon ECS\n"
    )
    note = parse_note(text, "n.md")

    problems = question_problems([note])

    assert any(p.line == 21 and "question has 3 distinct choices" in p.message for p in problems), (
        problems
    )


def test_a_source_the_generator_cannot_ask_about_is_reported() -> None:
    # Alone, this note's signals have no other services to draw wrong choices from.
    note = parse_note(GOOD, "aws-lambda.md")

    problems = question_problems([note])

    assert any(p.line == 10 and "gives no question" in p.message for p in problems), problems


def test_the_encoding_warning_points_at_the_first_damaged_line() -> None:
    data = "# Title\n\nclean line\nCaf\u00c3\u00a9 here\n".encode()

    assert [str(p) for p in encoding_problems("n.md", data)] == [
        "n.md:4: warning: suspicious encoding: 1 line(s) had mojibake, repaired on read "
        "(check_notes --fix-encoding rewrites the file)"
    ]
    assert encoding_problems("n.md", GOOD.encode()) == []
