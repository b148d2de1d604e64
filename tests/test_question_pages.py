"""/notes/<slug>/questions/: every current question of a note, its answer and its source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from studyapp.notes.importer import import_paths
from studyapp.questions.models import Question

CONTENT = Path(__file__).resolve().parent.parent / "content"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def author(client, django_user_model):
    """The page shows every answer: it is an author's page (staff on a team server)."""
    user = django_user_model.objects.create_user("author", is_staff=True)
    client.force_login(user)
    return user


def test_learners_who_are_not_staff_cannot_see_the_answers(imported, django_user_model) -> None:
    from django.test import Client

    learner = Client()
    learner.force_login(django_user_model.objects.create_user("learner"))

    response = learner.get("/notes/amazon-ecs/questions/")

    assert response.status_code == 302
    assert "Fargate" not in response.content.decode()


@pytest.fixture
def imported(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    for note in CONTENT.glob("*.md"):
        shutil.copy(note, folder / note.name)
    report = import_paths([folder])
    assert not report.failed, report.problems


def test_the_page_shows_every_question_with_its_answer_and_source(client, imported):
    response = client.get("/notes/amazon-ecs/questions/")
    assert response.status_code == 200
    page = response.content.decode()
    questions = Question.objects.current().filter(note__slug="amazon-ecs")
    assert questions.count() >= 20
    for question in questions:
        assert question.uid in page
        assert question.stem.replace("'", "&#x27;").replace('"', "&quot;") in page
    question = questions.get(kind="decision", stem__icontains="simple event-driven functions")
    card = page[page.index(f'id="{question.uid}"') :].split("</li>\n    \n    <li", 1)[0]
    assert 'class="choice-correct"' in card and "AWS Lambda" in card
    assert "ECS: Not ideal" in card  # why the note's own service is wrong
    assert f"line {question.line}" in card
    assert f'href="/notes/amazon-ecs/#{question.topic.anchor}"' in card


def test_retired_questions_are_not_shown(client, imported):
    question = Question.objects.filter(note__slug="amazon-ecs").first()
    Question.objects.filter(pk=question.pk).update(retired_at=timezone.now())
    page = client.get("/notes/amazon-ecs/questions/").content.decode()
    assert question.uid not in page


def test_an_unknown_note_is_not_found(client, imported):
    assert client.get("/notes/no-such-note/questions/").status_code == 404


def test_the_page_costs_the_same_queries_however_many_questions(client, imported):
    counts = {}
    for slug in ("amazon-ecs", "aws-lambda"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/notes/{slug}/questions/").status_code == 200
        counts[slug] = len(queries)
    small, large = (Question.objects.current().filter(note__slug=s).count() for s in counts)
    assert small != large
    assert counts["amazon-ecs"] == counts["aws-lambda"] <= 4 + 2  # + session and user
