"""Builders for mock exam tests: a small question bank, and answering by choice text."""

from __future__ import annotations

from dataclasses import dataclass

from studyapp.exams.models import AttemptQuestion, ExamAttempt
from studyapp.notes.models import Note, Topic
from studyapp.questions.models import Choice, Question
from tests.study_data import make_note, make_question, make_topic


@dataclass
class Bank:
    ecs: Note
    lambda_: Note
    launch: Topic
    networking: Topic
    limits: Topic
    questions: list[Question]


def make_bank() -> Bank:
    """12 questions: 8 from ECS (one Select TWO) over two topics, 4 from Lambda."""
    ecs = make_note("amazon-ecs", "Amazon ECS")
    lambda_ = make_note("aws-lambda", "AWS Lambda")
    launch = make_topic(ecs, "Launch types", position=1)
    networking = make_topic(ecs, "Networking modes", position=2)
    limits = make_topic(lambda_, "Limits", position=1)
    questions = [
        make_question(ecs, f"ECS launch question {n}?", f"Launch right {n}", topic=launch)
        for n in range(1, 5)
    ]
    questions += [
        make_question(ecs, f"ECS network question {n}?", f"Network right {n}", topic=networking)
        for n in range(1, 4)
    ]
    questions.append(
        make_question(
            ecs,
            "Which two modes give tasks their own interface? (Select TWO)",
            ["awsvpc mode", "Fargate default mode"],
            ["bridge mode", "host mode", "none mode"],
            topic=networking,
        )
    )
    questions += [
        make_question(lambda_, f"Lambda question {n}?", f"Lambda right {n}", topic=limits)
        for n in range(1, 5)
    ]
    return Bank(ecs, lambda_, launch, networking, limits, questions)


def item_at(attempt: ExamAttempt, number: int) -> AttemptQuestion:
    return attempt.items.select_related("question").get(position=number)


def numbers(item: AttemptQuestion, *, right: bool) -> list[str]:
    """The places on screen (as strings, as a form posts them) of the right or wrong choices."""
    correct = dict(Choice.objects.filter(question=item.question).values_list("pk", "correct"))
    return [str(n) for n, pk in enumerate(item.choice_order, start=1) if correct[pk] == right]


def right_answer(item: AttemptQuestion) -> list[str]:
    return numbers(item, right=True)


def wrong_answer(item: AttemptQuestion) -> list[str]:
    return numbers(item, right=False)[:1]
