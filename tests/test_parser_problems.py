"""Broken notes: every problem is reported with the line an author has to fix, and its level."""

from __future__ import annotations

from textwrap import dedent

from studyapp.notes.parsed import ParsedNote, Problem
from studyapp.notes.parser import parse_note


def parse(text: str) -> ParsedNote:
    return parse_note(dedent(text).lstrip("\n"), "broken.md")


def errors_at(note: ParsedNote) -> list[int]:
    return [p.line for p in note.errors]


def warnings_at(note: ParsedNote) -> list[int]:
    return [p.line for p in note.warnings]


def only(problems: tuple[Problem, ...]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# --- Errors --------------------------------------------------------------------------------


def test_undecodable_bytes_are_an_error_on_their_line() -> None:
    data = b"# Amazon ECS\n\n## Models \xff\n\n* EC2: servers\n"
    note = parse_note(data, "bad.md")
    error = only(note.errors)
    assert (error.path, error.line, error.level) == ("bad.md", 3, "error")
    assert not note.is_valid


def test_undecodable_bytes_deep_in_a_long_note_point_at_their_line() -> None:
    lines = [b"# Amazon ECS", b""] + [b"* Fact %d: text" % n for n in range(40)]
    lines[30] += b" \xc3\x28"
    note = parse_note(b"\n".join(lines), "bad.md")
    assert errors_at(note) == [31]


def test_a_table_row_with_the_wrong_number_of_cells_is_an_error_on_that_row() -> None:
    note = parse("""
        # Amazon ECS

        ## Use Cases

        | Use Case | Explanation |
        | --- | --- |
        | Microservices | Easy scaling |
        | Batch | Scheduled | extra |
        | Web | ALB |
        """)
    error = only(note.errors)
    assert (error.line, error.level) == (8, "error")
    assert "3 cells" in error.message and "2" in error.message
    assert [f.term for f in note.facts] == ["Microservices", "Web"]


def test_a_row_with_too_few_cells_is_an_error_too() -> None:
    note = parse("""
        # Amazon ECS

        ## ECS vs Alternatives

        | Scenario | Use ECS | Use Alternative |
        | --- | --- | --- |
        | Containers | ✅ |
        """)
    assert errors_at(note) == [7]


def test_a_separator_with_the_wrong_number_of_cells_is_an_error() -> None:
    note = parse("""
        # Amazon ECS

        ## Use Cases

        | Use Case | Explanation |
        | --- | --- | --- |
        | Batch | Scheduled |
        """)
    assert errors_at(note) == [6]


def test_an_exam_signal_marker_with_no_sentence_is_an_error_on_the_marker() -> None:
    note = parse("""
        # Amazon ECS

        ## Models

        * EC2: servers

        **📌 Exam Signal:**

        ## Networking
        """)
    error = only(note.errors)
    assert (error.line, error.level) == (7, "error")
    assert "no sentence" in error.message


def test_a_marker_at_the_end_of_the_file_is_an_error() -> None:
    note = parse_note("# Amazon ECS\n\n## Models\n\nExam Signal:", "broken.md")
    assert errors_at(note) == [5]


def test_a_marker_followed_by_a_heading_is_an_error() -> None:
    note = parse_note("# Amazon ECS\n\n## Models\n\nExam Tip:\n## Next\n", "broken.md")
    assert errors_at(note) == [5]


def test_a_duplicate_section_heading_is_an_error_on_the_second_heading() -> None:
    note = parse("""
        # Amazon ECS

        ## ✅ 1. Networking Modes

        * Bridge: default

        ## ✅ 4. Networking Modes
        """)
    error = only(note.errors)
    assert (error.line, error.level) == (7, "error")
    assert "line 3" in error.message


def test_a_note_with_no_title_is_an_error_on_line_one() -> None:
    note = parse("""
        ## Networking Modes

        * Bridge: default
        """)
    error = only(note.errors)
    assert (error.line, error.level) == (1, "error")
    assert "title" in error.message


def test_an_empty_note_is_an_error_and_not_a_crash() -> None:
    note = parse_note(b"", "empty.md")
    assert errors_at(note) == [1]


def test_a_question_with_no_correct_choice_is_an_error() -> None:
    note = parse("""
        # Amazon ECS

        ## Launch Types

        ### Question: Which is serverless?
        - [ ] EC2
        - [ ] Fargate
        """)
    error = only(note.errors)
    assert (error.line, error.level) == (5, "error")
    assert note.questions == ()


def test_a_question_with_one_choice_is_an_error() -> None:
    note = parse("""
        # Amazon ECS

        ## Launch Types

        ### Question: Which is serverless?
        - [x] Fargate
        """)
    assert errors_at(note) == [5]


def test_a_question_with_duplicate_choices_is_an_error_on_the_repeated_choice() -> None:
    note = parse("""
        # Amazon ECS

        ## Launch Types

        ### Question: Which is serverless?
        - [x] Fargate
        - [ ] EC2
        - [ ] fargate
        """)
    error = only(note.errors)
    assert (error.line, error.level) == (8, "error")
    assert "duplicate" in error.message


def test_a_question_with_every_choice_correct_is_an_error() -> None:
    note = parse("""
        # Amazon ECS

        ## Launch Types

        ### Question: Which are launch types?
        - [x] Fargate
        - [x] EC2
        """)
    assert errors_at(note) == [5]


def test_every_problem_in_a_note_is_reported_not_just_the_first() -> None:
    note = parse("""
        ## Orphan

        | A | B |
        | --- | --- |
        | 1 | 2 | 3 |

        Exam Signal:

        ## Orphan
        """)
    assert sorted(errors_at(note)) == [1, 5, 7, 9]


def test_problems_print_as_path_line_message() -> None:
    note = parse("## Orphan\n")
    assert str(note.errors[0]).startswith("broken.md:1: error: ")


# --- Warnings: imported, but looks wrong ---------------------------------------------------


def test_a_decision_row_with_no_verdict_is_a_warning() -> None:
    note = parse("""
        # Amazon ECS

        ## ECS vs Alternatives

        | Scenario | Use ECS | Use Alternative |
        | --- | --- | --- |
        | Containers | Maybe | EKS |
        """)
    assert note.errors == ()
    warning = only(note.warnings)
    assert (warning.line, warning.level) == (7, "warning")
    assert note.decisions[0].fits is None


def test_a_signal_that_names_no_choice_is_a_warning() -> None:
    note = parse("""
        # Amazon ECS

        ## Models

        **📌 Exam Signal:**
        Containers are popular on the exam.
        """)
    assert note.errors == ()
    warning = only(note.warnings)
    assert (warning.line, warning.level) == (5, "warning")
    assert note.signals[0].rules == ()


def test_an_avoid_item_with_no_alternative_is_a_warning() -> None:
    note = parse("""
        # Amazon ECS

        ## Exam Focus

        - Avoid ECS if:
          - You want simple event-driven functions → use AWS Lambda
          - You need Kubernetes
        """)
    assert note.errors == ()
    warning = only(note.warnings)
    assert (warning.line, warning.level) == (7, "warning")
    assert [f.alternative for f in note.focus] == ["AWS Lambda", ""]


def test_a_choose_item_needs_no_alternative() -> None:
    note = parse("""
        # Amazon ECS

        ## Exam Focus

        - Choose ECS when:
          - You need Docker orchestration
        """)
    assert note.problems == ()
    assert note.focus[0].subject == "ECS"


def test_a_note_with_a_title_but_no_sections_is_a_warning() -> None:
    note = parse("# Amazon ECS\n\nJust an intro.\n")
    assert note.errors == ()
    assert warnings_at(note) == [1]
