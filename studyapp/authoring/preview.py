"""What the app would understand of one note, computed without saving anything (pure).

The preview page shows it to an author: the note as the parser reads it, the questions the
generator would ask (with the other notes as the source of wrong choices, as on import), every
problem with its line, and the HTML the note page would show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from studyapp.authoring.checks import check_notes
from studyapp.notes.parsed import AuthoredQuestion, ParsedNote, Problem
from studyapp.notes.parser import parse_note
from studyapp.notes.rendering import render_note, topic_anchors
from studyapp.questions.generator import GeneratedQuestion, generate_questions, note_slug


@dataclass(frozen=True)
class Preview:
    note: ParsedNote
    problems: tuple[Problem, ...]
    generated: tuple[GeneratedQuestion, ...]
    authored: tuple[AuthoredQuestion, ...]
    html: str

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def build_preview(source: bytes | str, path: str, others: Sequence[ParsedNote] = ()) -> Preview:
    """Parse `source` as the note at `path`, next to the other notes of the app.

    An other note with the same slug or the same service is the stored version of the note
    being edited, and is left out so that it neither duplicates nor contradicts it.
    """
    note = parse_note(source, path)
    slug = note_slug(path)
    service = note.service.casefold()
    peers = [
        other
        for other in others
        if note_slug(other.path) != slug and not (service and other.service.casefold() == service)
    ]
    everything = generate_questions([note, *peers])
    sources = {path: source} if isinstance(source, bytes) else None
    problems = [
        p
        for p in check_notes([note, *peers], sources=sources, generated=everything)
        if p.path == path
    ]
    return Preview(
        note=note,
        problems=tuple(problems),
        generated=tuple(q for q in everything if q.note_slug == slug and q.kind != "authored"),
        authored=note.questions,
        html=_render(note),
    )


def _render(note: ParsedNote) -> str:
    if not note.text:
        return ""
    anchors = topic_anchors(note.topics)
    return render_note(
        note.text,
        anchors={t.line: a for t, a in zip(note.topics, anchors, strict=True)},
        signal_lines=[s.line for s in note.signals],
    )
