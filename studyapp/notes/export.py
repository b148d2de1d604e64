"""What the app understood of notes, as one JSON-ready document (pure: no Django).

`import_notes --dry-run --json` prints it so that authors and CI can see exactly what was read.
Keys listed in issue #2 stay; more may be added (the question bank adds "questions" per note).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from studyapp.notes.parsed import Fact, ParsedNote, Problem, Signal, Topic


def export_document(notes: Iterable[ParsedNote], problems: Iterable[Problem]) -> dict[str, Any]:
    """`{"notes": [...], "problems": [...]}` for the given parsed notes and run problems."""
    return {
        "notes": [note_dict(note) for note in notes],
        "problems": [problem_dict(problem) for problem in problems],
    }


def note_dict(note: ParsedNote) -> dict[str, Any]:
    return {
        "path": note.path,
        "valid": note.is_valid,
        "title": note.title,
        "service": note.service,
        "short_name": note.short_name,
        "intro": note.intro,
        "topics": [_topic(topic) for topic in note.topics],
        "decisions": [
            {
                "scenario": d.scenario,
                "fits": d.fits,
                "service_option": d.service_option,
                "alternative": d.alternative,
                "line": d.line,
                "topic": d.topic,
            }
            for d in note.decisions
        ],
        "summary": [
            {"keyword": r.keyword, "option": r.option, "line": r.line} for r in note.summary
        ],
        "focus": [
            {
                "polarity": f.polarity,
                "subject": f.subject,
                "text": f.text,
                "alternative": f.alternative,
                "line": f.line,
            }
            for f in note.focus
        ],
    }


def problem_dict(problem: Problem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "level": problem.level,
        "message": problem.message,
    }


def _topic(topic: Topic) -> dict[str, Any]:
    return {
        "title": topic.title,
        "line": topic.line,
        "level": topic.level,
        "anchor": topic.anchor,
        "facts": [_fact(fact) for fact in topic.facts],
        "signals": [_signal(signal) for signal in topic.signals],
    }


def _fact(fact: Fact) -> dict[str, Any]:
    return {
        "term": fact.term,
        "text": fact.text,
        "line": fact.line,
        "family": fact.family,
        "kind": fact.kind,
        "children": [_fact(child) for child in fact.children],
    }


def _signal(signal: Signal) -> dict[str, Any]:
    return {
        "text": signal.text,
        "line": signal.line,
        "rules": [{"when": rule.when, "choose": rule.choose} for rule in signal.rules],
    }
