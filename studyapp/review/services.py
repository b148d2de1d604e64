"""The study loop: which question comes next, and recording each answer exactly once.

Every function here runs a fixed number of queries whatever the size of the learner's history:
selection and counting happen in the database (subqueries on indexed columns), never in Python
loops over cards or logs.

An answer goes through one-time tokens. Showing a question signs a token (learner, question,
the card's `reps` when shown, a nonce). Answering turns it into a signed ticket (the token plus
the choices picked): a wrong answer is recorded at once as Again, a right one waits for the
learner's grade. The review log row keeps the token's nonce (unique), so the same ticket
submitted twice finds the first row and shows the same feedback instead of recording again;
a token whose card has moved on since (another tab answered it) is shown feedback only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from studyapp import sql
from studyapp.links import reverse_once
from studyapp.questions.generator import shuffle_for
from studyapp.questions.models import Choice, Question
from studyapp.questions.version import VersionedCache
from studyapp.review import queries, scheduling
from studyapp.review.models import Card, ReviewLog, StudySettings, stage_of
from studyapp.review.scheduling import CardState, Rating, State
from studyapp.review.tokens import InvalidToken, Ticket, Token, read_ticket, read_token

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

# Like Anki's learn-ahead limit: when nothing is due, a card in a learning step due within this
# time is shown now rather than ending the session for a few minutes.
LEARN_AHEAD = timedelta(minutes=20)

# What the cram URLs accept (<slug:slug>/<str:anchor>): scope keys come back from forms.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_ANCHOR = re.compile(r"[^/#]+")

__all__ = [
    "CannotUndo",
    "Feedback",
    "InvalidToken",
    "NothingPicked",
    "Scope",
    "Step",
    "answer",
    "display_choices",
    "feedback",
    "grade",
    "next_step",
    "progress_step",
    "read_token",
    "undo",
]


class NothingPicked(Exception):
    """An answer submitted without any choice; the question is shown again."""

    def __init__(self, shown: Shown) -> None:
        super().__init__("pick an answer")
        self.shown = shown


# ---------------------------------------------------------------------------------------------
# What is being studied
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The learner's whole schedule (no note), or one note or one topic crammed on demand."""

    note_slug: str = ""
    topic_anchor: str = ""

    @property
    def is_cram(self) -> bool:
        return bool(self.note_slug)

    @property
    def source(self) -> str:
        return "cram" if self.is_cram else "study"

    @property
    def key(self) -> str:
        if not self.is_cram:
            return ""
        return f"{self.note_slug}#{self.topic_anchor}" if self.topic_anchor else self.note_slug

    @classmethod
    def from_key(cls, key: str) -> Scope:
        """Read `key` back; anything that is not a note slug (and anchor) means all of study."""
        slug, _, anchor = key.partition("#")
        if not _SLUG.fullmatch(slug) or (anchor and not _ANCHOR.fullmatch(anchor)):
            return cls()
        return cls(slug, anchor)

    def url(self) -> str:
        if self.topic_anchor:
            return reverse_once("review:cram_topic", self.note_slug, self.topic_anchor)
        if self.note_slug:
            return reverse_once("review:cram_note", self.note_slug)
        return reverse_once("review:study")

    def questions(self) -> QuerySet[Question]:
        found = Question.objects.filter(retired_at__isnull=True)
        if self.note_slug:
            found = found.filter(note__slug=self.note_slug)
        if self.topic_anchor:
            found = found.filter(topic__anchor=self.topic_anchor, topic__retired_at__isnull=True)
        return found


# ---------------------------------------------------------------------------------------------
# What the templates get
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownChoice:
    number: int
    choice: Choice
    picked: bool = False


@dataclass
class Shown:
    """A question on screen: its choices in this learner's order, and its one-time token."""

    question: Question
    choices: list[ShownChoice]
    token: str
    is_new: bool
    updated: bool = False


@dataclass
class Progress:
    done: int
    due_left: int
    new_left: int
    cram: bool = False

    @property
    def left(self) -> int:
        return self.due_left + self.new_left

    @property
    def total(self) -> int:
        return self.done + self.left


@dataclass
class Feedback:
    """What the learner sees after answering.

    status: "recorded" (the answer is in the log), "grade" (right, waiting for Hard/Good/Easy),
    "stale" (the card moved on since this question was shown; nothing recorded).
    """

    question: Question
    choices: list[ShownChoice]
    correct: bool
    status: Literal["recorded", "grade", "stale"]
    scope: Scope
    ticket: str = ""
    log: ReviewLog | None = None
    updated: bool = False
    # In cram: the learner ticked "also update my schedule" (kept ticked for the next question).
    schedule: bool = False
    # The recorded answer was taken back since.
    undone: bool = False

    @property
    def wrong_picks(self) -> list[Choice]:
        return [c.choice for c in self.choices if c.picked and not c.choice.correct]

    @property
    def right_choices(self) -> list[Choice]:
        return [c.choice for c in self.choices if c.choice.correct]


@dataclass
class Step:
    """One screen of the study card: a question, feedback, or the end of the session."""

    scope: Scope
    progress: Progress
    prefs: StudySettings
    shown: Shown | None = None
    feedback: Feedback | None = None
    next_due: datetime | None = None
    # The latest answer today that "undo" would take back, if any.
    undo_log_id: int | None = None
    error: str = ""
    # Cram: keep "also update my schedule" ticked for the next question once ticked.
    schedule: bool = False
    exam_in_days: int | None = None
    # Where the question is picked from: the learner's day, and the start of a cram round.
    today: _Today | None = field(default=None, repr=False)
    since: datetime | None = field(default=None, repr=False)


# ---------------------------------------------------------------------------------------------
# Choosing the next question
# ---------------------------------------------------------------------------------------------


def display_choices(question: Question, learner_id: int) -> list[Choice]:
    """The question's choices in the order this learner always sees them (numbered from 1)."""
    # The question bank's own shuffle, keyed by the question's stable id and the choice texts,
    # so re-ordering choices in a note does not re-order them for the learner.
    return shuffle_for(question.uid, question.choices.all(), learner_id, text=lambda c: c.text)


def _with_choices(questions: QuerySet[Question]) -> QuerySet[Question]:
    return questions.select_related("note", "topic").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position", "pk"))
    )


def _buried(moved_today: list[tuple[int, int, int]]) -> frozenset[int]:
    """The questions whose sibling (same note, same source line) was studied today.

    `moved_today` holds (question, note, line) of today's answers that moved the schedule.
    Worked out once per request, in one small query, rather than as a subquery in each query
    that needs it: building and compiling that subquery cost more than the rest of the page.
    """
    studied: dict[tuple[int, int], set[int]] = {}
    for question_id, note_id, line in moved_today:
        studied.setdefault((note_id, line), set()).add(question_id)
    siblings = queries.questions_at(studied.keys())
    return frozenset(pk for pk, note_id, line in siblings if studied[(note_id, line)] - {pk})


@dataclass(frozen=True)
class _Today:
    start: datetime
    end: datetime
    done: int
    new_done: int
    reviews_done: int
    last_log_id: int | None
    buried: frozenset[int] = frozenset()


def _today(learner: User, prefs: StudySettings, now: datetime) -> _Today:
    start, end = prefs.day_bounds(now)
    day = queries.day_of_answers(learner.pk, start, end)
    return _Today(
        start,
        end,
        day.done,
        day.new_done,
        day.reviews_done,
        day.last_log_id,
        _buried(day.moved),
    )


def progress_step(
    learner: User, scope: Scope, now: datetime, *, since: datetime | None = None
) -> Step:
    """The study card's frame without a question: progress, and what undo would take back.

    `since` starts a cram round (default: the start of the learner's day): questions of the
    scope crammed since then are done.
    """
    prefs = queries.settings_of(learner.pk) or StudySettings(learner=learner)
    today = _today(learner, prefs, now)
    if scope.is_cram:
        since = since or today.start
        progress = _cram_progress(learner, scope, since)
    else:
        progress = _progress(learner, prefs, today, now)
    exam_in_days = None
    if prefs.exam_date:
        exam_in_days = scheduling.days_until(prefs.exam_date, now, prefs.time_zone)
    return Step(
        scope,
        progress,
        prefs,
        undo_log_id=today.last_log_id,
        exam_in_days=exam_in_days,
        today=today,
        since=since,
    )


def next_step(learner: User, scope: Scope, now: datetime, *, since: datetime | None = None) -> Step:
    """The next question for the learner in this scope, or the end of the session."""
    step = progress_step(learner, scope, now, since=since)
    assert step.today is not None
    if scope.is_cram:
        picked = _pick_cram(learner, scope, step.since or step.today.start, now)
    else:
        picked = _pick_due(learner, step.prefs, step.today, now, step.progress)
        if picked is None:
            step.next_due = _next_due(learner, step.today, now)
    if picked is not None:
        question, memory = picked
        step.shown = _show(learner, question, memory, scope, now)
    return step


def _pick_due(
    learner: User, prefs: StudySettings, today: _Today, now: datetime, progress: Progress
) -> tuple[Question, CardState | None] | None:
    steps = (State.Learning, State.Relearning)
    over_limit = today.reviews_done >= prefs.reviews_per_day
    card = queries.first_due_card(
        learner.pk, now, today.buried, states=steps if over_limit else None
    )
    if card is None and progress.new_left > 0:
        new_id = queries.first_new_question_id(learner.pk, today.buried)
        if new_id is not None:
            return _question(pk=new_id), None
    if card is None:
        card = queries.first_due_card(learner.pk, now + LEARN_AHEAD, today.buried, states=steps)
    return (_question(pk=card.question_id), card.memory) if card else None


# Questions with their note, topic and choices, as the study loop shows and checks them; kept
# per process while the question bank's version stands (studyapp/questions/version.py).
# Read-only, and only the fields question_with_choices loads: the same instances serve every
# request of the process, so nothing may change them, attach a learner's state to them, or
# read a deferred field (it would load into the shared instance and stay).
_questions: VersionedCache[Question] = VersionedCache(size=4096)


def _question(*, pk: int | None = None, uid: str | None = None) -> Question:
    # Retired questions too: one retired since it was shown can still be answered.
    question = _questions.get(
        ("pk", pk) if pk is not None else ("uid", uid),
        lambda: queries.question_with_choices(pk=pk, uid=uid),
        keys=lambda found: (("pk", found.pk), ("uid", found.uid)),
    )
    if question is None:
        raise Http404("No such question.")
    return question


def _progress(learner: User, prefs: StudySettings, today: _Today, now: datetime) -> Progress:
    # Learning steps count as due a little ahead, as they are shown (see LEARN_AHEAD).
    reviews_left = max(0, prefs.reviews_per_day - today.reviews_done)
    new_allowed = max(0, prefs.new_per_day - today.new_done)
    # New questions are counted up to the day's allowance: the database stops there.
    counts = queries.queue_counts(learner.pk, now, now + LEARN_AHEAD, today.buried, new_allowed)
    return Progress(
        done=today.done,
        due_left=counts.learning + min(counts.review, reviews_left),
        new_left=counts.new,
    )


def _next_due(learner: User, today: _Today, now: datetime) -> datetime | None:
    soonest = queries.soonest_due(learner.pk)
    if soonest is not None and soonest <= now:
        # Due already, but held back by today's limit or a sibling: it comes back tomorrow.
        return today.end
    return soonest


def _show(
    learner: User, question: Question, memory: CardState | None, scope: Scope, now: datetime
) -> Shown:
    reps = memory.reps if memory else 0
    choices = [
        ShownChoice(number, choice)
        for number, choice in enumerate(display_choices(question, learner.pk), start=1)
    ]
    return Shown(
        question=question,
        choices=choices,
        token=Token.issue(learner.pk, question.uid, reps, scope.key, now).sign(),
        is_new=reps == 0,
        updated=_changed_since(question, memory),
    )


def _changed_since(question: Question, memory: CardState | None) -> bool:
    """True when the question's answer changed after the learner last answered it."""
    changed_at = getattr(question, "changed_at", None)
    last = memory.last_review if memory else None
    return bool(changed_at and last and changed_at > last)


# ---------------------------------------------------------------------------------------------
# Cram: one note or topic on demand
# ---------------------------------------------------------------------------------------------


def _crammed(learner: User, since: datetime) -> Exists:
    return Exists(
        ReviewLog.objects.filter(
            # After `since`: "cram again" starts a round at the moment of the click.
            learner=learner,
            source="cram",
            reviewed_at__gt=since,
            question=OuterRef("pk"),
        ).effective()
    )


def _cram_progress(learner: User, scope: Scope, since: datetime) -> Progress:
    counts = scope.questions().aggregate(
        total=Count("pk"), left=Count("pk", filter=~Q(_crammed(learner, since)))
    )
    return Progress(
        done=counts["total"] - counts["left"], due_left=counts["left"], new_left=0, cram=True
    )


def _pick_cram(
    learner: User, scope: Scope, since: datetime, now: datetime
) -> tuple[Question, CardState | None] | None:
    card = Card.objects.filter(learner=learner, question=OuterRef("pk"))
    question = (
        _with_choices(scope.questions().exclude(_crammed(learner, since)))
        .annotate(
            card_reps=card.values("reps")[:1],
            card_last_review=card.values("last_review")[:1],
        )
        .order_by(F("topic__position").asc(nulls_last=True), "position", "pk")
        .first()
    )
    if question is None:
        return None
    memory = None
    if question.card_reps:
        # Only reps and last_review matter here: the token and the "updated" note.
        memory = CardState(
            State.Learning, None, None, None, now, question.card_last_review, question.card_reps
        )
    return question, memory


# ---------------------------------------------------------------------------------------------
# Answering
# ---------------------------------------------------------------------------------------------


def _question_for(token: Token) -> Question:
    return _question(uid=token.uid)


def _shown_choices(question: Question, learner: User, picked: tuple[int, ...]) -> list[ShownChoice]:
    ordered = display_choices(question, learner.pk)
    return [ShownChoice(n, c, n in picked) for n, c in enumerate(ordered, start=1)]


def _is_right(choices: list[ShownChoice]) -> bool:
    """Exactly right: every right choice picked and nothing else (multiple response too)."""
    picked = {c.choice.pk for c in choices if c.picked}
    return bool(picked) and picked == {c.choice.pk for c in choices if c.choice.correct}


def answer(
    learner: User, token_value: str, picked: list[str], schedule: bool, now: datetime
) -> Feedback:
    """Check an answer; a wrong one (or any cram answer that does not move the schedule) is
    recorded at once, a right one waits for the learner's grade."""
    token = read_token(token_value, learner.pk)
    question = _question_for(token)
    # isascii(): str.isdigit() is also true of "²", which int() refuses; and int() refuses
    # more than 4,300 digits, so a number longer than any choice number is no choice.
    numbers = tuple(sorted({int(p) for p in picked if p.isascii() and p.isdigit() and len(p) <= 4}))
    choices = _shown_choices(question, learner, numbers)
    if not any(c.picked for c in choices):
        shown = Shown(question, choices, token_value, token.reps == 0)
        raise NothingPicked(shown)
    ticket = token.answered(tuple(c.number for c in choices if c.picked), schedule, now)
    correct = _is_right(choices)
    if correct and ticket.moves_schedule:
        return _feedback_without_recording(learner, ticket, question, choices)
    return _record(learner, ticket, question, choices, correct, None, now)


def feedback(learner: User, ticket_value: str) -> Feedback:
    """The feedback for an answered ticket, read-only (the page after POST/redirect/GET)."""
    ticket = read_ticket(ticket_value, learner.pk)
    question = _question_for(ticket.token)
    choices = _shown_choices(question, learner, ticket.picked)
    return _feedback_without_recording(learner, ticket, question, choices)


def grade(learner: User, ticket_value: str, grade_value: str, now: datetime) -> Feedback:
    """Record a right answer with the grade the learner gave it (Good when unsure)."""
    ticket = read_ticket(ticket_value, learner.pk)
    question = _question_for(ticket.token)
    choices = _shown_choices(question, learner, ticket.picked)
    correct = _is_right(choices)
    return _record(learner, ticket, question, choices, correct, grade_value, now)


def _feedback_without_recording(
    learner: User, ticket: Ticket, question: Question, choices: list[ShownChoice]
) -> Feedback:
    found = _log_for(ticket)
    if found is not None:
        return _recorded(*found, question, choices, ticket)
    card = queries.card_of(learner.pk, question.pk)
    memory = card.memory if card else None
    correct = _is_right(choices)
    fresh = (memory.reps if memory else 0) == ticket.token.reps
    status = "grade" if fresh and correct and ticket.moves_schedule else "stale"
    return Feedback(
        question,
        choices,
        correct,
        status,
        Scope.from_key(ticket.token.scope_key),
        ticket=ticket.sign(),
        updated=_changed_since(question, memory),
        schedule=ticket.schedule,
    )


def _log_for(ticket: Ticket) -> tuple[ReviewLog, bool] | None:
    """The answer recorded with the ticket's token, and whether it was undone since."""
    return queries.answer_with_token(ticket.token.learner_id, ticket.token.nonce)


def _recorded(
    log: ReviewLog,
    undone: bool,
    question: Question,
    choices: list[ShownChoice],
    ticket: Ticket,
) -> Feedback:
    """Feedback for a logged answer."""
    before = log.memory_before
    return Feedback(
        question,
        choices,
        bool(log.correct),
        "recorded",
        Scope.from_key(ticket.token.scope_key),
        ticket=ticket.sign(),
        log=log,
        updated=_changed_since(question, before),
        schedule=ticket.schedule,
        undone=undone,
    )


def _record(
    learner: User,
    ticket: Ticket,
    question: Question,
    choices: list[ShownChoice],
    correct: bool,
    grade_value: str | None,
    now: datetime,
) -> Feedback:
    with transaction.atomic():
        # The learner's settings row is the lock that puts this learner's answers in a line
        # (PostgreSQL; SQLite's IMMEDIATE transactions already do), so the token check below
        # sees any answer committed a moment ago.
        prefs = queries.settings_of(learner.pk, lock=True)
        if prefs is None:  # the learner's first answer: create the row, locked
            prefs = StudySettings.for_learner(learner, lock=True)
        found = _log_for(ticket)
        if found is not None:
            return _recorded(*found, question, choices, ticket)
        card = queries.card_of(learner.pk, question.pk, lock=True)
        before = card.memory if card else CardState.new(now)
        if before.reps != ticket.token.reps:
            return Feedback(
                question,
                choices,
                correct,
                "stale",
                Scope.from_key(ticket.token.scope_key),
                ticket=ticket.sign(),
                schedule=ticket.schedule,
            )
        rating = scheduling.rating_for_answer(correct, grade_value)
        after = before
        if ticket.moves_schedule:
            after = scheduling.review(before, rating, now, prefs.desired_retention)
        # Plain SQL for the two writes, as for the reads (studyapp/sql.py): no signals listen
        # to cards or review logs, and the ORM's save() cost more than the statements.
        if card is None:
            card = Card(learner=learner, question=question, created_at=now)
            card.set_memory(after)
            sql.insert(card)
        elif ticket.moves_schedule:
            card.set_memory(after)
            sql.update(card, Card.MEMORY_FIELDS)
        log = ReviewLog(
            learner=learner,
            card=card,
            question=question,
            rating=int(rating),
            reviewed_at=now,
            duration_ms=ticket.duration_ms,
            chosen=[c.choice.text for c in choices if c.picked],
            answer=[c.choice.text for c in choices if c.choice.correct],
            correct=correct,
            source=Scope.from_key(ticket.token.scope_key).source,
            moves_schedule=ticket.moves_schedule,
            stage=stage_of(before),
            state_before=before.to_json(),
            state_after=after.to_json(),
            token=ticket.token.nonce,
        )
        sql.insert(log)
    return _recorded(log, False, question, choices, ticket)


# ---------------------------------------------------------------------------------------------
# Undo
# ---------------------------------------------------------------------------------------------


class CannotUndo(Exception):
    """Only the learner's latest answer can be undone."""


def undo(learner: User, log_id: int, now: datetime) -> ReviewLog:
    """Take back the learner's latest answer: the card gets its state from before it exactly,
    and a new log row records the undo. Undoing the same answer twice does nothing more."""
    with transaction.atomic():
        StudySettings.for_learner(learner, lock=True)
        target = ReviewLog.objects.filter(learner=learner, pk=log_id, undoes__isnull=True).first()
        if target is None:
            raise Http404("No such answer.")
        already = ReviewLog.objects.filter(undoes=target).first()
        if already is not None:
            return already
        latest = (
            ReviewLog.objects.filter(learner=learner)
            .effective()
            .order_by("-reviewed_at", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if latest != target.pk:
            raise CannotUndo("only the latest answer can be undone")
        card = Card.objects.select_for_update().get(pk=target.card_id)
        if target.moves_schedule and target.state_before:
            card.set_memory(CardState.from_json(target.state_before))
            card.save()
        return ReviewLog.objects.create(
            learner=learner,
            card=card,
            question_id=target.question_id,
            rating=None,
            reviewed_at=now,
            source=target.source,
            moves_schedule=target.moves_schedule,
            stage=target.stage,
            state_before=target.state_after,
            state_after=target.state_before,
            undoes=target,
        )


def rating_name(rating: int | None) -> str:
    return Rating(rating).name if rating else ""


def relearn_changed_questions(
    sender: object, question_ids: list[int], when: datetime, **kwargs: object
) -> int:
    """Receiver of `answers_changed`: send studied cards of those questions back to learning.

    The learner learnt an answer that is no longer right, so the card is due again at once in
    the relearning steps (as after a lapse); FSRS keeps its stability and difficulty, and the
    review history is untouched. Cards never studied (reps == 0) need nothing.
    """
    return Card.objects.filter(question_id__in=question_ids, reps__gt=0).update(
        state=State.Relearning.value, step=0, due=when
    )
