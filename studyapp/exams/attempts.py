"""Taking a mock exam: starting it, saving answers as they come, and submitting it once.

Submitting scores the attempt and records every answered question as a review for spaced
repetition (wrong → Again, right → Good; source "exam"), in one transaction that runs a fixed
number of queries whatever the exam's length. The study loop's own recording (review.services)
works through one-time tokens issued when a question is shown; an exam answers many questions
at once, so this module writes the same rows with the same pure scheduler, under the same
per-learner lock (the StudySettings row) that the study loop takes.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from studyapp.exams import drawing, scoring
from studyapp.exams.models import AttemptQuestion, ExamAttempt
from studyapp.questions.models import Choice, Question
from studyapp.review import scheduling
from studyapp.review.models import Card, ReviewLog, StudySettings, stage_of
from studyapp.review.scheduling import CardState, Rating

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

# Card fields a review changes (Card.set_memory).


class NoQuestions(Exception):
    """There is nothing to ask: no current question in the notes picked."""


def start(
    learner: User,
    length: int,
    note_slugs: Sequence[str],
    now: datetime,
    rng: random.Random | None = None,
) -> ExamAttempt:
    """A new attempt of up to `length` questions drawn evenly across the notes picked (or all)."""
    if length not in scoring.LENGTHS:
        raise ValueError(f"an exam has {scoring.LENGTHS} questions")
    pool = Question.objects.filter(retired_at__isnull=True)
    if note_slugs:
        pool = pool.filter(note__slug__in=note_slugs)
    by_note: dict[str, list[int]] = defaultdict(list)
    for pk, slug in pool.order_by("pk").values_list("pk", "note__slug"):
        by_note[slug].append(pk)
    drawn = drawing.draw(by_note, length, rng or random.SystemRandom())
    if not drawn:
        raise NoQuestions("no questions to ask")
    choices: dict[int, list[int]] = defaultdict(list)
    copies: dict[int, dict[str, Any]] = {}
    for question_id, pk, text, correct, why_wrong in (
        Choice.objects.filter(question_id__in=drawn)
        .order_by("position", "pk")
        .values_list("question_id", "pk", "text", "correct", "why_wrong")
    ):
        choices[question_id].append(pk)
        copies[pk] = {"id": pk, "text": text, "correct": correct, "why_wrong": why_wrong}
    with transaction.atomic():
        attempt = ExamAttempt.objects.create(
            learner=learner,
            length=len(drawn),
            time_limit=scoring.time_limit(len(drawn)),
            started_at=now,
            note_slugs=sorted(note_slugs),
        )
        orders = {
            question_id: drawing.choice_order(choices[question_id], f"{attempt.pk}:{question_id}")
            for question_id in drawn
        }
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(
                attempt=attempt,
                question_id=question_id,
                position=position,
                choice_order=orders[question_id],
                shown=[copies[pk] for pk in orders[question_id]],
            )
            for position, question_id in enumerate(drawn, start=1)
        )
    return attempt


def save_answer(
    item: AttemptQuestion, numbers: list[int], flagged: bool | None, now: datetime
) -> AttemptQuestion:
    """Keep the choices picked (by their place on screen) and, if given, the flag."""
    selected = item.choice_ids(numbers)
    if not item.question.multiple:
        selected = selected[:1]
    changed = []
    if selected != item.selected:
        item.selected = selected
        item.answered_at = now if selected else None
        changed += ["selected", "answered_at"]
    if flagged is not None and flagged != item.flagged:
        item.flagged = flagged
        changed.append("flagged")
    if changed:
        # Only while the attempt is open: a late request cannot change a submitted exam.
        AttemptQuestion.objects.filter(pk=item.pk, attempt__submitted_at__isnull=True).update(
            **{field: getattr(item, field) for field in changed}
        )
    return item


def close_if_expired(attempt: ExamAttempt, now: datetime) -> ExamAttempt:
    """Submit the attempt on the learner's behalf once its time has run out."""
    if not attempt.is_submitted and attempt.is_expired(now):
        return submit(attempt, now, auto=True)
    return attempt


@dataclass(frozen=True)
class _Answer:
    item: AttemptQuestion
    right_ids: frozenset[int]
    chosen: list[str]
    right: list[str]

    @property
    def correct(self) -> bool:
        return bool(self.item.correct)


def submit(attempt: ExamAttempt, now: datetime, *, auto: bool = False) -> ExamAttempt:
    """Score the attempt and record its answers as reviews; submitting twice does nothing more."""
    with transaction.atomic():
        prefs = StudySettings.for_learner(attempt.learner, lock=True)
        locked = ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_submitted:
            return locked
        items = list(locked.items.select_related("question__note", "question__topic"))
        answers = _mark(items)
        result = scoring.score(
            [
                scoring.AnsweredQuestion(a.right_ids, frozenset(a.item.selected), *_labels(a.item))
                for a in answers
            ]
        )
        AttemptQuestion.objects.bulk_update(items, ["correct"])
        locked.submitted_at = min(now, locked.deadline)
        locked.auto_submitted = auto
        locked.right = result.right
        locked.scaled_score = result.scaled
        locked.passed = result.passed
        locked.save(
            update_fields=["submitted_at", "auto_submitted", "right", "scaled_score", "passed"]
        )
        # At the moment the exam ended, not now: an attempt left to run out is closed by
        # whichever page the learner opens next, maybe days later, and FSRS must not read
        # that wait as an interval the learner's memory survived.
        answered = [a for a in answers if a.item.answered]
        _record_reviews(locked, prefs, answered, locked.submitted_at)
    return locked


def _labels(item: AttemptQuestion) -> tuple[str, str]:
    topic = item.question.topic
    return item.question.note.title, topic.title if topic else ""


def _mark(items: list[AttemptQuestion]) -> list[_Answer]:
    """Decide each item exactly right or not (setting item.correct) with the texts picked.

    Against the choices as shown (AttemptQuestion.shown), not the Choice rows: an import
    since the start may have re-worded, re-keyed or deleted them.
    """
    answers = []
    for item in items:
        right_ids = frozenset(c["id"] for c in item.shown if c["correct"])
        item.correct = scoring.AnsweredQuestion(right_ids, frozenset(item.selected)).is_right
        chosen = [c["text"] for c in item.shown if c["id"] in set(item.selected)]
        right = [c["text"] for c in item.shown if c["correct"]]
        answers.append(_Answer(item, right_ids, chosen, right))
    return answers


def _record_reviews(
    attempt: ExamAttempt, prefs: StudySettings, answers: list[_Answer], now: datetime
) -> None:
    """Each answered question moves its card as Again (wrong) or Good (right), and is logged.

    An unanswered question is not an answer, so it leaves the schedule alone (it still scores
    as wrong). The log's token names the attempt and item: recording the same exam twice would
    break the token's uniqueness instead of doubling reviews.
    """
    learner = attempt.learner
    question_ids = [a.item.question_id for a in answers]
    cards = {
        card.question_id: card
        for card in Card.objects.select_for_update().filter(
            learner=learner, question_id__in=question_ids
        )
    }
    logs, new_cards, moved_cards = [], [], []
    for answer in answers:
        card = cards.get(answer.item.question_id)
        at = now
        if card is None:
            card = Card(learner=learner, question_id=answer.item.question_id, created_at=now)
            before = CardState.new(now)
            new_cards.append(card)
        else:
            before = card.memory
            moved_cards.append(card)
            # Never before the card's last review (studied since the exam's end, say).
            at = max(now, before.last_review or now)
        rating = Rating.Good if answer.correct else Rating.Again
        after = scheduling.review(before, rating, at, prefs.desired_retention)
        card.set_memory(after)
        logs.append((card, answer, rating, before, after, at))
    Card.objects.bulk_create(new_cards)
    Card.objects.bulk_update(moved_cards, Card.MEMORY_FIELDS)
    ReviewLog.objects.bulk_create(
        ReviewLog(
            learner=learner,
            card=card,
            question_id=answer.item.question_id,
            rating=int(rating),
            reviewed_at=at,
            chosen=answer.chosen,
            answer=answer.right,
            correct=answer.correct,
            source="exam",
            moves_schedule=True,
            stage=stage_of(before),
            state_before=before.to_json(),
            state_after=after.to_json(),
            token=f"exam:{attempt.pk}:{answer.item.pk}",
        )
        for card, answer, rating, before, after, at in logs
    )
