"""Builders for study tests: notes, topics and questions written straight to the database."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from studyapp.notes.models import Note, Topic
from studyapp.questions import study_order
from studyapp.questions.models import Choice, Question
from studyapp.review import services
from studyapp.review.services import Scope

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
_uids = itertools.count(1)


def make_learner(username: str, **settings: object) -> AbstractBaseUser:
    from studyapp.review.models import StudySettings

    user = get_user_model().objects.create_user(username, password="correct horse battery")
    if settings:
        StudySettings.objects.create(learner=user, **settings)
    return user


def make_note(slug: str, title: str | None = None) -> Note:
    return Note.objects.create(
        slug=slug,
        path=f"{slug}.md",
        title=title or slug.replace("-", " ").title(),
        source_text="",
        body_html="",
        content_hash=slug,
        imported_at=EPOCH,
        updated_at=EPOCH,
    )


def make_topic(note: Note, title: str, position: int = 0) -> Topic:
    anchor = title.lower().replace(" ", "-")
    return Topic.objects.create(
        note=note, title=title, anchor=anchor, level=2, line=position + 1, position=position
    )


def make_question(
    note: Note,
    stem: str,
    right: str | Sequence[str] = "Right answer",
    wrong: Sequence[str] = ("Wrong one", "Wrong two", "Wrong three"),
    *,
    topic: Topic | None = None,
    line: int | None = None,
    position: int = 0,
    why_wrong: str = "",
) -> Question:
    rights = [right] if isinstance(right, str) else list(right)
    number = next(_uids)
    question = Question.objects.create(
        uid=f"q{number:06d}",
        note=note,
        topic=topic,
        kind="authored",
        stem=stem,
        explanation=f"Because {rights[0]} fits: {stem}",
        line=number if line is None else line,
        multiple=len(rights) > 1,
        source_text=stem,
        answer_key="; ".join(rights),
        position=position,
        created_at=EPOCH,
    )
    texts = [(text, True) for text in rights] + [(text, False) for text in wrong]
    Choice.objects.bulk_create(
        Choice(
            question=question,
            text=text,
            correct=correct,
            why_wrong="" if correct else (why_wrong or f"{text} does not fit: {stem}"),
            position=index,
        )
        for index, (text, correct) in enumerate(texts)
    )
    study_order.renumber()  # as the question bank's sync does after its writes
    question.refresh_from_db(fields=["study_order"])
    return question


def numbers_for(question: Question, learner: AbstractBaseUser, texts: Sequence[str]) -> list[str]:
    """The choice numbers (as shown to this learner) of the choices with these texts."""
    shown = services.display_choices(question, learner.pk)
    return [str(n) for n, choice in enumerate(shown, start=1) if choice.text in texts]


def right_numbers(question: Question, learner: AbstractBaseUser) -> list[str]:
    shown = services.display_choices(question, learner.pk)
    return [str(n) for n, choice in enumerate(shown, start=1) if choice.correct]


def wrong_number(question: Question, learner: AbstractBaseUser) -> str:
    shown = services.display_choices(question, learner.pk)
    return next(str(n) for n, choice in enumerate(shown, start=1) if not choice.correct)


def show(learner: AbstractBaseUser, now: datetime, scope: Scope | None = None) -> services.Step:
    return services.next_step(learner, scope or Scope(), now)


def answer_right(
    learner: AbstractBaseUser, now: datetime, grade: str = "good", scope: Scope | None = None
) -> services.Feedback:
    """Show the next question and answer it right with this grade; returns the feedback."""
    step = show(learner, now, scope)
    assert step.shown is not None, "nothing to study"
    question = step.shown.question
    checked = services.answer(
        learner, step.shown.token, right_numbers(question, learner), False, now
    )
    assert checked.status == "grade", checked.status
    return services.grade(learner, checked.ticket, grade, now)


def answer_wrong(
    learner: AbstractBaseUser, now: datetime, scope: Scope | None = None
) -> services.Feedback:
    step = show(learner, now, scope)
    assert step.shown is not None, "nothing to study"
    return services.answer(
        learner, step.shown.token, [wrong_number(step.shown.question, learner)], False, now
    )
