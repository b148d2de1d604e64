"""Read public question banks and write their questions into a note (pure: no Django).

Many public AWS practice-question repositories use one format:

    ### A company needs ... Which service fits best?

    - [ ] AWS Lambda
    - [x] AWS Batch

    **[⬆ Back to Top](#table-of-contents)**

Each `###` heading is a question; `- [ ]`/`- [x]` lines are its options; a `> …` quote or an
`Explanation:` line after them is its explanation. The questions become authored questions in
the note's own markdown (`### Question: …`, see docs/authoring.md), appended under a section
of the note file: the file stays the one source of truth, git shows what was added, and
importing the same bank again adds only questions the note does not have yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from studyapp.notes.parsed import Problem

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_OPTION = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+\[(?P<mark>[ xX])\][ \t]*(?P<text>.*)$")
_EXPLANATION = re.compile(
    r"^(?:>[ \t]*)?(?:\*\*|__)?(?:explanation|answer explanation|reason)(?:\*\*|__)?"
    r"[ \t]*:[ \t]*(?:\*\*|__)?[ \t]*(?P<text>.*)$",
    re.I,
)
_QUESTION_PREFIX = re.compile(r"^(?:question|q)[ \t]*\d*[ \t]*[:.)\-–—][ \t]*", re.I)
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]*)\)")
# "**[⬆ Back to Top](#table-of-contents)**" and similar navigation between questions.
_NAVIGATION = re.compile(r"^[*_\s]*\[[^\]]*\]\(#[^)]*\)[*_\s]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass(frozen=True)
class BankQuestion:
    stem: str
    options: tuple[tuple[str, bool], ...]
    explanation: str
    line: int

    @property
    def key(self) -> str:
        """What makes two questions the same question: the stem, ignoring case and spacing."""
        return stem_key(self.stem)


@dataclass
class BankReport:
    questions: list[BankQuestion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


def stem_key(stem: str) -> str:
    return " ".join(re.findall(r"\w+", stem.casefold()))


# --- Reading a bank ---------------------------------------------------------------------------


@dataclass
class _Entry:
    line: int
    stem: list[str]
    options: list[tuple[str, bool, int]] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    ignored: list[int] = field(default_factory=list)
    in_explanation: bool = False


def parse_question_bank(text: str, path: str) -> BankReport:
    """Every well-formed question of the bank, and a problem for each malformed one."""
    report = BankReport()
    entry: _Entry | None = None
    in_fence = False
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if _FENCE.match(raw):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(raw)
        if heading:
            if entry is not None:
                _finish(entry, path, report)
                entry = None
            if len(heading.group(1)) == 3:
                entry = _Entry(number, [_QUESTION_PREFIX.sub("", heading.group(2)).strip()])
            continue
        if entry is not None:
            _feed(entry, raw, number)
    if entry is not None:
        _finish(entry, path, report)
    return report


def _feed(entry: _Entry, raw: str, number: int) -> None:
    stripped = raw.strip()
    if not stripped or _NAVIGATION.match(stripped):
        entry.in_explanation = False
        return
    option = _OPTION.match(raw)
    explanation = _EXPLANATION.match(stripped)
    if option and not entry.in_explanation:
        entry.options.append((_clean(option["text"]), option["mark"] in "xX", number))
    elif explanation and (entry.options or stripped.startswith(">")):
        entry.in_explanation = True
        entry.explanation.append(_clean(explanation["text"]))
    elif stripped.startswith(">") and entry.options:
        entry.in_explanation = True
        entry.explanation.append(_clean(stripped.lstrip("> ")))
    elif entry.in_explanation:
        entry.explanation.append(_clean(stripped))
    elif not entry.options:
        images = _IMAGE.findall(stripped)
        entry.images.extend(images)
        entry.stem.append(_clean(_IMAGE.sub("", stripped)))
    else:
        entry.ignored.append(number)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _finish(entry: _Entry, path: str, report: BankReport) -> None:
    stem = " ".join(part for part in entry.stem if part)
    problems = _entry_problems(entry, stem, path)
    report.problems.extend(problems)
    if any(p.level == "error" for p in problems):
        return
    report.questions.append(
        BankQuestion(
            stem=stem,
            options=tuple((text, correct) for text, correct, _line in entry.options),
            explanation=" ".join(part for part in entry.explanation if part),
            line=entry.line,
        )
    )


def _entry_problems(entry: _Entry, stem: str, path: str) -> list[Problem]:
    def error(message: str, line: int = entry.line) -> Problem:
        return Problem(path, line, "error", f"{message}; question skipped")

    problems: list[Problem] = []
    if not stem:
        problems.append(error("question has no text"))
    if len(entry.options) < 2:
        problems.append(error("question needs at least two '- [ ]' options"))
    elif not any(correct for _text, correct, _line in entry.options):
        problems.append(error("question marks no option correct ('- [x]')"))
    elif all(correct for _text, correct, _line in entry.options):
        problems.append(error("question marks every option correct"))
    seen: set[str] = set()
    for text, _correct, line in entry.options:
        if not text:
            problems.append(error("option has no text", line))
        elif text.casefold() in seen:
            problems.append(error(f"duplicate option {text!r}", line))
        seen.add(text.casefold())
    for image in entry.images:
        problems.append(
            Problem(
                path,
                entry.line,
                "warning",
                f"the question shows an image ({image}) that is not imported; check it still reads",
            )
        )
    for line in entry.ignored:
        problems.append(Problem(path, line, "warning", "line after the options is ignored"))
    return problems


# --- Writing into a note ----------------------------------------------------------------------


def as_note_markdown(questions: Iterable[BankQuestion]) -> str:
    """The questions in the note's authored-question syntax, one blank line between them."""
    blocks = []
    for question in questions:
        lines = [f"### Question: {question.stem}"]
        lines += [f"- [{'x' if correct else ' '}] {text}" for text, correct in question.options]
        if question.explanation:
            lines.append(f"> Explanation: {question.explanation}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def new_questions(
    questions: Sequence[BankQuestion], existing_stems: Iterable[str]
) -> list[BankQuestion]:
    """The questions whose stem is not in the note yet, each once."""
    seen = {stem_key(stem) for stem in existing_stems}
    fresh = []
    for question in questions:
        if question.key not in seen:
            seen.add(question.key)
            fresh.append(question)
    return fresh


def add_to_note(note: bytes, section: str, markdown: str) -> bytes:
    """`note` with `markdown` added at the end of section `section` (created at the end if new).

    Works on the bytes: every existing byte stays as it was (a note with damaged encoding is
    not re-encoded), and the additions use the file's own line ending.
    """
    newline = b"\r\n" if b"\r\n" in note else b"\n"
    addition = markdown.encode("utf-8").replace(b"\n", newline)
    lines = note.split(b"\n")
    start = _section_line(lines, section)
    if start is None:
        body = note.rstrip(b"\r\n")
        heading = f"## {section}".encode()
        return body + newline * 2 + heading + newline * 2 + addition + newline
    end = _section_end(lines, start)
    before = b"\n".join(lines[:end]).rstrip(b"\r\n")
    after = b"\n".join(lines[end:])
    joined = before + newline * 2 + addition + newline
    return joined + (newline + after if after.strip() else b"")


def _section_line(lines: list[bytes], section: str) -> int | None:
    wanted = section.strip().casefold()
    for index, title in _headings(lines):
        if title is not None and title.casefold() == wanted:
            return index
    return None


def _section_end(lines: list[bytes], start: int) -> int:
    """The index of the first heading after `start` that is not a question's."""
    for index, title in _headings(lines):
        if index > start and title is not None and not _QUESTION_PREFIX.match(title):
            return index
    return len(lines)


def _headings(lines: list[bytes]) -> Iterable[tuple[int, str | None]]:
    in_fence = False
    for index, raw in enumerate(lines):
        text = raw.decode("utf-8", "replace").rstrip("\r")
        if _FENCE.match(text):
            in_fence = not in_fence
            continue
        heading = None if in_fence else _HEADING.match(text)
        if heading:
            yield index, heading.group(2).strip()
