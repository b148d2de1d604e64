"""Property tests: whatever text or bytes it is fed, the parser answers and never raises."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from studyapp.notes import parser
from studyapp.notes.parsed import ParsedNote
from studyapp.notes.parser import parse_note, split_cells, strip_markdown

# 300 examples per property on every run; a long shake-out run sets more, e.g.
# `PARSER_PROPERTY_EXAMPLES=5000 pytest tests/test_parser_properties.py`.
EXAMPLES = int(os.environ.get("PARSER_PROPERTY_EXAMPLES", "300"))


# Lines end in LF, CRLF or a lone CR, as the importer and the renderer count them; other
# Unicode line separators (U+2028, NEL, form feed) do not start a new line.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_count(data: str | bytes) -> int:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return len(_LINE_BREAK.split(text))


def assert_answers_sanely(note: object, data: str | bytes) -> None:
    assert isinstance(note, ParsedNote)
    last = line_count(data)
    for problem in note.problems:
        assert 1 <= problem.line <= last, (problem, last)
        assert problem.level in ("error", "warning")
    for item in _every_item(note):
        assert 1 <= item.line <= last, (item, last)


def _every_item(note: ParsedNote):
    def facts(items):
        for fact in items:
            yield fact
            yield from facts(fact.children)

    for topic in note.topics:
        yield topic
        yield from facts(topic.facts)
        yield from topic.signals
    yield from note.decisions
    yield from note.summary
    yield from note.focus
    for question in note.questions:
        yield question
        yield from question.choices


# --- (a) Arbitrary input -------------------------------------------------------------------


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_answers_sanely(parse_note(text, "any.md"), text)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.binary())
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    assert_answers_sanely(parse_note(data, "any.md"), data)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(alphabet="#*-+|>:`~[]x \t\n\r→=1.📌✅❌ExamSignalTipQuestion"))
def test_text_made_of_markdown_punctuation_never_raises(text: str) -> None:
    assert_answers_sanely(parse_note(text, "any.md"), text)


# --- (b) Markdown-like documents -----------------------------------------------------------

WORDS = ["ECS", "Fargate", "Lambda", "task", "cluster", "scaling", "network", "IAM", "ALB", "VPC"]
EMOJI = ["", "📘 ", "✅ ", "🧠 ", "📚 ", "⚙️ "]
ARROWS = ["→", "->", "=>"]
MARKERS = [
    "**📌 Exam Signal:**",
    "📌 **Exam Signal:**",
    "**Exam Signal**:",
    "Exam Signal:",
    "**💡 Exam Tip:**",
    "> **📌 Exam Signal:**",
]

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
noise = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
phrase = st.one_of(words, words.map(lambda w: f"**{w}**"), words.map(lambda w: f"`{w}`"), noise)


@st.composite
def headings(draw) -> str:
    level = draw(st.integers(1, 6))
    number = draw(st.sampled_from(["", "1. ", "2.3 ", "IV. "]))
    return f"{'#' * level} {draw(st.sampled_from(EMOJI))}{number}{draw(phrase)}"


@st.composite
def bullets(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        indent = " " * draw(st.integers(0, 8))
        marker = draw(st.sampled_from(["*", "-", "+", "1.", "2)"]))
        text = draw(st.one_of(phrase, st.tuples(phrase, phrase).map(": ".join)))
        lines.append(f"{indent}{marker} {text}")
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines)


@st.composite
def tables(draw) -> str:
    width = draw(st.integers(1, 4))
    pipes = draw(st.booleans())

    def row(cells: list[str]) -> str:
        body = " | ".join(cells)
        return f"| {body} |" if pipes else body

    header = draw(
        st.lists(
            st.sampled_from(["Scenario", "Use ECS", "Use Alternative", "Keyword", "Option", "X"]),
            min_size=width,
            max_size=width,
        )
    )
    separator_width = draw(st.sampled_from([width, width, max(1, width - 1), width + 1]))
    lines = [row(header), row(["---"] * separator_width)]
    for _ in range(draw(st.integers(0, 4))):
        count = draw(st.sampled_from([width, width, width + 1, max(1, width - 1)]))
        cell = st.one_of(phrase, st.sampled_from(["✅", "❌ No", "Yes", "", "✅ Fargate"]))
        lines.append(row(draw(st.lists(cell, min_size=count, max_size=count))))
    return "\n".join(lines)


@st.composite
def signals(draw) -> str:
    marker = draw(st.sampled_from(MARKERS))
    sentence = draw(
        st.one_of(
            st.just(""),
            phrase,
            st.tuples(phrase, st.sampled_from(ARROWS), phrase).map(" ".join),
        )
    )
    separator = draw(st.sampled_from([" ", "\n"]))
    return f"{marker}{separator}{sentence}"


@st.composite
def questions(draw) -> str:
    lines = [f"### Question: {draw(phrase)}"]
    for _ in range(draw(st.integers(0, 4))):
        mark = draw(st.sampled_from([" ", "x", "X"]))
        lines.append(f"{draw(st.sampled_from(['-', '*']))} [{mark}] {draw(phrase)}")
    if draw(st.booleans()):
        lines.append(f"> Explanation: {draw(phrase)}")
    return "\n".join(lines)


@st.composite
def code_fences(draw) -> str:
    fence = draw(st.sampled_from(["```", "~~~", "````"]))
    inside = draw(st.lists(st.sampled_from(["| a | b |", "* bullet", "# heading", "Exam Signal:"])))
    closing = [fence] if draw(st.booleans()) else []
    return "\n".join([fence + draw(st.sampled_from(["", "bash"])), *inside, *closing])


blocks = st.one_of(
    headings(),
    bullets(),
    tables(),
    signals(),
    questions(),
    code_fences(),
    phrase,
    st.just(""),
    st.just("---"),
    st.just("<!-- a comment"),
)


@st.composite
def markdown_documents(draw) -> str:
    parts = draw(st.lists(blocks, max_size=15))
    text = "\n\n".join(parts) if draw(st.booleans()) else "\n".join(parts)
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


@settings(max_examples=EXAMPLES, deadline=None)
@given(markdown_documents(), st.booleans())
def test_markdown_like_documents_never_raise(text: str, as_bytes: bool) -> None:
    data: str | bytes = text.encode("utf-8") if as_bytes else text
    assert_answers_sanely(parse_note(data, "doc.md"), data)


# --- (b) Well-formed documents -------------------------------------------------------------

TITLE_WORDS = ["Deployment", "Networking", "Scaling", "Security", "Storage", "Pricing", "Limits"]
plain_words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


@st.composite
def well_formed_bullets(draw) -> str:
    lines = []
    for depth in draw(st.lists(st.integers(0, 1), min_size=1, max_size=4)):
        marker = draw(st.sampled_from(["*", "-", "+"]))
        term = draw(st.sampled_from(["", *(f"{w}: " for w in WORDS)]))
        lines.append(f"{'  ' * depth}{marker} {term}{draw(plain_words)}")
    return "\n".join(lines)


@st.composite
def well_formed_tables(draw) -> str:
    width = draw(st.integers(2, 4))
    header = ["Use Case", "Explanation", "Detail", "Note"][:width]
    rows = draw(st.lists(st.lists(plain_words, min_size=width, max_size=width), max_size=4))
    lines = [" | ".join(header), " | ".join(["---"] * width)]
    lines += [" | ".join(cells) for cells in rows]
    if draw(st.booleans()):
        lines = [f"| {line} |" for line in lines]
    return "\n".join(lines)


@st.composite
def well_formed_signals(draw) -> str:
    marker = draw(st.sampled_from(MARKERS))
    rules = draw(
        st.lists(
            st.tuples(plain_words, st.sampled_from(ARROWS), plain_words).map(" ".join),
            min_size=1,
            max_size=3,
        )
    )
    return f"{marker}{draw(st.sampled_from([' ', chr(10)]))}If {'; if '.join(rules)}."


@st.composite
def well_formed_notes(draw) -> tuple[str, int]:
    titles = draw(st.lists(st.sampled_from(TITLE_WORDS), min_size=1, max_size=7, unique=True))
    parts = [f"# {draw(st.sampled_from(EMOJI))}Amazon ECS – Containers", "", draw(plain_words)]
    for number, title in enumerate(titles, 1):
        level = draw(st.integers(1, 3)) if number > 1 else 2
        decoration = draw(st.sampled_from(["", "✅ ", f"{number}. ", f"✅ {number}. "]))
        parts += ["", f"{'#' * level} {decoration}{title}"]
        body = draw(
            st.lists(
                st.one_of(well_formed_bullets(), well_formed_tables(), well_formed_signals()),
                max_size=4,
            )
        )
        for block in body:
            parts += ["", block]
    text = "\n".join(parts) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text, len(titles)


@settings(max_examples=EXAMPLES, deadline=None)
@given(well_formed_notes(), st.booleans())
def test_well_formed_notes_have_no_errors_and_one_topic_per_section(
    generated: tuple[str, int], as_bytes: bool
) -> None:
    text, sections = generated
    note = parse_note(text.encode("utf-8") if as_bytes else text, "good.md")
    assert note.errors == (), [str(p) for p in note.errors]
    assert len(note.topics) == sections
    assert note.title.endswith("Amazon ECS – Containers")
    assert all(signal.rules for signal in note.signals)


# --- The same note however it arrives ------------------------------------------------------


def _understood(note: ParsedNote) -> tuple:
    """Everything the parser read, without the raw text and hash that differ by input form."""
    return (
        note.title,
        note.intro,
        note.topics,
        note.decisions,
        note.summary,
        note.focus,
        note.questions,
        note.problems,
    )


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(markdown_documents(), st.text()))
def test_text_and_its_utf8_bytes_read_the_same(text: str) -> None:
    assert _understood(parse_note(text, "a.md")) == _understood(
        parse_note(text.encode("utf-8"), "a.md")
    )


@settings(max_examples=EXAMPLES, deadline=None)
@given(markdown_documents())
def test_crlf_and_lf_read_the_same(text: str) -> None:
    lf = _LINE_BREAK.sub("\n", text)
    assert _understood(parse_note(lf, "a.md")) == _understood(
        parse_note(lf.replace("\n", "\r\n"), "a.md")
    )


# --- Real notes, damaged at random ---------------------------------------------------------

CONTENT = Path(__file__).resolve().parent.parent / "content"
REAL_NOTES = sorted(p.read_bytes() for p in CONTENT.glob("*.md"))


@st.composite
def edited_real_notes(draw) -> bytes:
    """A note from content/ with lines deleted, repeated, cut short, or spliced with noise."""
    lines = draw(st.sampled_from(REAL_NOTES)).split(b"\n")
    for _ in range(draw(st.integers(1, 12))):
        at = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "repeat", "cut", "splice", "indent"]))
        if edit == "delete" and len(lines) > 1:
            del lines[at]
        elif edit == "repeat":
            lines.insert(at, lines[at])
        elif edit == "cut":
            lines[at] = lines[at][: draw(st.integers(0, max(0, len(lines[at]) - 1)))]
        elif edit == "splice":
            lines[at] = lines[at] + draw(st.binary(max_size=8))
        else:
            lines[at] = b" " * draw(st.integers(1, 6)) + lines[at]
    return b"\n".join(lines)


@settings(max_examples=EXAMPLES, deadline=None)
@given(edited_real_notes())
def test_real_notes_damaged_at_random_never_raise(data: bytes) -> None:
    assert_answers_sanely(parse_note(data, "edited.md"), data)


# --- Long lines are read in linear time -----------------------------------------------------
# Each of these took from a minute to hours before its pattern was fixed (nested quantifiers
# backtracking over the same characters); now each takes milliseconds.

_SECTION = "# Amazon ECS\n\n## Section\n\n"
PATHOLOGICAL = {
    "heading-with-trailing-spaces": "# a" + " " * 20_000 + "x",
    "bold-term-then-spaces": _SECTION + "* **a" + " " * 20_000 + "b",
    "punctuation-before-exam": _SECTION + "!" * 20_000 + " exam",
    "unclosed-emphasis": _SECTION + "* " + "*a " * 20_000,
    "unclosed-underscores": _SECTION + "* " + " __a" * 20_000,
    "unclosed-links": _SECTION + "* " + "[a](" * 20_000,
    "unclosed-autolinks": _SECTION + "* " + "<http:" * 20_000,
    "commas-without-a-verb": _SECTION + "Exam Signal: if " + "a, " * 20_000,
    "many-lines-under-a-bullet": _SECTION + "* a\n" + "  more\n" * 20_000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_lines_are_read_in_linear_time(text: str) -> None:
    start = time.perf_counter()
    assert_answers_sanely(parse_note(text, "long.md"), text)
    assert time.perf_counter() - start < 2


# --- (e) Shortcuts for plain text read it as the full reading does -------------------------


def strip_the_long_way(text: str) -> str:
    """strip_markdown with its shortcut for text without markup characters turned off."""
    with mock.patch.object(parser, "_MARKUP_CHAR", re.compile("")):
        return strip_markdown(text)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="ab \t\n`\\<>[]()!*_~\U000f0000\U000f002a")))
@example("a __b__ c")
@example("**a** *b*")
@example("`a`")
@example("a \\! b")
@example("a<br>b")
@example("[a](b)")
@example("<https://a.b>")
@example("\U000f002aa\U000f002a")
def test_text_strips_the_same_with_or_without_the_shortcut(text: str) -> None:
    assert strip_markdown(text) == strip_the_long_way(text)


def cells_read_one_character_at_a_time(row: str) -> list[str]:
    """split_cells as it reads rows that hold code spans or escaped pipes."""
    body = row.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    last_backtick = body.rfind("`")
    cells, current, in_code, i = [], [], False, 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body) and body[i + 1] == "|":
            current.append("|")
            i += 2
            continue
        if char == "`" and (in_code or i < last_backtick):
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        i += 1
    cells.append("".join(current).strip())
    return cells


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(alphabet="ab |\t\\`:-"))
def test_table_rows_split_as_read_one_character_at_a_time(row: str) -> None:
    assert split_cells(row) == cells_read_one_character_at_a_time(row)
