"""What the note parser understands of a note: plain, immutable data with no Django in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """Something wrong with a note, pointing at the line an author has to look at."""

    path: str
    line: int
    level: Level
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level}: {self.message}"


@dataclass(frozen=True)
class Fact:
    """A bullet (`Term: description`) or a row of a plain table.

    `term` is empty when the bullet has no `Term:` part. `family` names the list the fact sits
    in (its parent bullet's text, or the topic title for a top-level list): facts of one family
    are siblings such as launch types or networking modes, and make good distractors for
    each other.
    """

    term: str
    text: str
    line: int
    family: str = ""
    children: tuple[Fact, ...] = ()
    kind: Literal["bullet", "row"] = "bullet"

    @property
    def full_text(self) -> str:
        return f"{self.term}: {self.text}" if self.term else self.text


@dataclass(frozen=True)
class Rule:
    """One "condition → choice" part of an exam signal."""

    when: str
    choose: str


@dataclass(frozen=True)
class Signal:
    """An "Exam Signal" sentence, kept whole, and the rules read out of it."""

    text: str
    line: int
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A row of a "Scenario | Use <service> | Use Alternative" table.

    `fits` is True when the note's service fits the scenario (✅ / Yes), False when it does not
    (❌ / No) and None when the cell says neither. `service_option` is the rest of that cell
    (e.g. "Fargate launch type", or the reason it does not fit).
    """

    scenario: str
    fits: bool | None
    service_option: str
    alternative: str
    line: int
    topic: str = ""


@dataclass(frozen=True)
class SummaryRow:
    """A row of the summary table: a scenario keyword and the feature or option it calls for."""

    keyword: str
    option: str
    line: int


@dataclass(frozen=True)
class FocusItem:
    """An Exam Focus item: "Choose X when: …" (choose) or "Avoid X if: … → use Y" (avoid).

    `subject` is the service the lead line names (X); `alternative` is Y.
    """

    polarity: Literal["choose", "avoid"]
    text: str
    line: int
    alternative: str = ""
    subject: str = ""


@dataclass(frozen=True)
class AuthoredChoice:
    text: str
    correct: bool
    line: int


@dataclass(frozen=True)
class AuthoredQuestion:
    """A question an author wrote in the note (`### Question:` + `- [ ]` / `- [x]` options)."""

    stem: str
    choices: tuple[AuthoredChoice, ...]
    explanation: str
    line: int
    topic: str = ""


@dataclass(frozen=True)
class Topic:
    """A section of a note: its heading (numbering and emoji removed) and what it holds."""

    title: str
    line: int
    level: int
    anchor: str
    facts: tuple[Fact, ...] = ()
    signals: tuple[Signal, ...] = ()


@dataclass(frozen=True)
class ParsedNote:
    """Everything read from one note, plus the problems found while reading it."""

    path: str
    title: str
    service: str
    short_name: str
    intro: str
    text: str
    content_hash: str
    topics: tuple[Topic, ...] = ()
    decisions: tuple[Decision, ...] = ()
    summary: tuple[SummaryRow, ...] = ()
    focus: tuple[FocusItem, ...] = ()
    questions: tuple[AuthoredQuestion, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "warning")

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def signals(self) -> tuple[Signal, ...]:
        return tuple(s for t in self.topics for s in t.signals)

    @property
    def facts(self) -> tuple[Fact, ...]:
        return tuple(f for t in self.topics for f in t.facts)
