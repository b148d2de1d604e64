"""What `check_notes` and the preview report about notes, beyond what the parser says (pure).

The parser already reports what makes a note unreadable or ambiguous on its own (undecodable
bytes, bad tables, signals with no rule, decision rows with no ✅/❌). These checks add what
needs a wider view: choices naming services nobody knows, decision rows that contradict each
other, questions the generator cannot give four distinct choices, and files whose encoding had
to be repaired. Everything is a `Problem` with the line an author has to look at.
"""

from __future__ import annotations

import codecs
import difflib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from studyapp.authoring.aws_services import SERVICE_NAMES, SERVICE_PREFIXES
from studyapp.notes.encoding import UndecodableError, decode_note, looks_damaged
from studyapp.notes.parsed import ParsedNote, Problem
from studyapp.notes.parser import strip_markdown
from studyapp.questions.generator import GeneratedQuestion, generate_questions, note_slug

MIN_DISTINCT_CHOICES = 4

_PREFIXED = re.compile(rf"^(?:{'|'.join(SERVICE_PREFIXES)})\b", re.I)
# "Amazon ECS or AWS Batch", "CodePipeline + CodeBuild + ECR", "IRSA / EKS Pod Identity".
_ALTERNATIVES_SPLIT = re.compile(r"\s+(?:or|and|\+|/|vs\.?)\s+|\s*[,;]\s*", re.I)
# The parser's own encoding warning; check_notes replaces it with one that points at a line.
_PARSER_ENCODING_WARNING = "damaged encoding (mojibake) was repaired on read"


def check_notes(
    notes: Sequence[ParsedNote],
    *,
    sources: Mapping[str, bytes] | None = None,
    generated: Sequence[GeneratedQuestion] | None = None,
) -> list[Problem]:
    """Every problem of the notes: the parser's and the authoring checks', sorted by place.

    `sources` maps a note's path to the bytes it was read from, for the encoding check;
    `generated` is `generate_questions(notes)` when the caller already has it (it is slow).
    """
    known = KnownServices.from_notes(notes)
    problems: list[Problem] = []
    for note in notes:
        data = sources.get(note.path) if sources else None
        encoding = encoding_problems(note.path, data) if data is not None else []
        problems.extend(
            p for p in note.problems if not (encoding and p.message == _PARSER_ENCODING_WARNING)
        )
        problems.extend(encoding)
        problems.extend(service_problems(note, known))
        problems.extend(decision_problems(note))
    problems.extend(conflicting_decisions(notes))
    problems.extend(question_problems(notes, generated))
    return sorted(dict.fromkeys(problems), key=_place)


def _place(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.path, problem.line, problem.level != "error", problem.message)


# --- Service names ----------------------------------------------------------------------------


class KnownServices:
    """Service names from the built-in list and from the notes, matched without case."""

    def __init__(self, names: Iterable[str]) -> None:
        self.full: dict[str, str] = {}
        self.short: set[str] = set()
        for name in names:
            name = name.strip()
            if not name:
                continue
            self.full.setdefault(name.casefold(), name)
            self.short.add(_without_prefix(name).casefold())

    @classmethod
    def from_notes(cls, notes: Iterable[ParsedNote]) -> KnownServices:
        names = list(SERVICE_NAMES)
        for note in notes:
            names.extend(n for n in (note.service, note.short_name) if n)
        return cls(names)

    def starts_with_known(self, text: str) -> bool:
        """Whether `text` ("Amazon EKS with managed node groups") begins with a known name."""
        folded = text.casefold()
        return any(folded == n or folded.startswith(n + " ") for n in self.full)

    def mentions_known(self, text: str) -> bool:
        """Whether any known name, full or short, appears in `text` as whole words."""
        folded = f" {_words(text)} "
        return any(f" {_words(n)} " in folded for n in (*self.full, *self.short))

    def closest(self, text: str) -> str | None:
        matches = difflib.get_close_matches(text.casefold(), list(self.full), n=1, cutoff=0.75)
        return self.full[matches[0]] if matches else None


def _without_prefix(name: str) -> str:
    return _PREFIXED.sub("", name).strip() or name


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w@]+(?:[.-][\w@]+)*", text.casefold()))


def service_problems(note: ParsedNote, known: KnownServices) -> list[Problem]:
    """Choices and alternatives that name no known service.

    A part of a choice that starts with "Amazon"/"AWS" claims to be a service and must begin
    with a known name; a decision alternative or "→ use X" is a service by its place, so it
    must mention one. Other rule choices are features ("Karpenter") and are not checked.
    """
    problems = []
    for signal in note.signals:
        for rule in signal.rules:
            problems.extend(_prefixed_parts(note.path, signal.line, rule.choose, known))
    places = [(d.line, d.alternative, "decision alternative") for d in note.decisions]
    places += [(f.line, f.alternative, "'→ use' alternative") for f in note.focus]
    for line, alternative, what in places:
        if not alternative:
            continue  # the parser already warns about a missing alternative
        found = _prefixed_parts(note.path, line, alternative, known)
        if not found and not known.mentions_known(alternative):
            found = [
                Problem(
                    note.path, line, "warning", f"{what} {alternative!r} names no known service"
                )
            ]
        problems.extend(found)
    return problems


def _prefixed_parts(path: str, line: int, text: str, known: KnownServices) -> list[Problem]:
    problems = []
    for part in _ALTERNATIVES_SPLIT.split(strip_markdown(text)):
        part = part.strip(" .()")
        if not _PREFIXED.match(part) or known.starts_with_known(part):
            continue
        message = f"unknown service name {part!r}"
        closest = known.closest(part)
        if closest:
            message += f" (did you mean {closest!r}?)"
        problems.append(Problem(path, line, "warning", message))
    return problems


# --- Decision rows ----------------------------------------------------------------------------


def decision_problems(note: ParsedNote) -> list[Problem]:
    """Rows of one note that give the same scenario two different answers."""
    problems = []
    first: dict[str, tuple[int, tuple[object, str]]] = {}
    for row in note.decisions:
        key = _scenario_key(row.scenario)
        answer = (row.fits, row.alternative.casefold())
        if key not in first:
            first[key] = (row.line, answer)
        elif first[key][1] != answer:
            problems.append(
                Problem(
                    note.path,
                    row.line,
                    "warning",
                    f"ambiguous decision row: scenario {row.scenario!r} is answered "
                    f"differently on line {first[key][0]}",
                )
            )
    return problems


def conflicting_decisions(notes: Sequence[ParsedNote]) -> list[Problem]:
    """The same scenario marked ✅ in two notes: a generated question would have two answers."""
    claimed: dict[str, tuple[ParsedNote, int]] = {}
    problems = []
    for note in notes:
        for row in note.decisions:
            if not row.fits:
                continue
            key = _scenario_key(row.scenario)
            other = claimed.get(key)
            if other is None:
                claimed[key] = (note, row.line)
            elif other[0].path != note.path:
                problems.append(
                    Problem(
                        note.path,
                        row.line,
                        "warning",
                        f"ambiguous decision row: {other[0].short_name or other[0].path} also "
                        f"fits {row.scenario!r} ({other[0].path}:{other[1]})",
                    )
                )
    return problems


def _scenario_key(scenario: str) -> str:
    return _words(strip_markdown(scenario))


# --- Encoding ---------------------------------------------------------------------------------


def encoding_problems(path: str, data: bytes) -> list[Problem]:
    """A warning at the first line that needed mojibake repair, if any did."""
    try:
        decoded = decode_note(data)
    except UndecodableError:
        return []  # the parser reports the bad bytes with their line
    if not decoded.repaired:
        return []
    pairs = zip(_decode_plain(data).split("\n"), decoded.text.split("\n"), strict=False)
    damaged = [n for n, (before, after) in enumerate(pairs, 1) if before != after]
    first = damaged[0] if damaged else 1
    message = (
        f"suspicious encoding: {len(damaged) or 'some'} line(s) had mojibake, repaired on read "
        "(check_notes --fix-encoding rewrites the file)"
    )
    problems = [Problem(path, first, "warning", message)]
    if looks_damaged(decoded.text):
        line = next(n for n, text in enumerate(decoded.text.split("\n"), 1) if looks_damaged(text))
        if line != first:
            problems.append(Problem(path, line, "warning", "text still looks damaged here"))
    return problems


def repaired_bytes(data: bytes) -> bytes | None:
    """The file repaired, as UTF-8 with its BOM and line endings kept; None if nothing to fix.

    Undecodable files are left alone: which bytes were meant cannot be known.
    """
    try:
        decoded = decode_note(data)
    except UndecodableError:
        return None
    if not decoded.repaired:
        return None
    newline = "\r\n" if b"\r\n" in data else "\n"
    text = decoded.text.replace("\n", newline)
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    return bom + text.encode("utf-8")


def _decode_plain(data: bytes) -> str:
    text = data.decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


# --- Questions --------------------------------------------------------------------------------


def question_problems(
    notes: Sequence[ParsedNote], generated: Sequence[GeneratedQuestion] | None = None
) -> list[Problem]:
    """Questions with fewer than four distinct choices: authored ones, and generated sources.

    The generator drops a source it cannot give enough distinct wrong choices (or whose answer
    shows in the prompt) instead of asking a weak question; an author wants to know which.
    """
    problems = [
        _few_choices(note.path, q.line, len({c.text.casefold() for c in q.choices}))
        for note in notes
        for q in note.questions
        if len({c.text.casefold() for c in q.choices}) < MIN_DISTINCT_CHOICES
    ]
    if generated is None:
        generated = generate_questions(notes)
    asked: Counter[tuple[str, str, int]] = Counter()
    for question in (q for q in generated if q.kind != "authored"):
        asked[question.note_slug, question.kind, question.line] += 1
        distinct = len({c.text.casefold() for c in question.choices})
        if distinct < MIN_DISTINCT_CHOICES:
            path = next(n.path for n in notes if note_slug(n.path) == question.note_slug)
            problems.append(_few_choices(path, question.line, distinct))
    for note in notes:
        if not note.is_valid:
            continue  # the generator skips invalid notes; their errors come first
        slug = note_slug(note.path)
        for kind, line, expected, what in _question_sources(note):
            if asked[slug, kind, line] < expected:
                problems.append(
                    Problem(
                        note.path,
                        line,
                        "warning",
                        f"{what} gives no question: fewer than {MIN_DISTINCT_CHOICES} distinct "
                        "choices could be found for it, or its answer appears in the prompt",
                    )
                )
    return problems


def _few_choices(path: str, line: int, distinct: int) -> Problem:
    return Problem(
        path,
        line,
        "warning",
        f"question has {distinct} distinct choices; exam questions have at least "
        f"{MIN_DISTINCT_CHOICES}",
    )


def _question_sources(note: ParsedNote) -> Iterable[tuple[str, int, int, str]]:
    """(kind, line, questions expected, what to call it) for each item that should ask one."""
    for row in note.decisions:
        if row.fits is not None and row.alternative:
            yield "decision", row.line, 1, "decision row"
    for signal in note.signals:
        if signal.rules:
            what = "exam signal" if len(signal.rules) == 1 else "a rule of this exam signal"
            yield "signal", signal.line, len(signal.rules), what
    for row in note.summary:
        yield "summary", row.line, 1, "summary row"
    for item in note.focus:
        if item.polarity == "choose" or item.alternative:
            yield "focus", item.line, 1, "Exam Focus item"
