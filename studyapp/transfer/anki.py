"""Build an Anki package (.apkg) of the question bank with genanki (no database: plain data in).

One Anki note per question, in a sub-deck per study note. The note's guid comes from the
question's uid, so exporting again after an edit updates the card in Anki instead of adding
a second one, and the learner's Anki history of it stays.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import ascii_uppercase

import genanki
from django.utils.text import slugify

# Fixed once: Anki recognises the note type and the top deck by these ids on every export.
MODEL_ID = 1_718_204_871
DECK_ID = 1_718_204_903
DEFAULT_DECK = "studyapp"

FIELDS = ["Question", "Choices", "Answer", "Explanation", "Source", "Uid"]
CSS = """\
.card { font-family: system-ui, sans-serif; font-size: 18px; text-align: left; }
.choices { list-style: upper-alpha; }
.source { color: #666; font-size: 14px; }
"""

MODEL = genanki.Model(
    MODEL_ID,
    "studyapp question",
    fields=[{"name": name} for name in FIELDS],
    templates=[
        {
            "name": "Question",
            "qfmt": "{{Question}}<ol class=choices>{{Choices}}</ol>",
            "afmt": (
                "{{FrontSide}}<hr id=answer><p><b>{{Answer}}</b></p>{{Explanation}}"
                "<p class=source>{{Source}}</p>"
            ),
        }
    ],
    css=CSS,
    sort_field_index=0,
)


@dataclass(frozen=True)
class AnkiChoice:
    text: str
    correct: bool
    why_wrong: str = ""


@dataclass(frozen=True)
class AnkiQuestion:
    uid: str
    note_slug: str
    note_title: str
    topic: str
    line: int
    kind: str
    stem: str
    choices: tuple[AnkiChoice, ...]
    explanation: str


def build_package(
    questions: Iterable[AnkiQuestion], deck_name: str = DEFAULT_DECK
) -> genanki.Package:
    """A package with one sub-deck per study note ("studyapp::Amazon ECS …")."""
    decks: dict[str, genanki.Deck] = {}
    for question in questions:
        deck = decks.get(question.note_slug)
        if deck is None:
            deck = genanki.Deck(_deck_id(question.note_slug), f"{deck_name}::{question.note_title}")
            decks[question.note_slug] = deck
        deck.add_note(anki_note(question))
    return genanki.Package(list(decks.values()) or [genanki.Deck(DECK_ID, deck_name)])


def write_package(
    questions: Iterable[AnkiQuestion], path: Path, deck_name: str = DEFAULT_DECK
) -> int:
    """Write the .apkg; returns how many questions it holds."""
    questions = list(questions)
    build_package(questions, deck_name).write_to_file(str(path))
    return len(questions)


def anki_note(question: AnkiQuestion) -> genanki.Note:
    letters = _letters(question.choices)
    return genanki.Note(
        model=MODEL,
        fields=[
            escape(question.stem),
            "".join(f"<li>{escape(c.text)}</li>" for c in question.choices),
            ", ".join(f"{letter}. {escape(c.text)}" for letter, c in letters if c.correct),
            _explanation(question, letters),
            escape(f"{question.note_title} › {question.topic} (line {question.line})"),
            escape(question.uid),
        ],
        tags=tags_for(question),
        guid=genanki.guid_for(question.uid),
    )


def tags_for(question: AnkiQuestion) -> list[str]:
    """The note's slug, and note::topic; Anki tags cannot hold spaces."""
    note = slugify(question.note_slug) or "note"
    tags = [note]
    topic = slugify(question.topic)
    if topic:
        tags.append(f"{note}::{topic}")
    return tags


def _letters(choices: Sequence[AnkiChoice]) -> list[tuple[str, AnkiChoice]]:
    return [(ascii_uppercase[i % 26], choice) for i, choice in enumerate(choices)]


def _explanation(question: AnkiQuestion, letters: list[tuple[str, AnkiChoice]]) -> str:
    parts = [f"<p>{escape(question.explanation)}</p>"] if question.explanation else []
    wrong = [
        f"<li>{letter}. {escape(c.text)}: {escape(c.why_wrong)}</li>"
        for letter, c in letters
        if not c.correct and c.why_wrong
    ]
    if wrong:
        parts.append(f"<ul>{''.join(wrong)}</ul>")
    return "".join(parts)


def _deck_id(slug: str) -> int:
    # Stable per note, in the range Anki uses for ids (positive 63-bit, above the top deck).
    digest = int.from_bytes(hashlib.sha256(f"studyapp-deck:{slug}".encode()).digest()[:6], "big")
    return DECK_ID + 1 + digest
