"""An exam keeps what the learner saw: a re-import that re-words, re-keys or drops a question's
choices (questions/sync.py reuses and deletes Choice rows) changes neither an attempt in
progress nor one already submitted."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from studyapp.exams.models import ExamAttempt
from studyapp.questions.generator import Choice as GeneratedChoice
from studyapp.questions.generator import GeneratedQuestion
from studyapp.questions.models import Choice, Question
from studyapp.questions.sync import _write_choices
from studyapp.review.models import ReviewLog
from tests.exam_data import item_at, make_bank

NOW = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client_alice(client, alice):
    make_bank()
    client.force_login(alice)
    return client


def reimport(question: Question, choices: list[tuple[str, bool]]) -> None:
    """What an import does to a question's Choice rows when its note changed."""
    generated = GeneratedQuestion(
        key=question.uid,
        note_slug=question.note.slug,
        topic="",
        line=question.line,
        kind="authored",
        stem=question.stem,
        choices=tuple(GeneratedChoice(text, correct) for text, correct in choices),
        explanation=question.explanation,
        multiple=False,
        source_text=question.source_text,
        answer_key="",
    )
    _write_choices(question, list(question.choices.order_by("position", "pk")), generated)


def first_single_response(client) -> tuple[ExamAttempt, int]:
    client.post(reverse("exams:start"), {"length": 10})
    attempt = ExamAttempt.objects.get()
    item = next(i for i in attempt.items.select_related("question") if not i.question.multiple)
    return attempt, item.position


def place_of(attempt: ExamAttempt, number: int, text: str) -> str:
    item = item_at(attempt, number)
    texts = dict(Choice.objects.filter(pk__in=item.choice_order).values_list("pk", "text"))
    return str([texts[pk] for pk in item.choice_order].index(text) + 1)


def answer(client, attempt: ExamAttempt, number: int, picked: str, go: str = "stay") -> None:
    url = reverse("exams:answer", args=[attempt.pk, number])
    assert client.post(url, {"choice": [picked], "go": go}).status_code == 302


def test_an_open_exam_shows_the_choices_it_started_with_after_a_reimport(client_alice) -> None:
    attempt, number = first_single_response(client_alice)
    question = item_at(attempt, number).question
    right = question.choices.get(correct=True).text
    reimport(question, [("A re-worded answer", True), ("Wrong one", False), ("Wrong two", False)])

    body = client_alice.get(reverse("exams:question", args=[attempt.pk, number])).content.decode()

    assert right in body
    assert "A re-worded answer" not in body
    assert body.count('data-testid="choice"') == 4


def test_submitting_after_a_reimport_dropped_the_picked_choice_scores_what_was_seen(
    client_alice,
) -> None:
    attempt, number = first_single_response(client_alice)
    question = item_at(attempt, number).question
    picked = place_of(attempt, number, "Wrong three")
    answer(client_alice, attempt, number, picked)
    # The answer changes and a wrong choice goes: sync rewrites one row, deletes another.
    reimport(question, [("Wrong one", True), ("Wrong two", False), ("Another", False)])

    response = client_alice.post(
        reverse("exams:answer", args=[attempt.pk, number]), {"choice": [picked], "go": "submit"}
    )

    assert response.status_code == 302
    log = ReviewLog.objects.get(question=question)
    assert log.chosen == ["Wrong three"] and log.correct is False


def test_review_shows_what_the_learner_saw_and_picked_after_a_reimport(client_alice) -> None:
    attempt, number = first_single_response(client_alice)
    question = item_at(attempt, number).question
    right = question.choices.get(correct=True).text
    answer(client_alice, attempt, number, place_of(attempt, number, right), go="submit")
    # The old answer's row is reused for a new wrong choice, another row becomes the answer.
    reimport(question, [("Wrong one", True), ("Wrong two", False), ("Brand new", False)])

    body = client_alice.get(reverse("exams:review", args=[attempt.pk])).content.decode()

    item = re.search(
        rf'<li class="review-item[^"]*"[^>]*>\s*<p class="question-meta">Question {number}\b'
        r".*?</li>\s*</ol>",
        body,
        re.S,
    ).group(0)
    assert re.search(
        rf'{re.escape(right)}</span>\s*<span class="mark">right answer, your answer<', item
    )
    assert "Brand new" not in item
    assert not re.search(r'Wrong one</span>\s*<span class="mark">right answer', item)


def test_opening_a_question_does_not_move_where_the_exam_resumes(client_alice) -> None:
    attempt, _number = first_single_response(client_alice)

    client_alice.get(reverse("exams:question", args=[attempt.pk, 5]))

    attempt.refresh_from_db()
    assert attempt.current == 1
