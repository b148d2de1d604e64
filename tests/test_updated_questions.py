"""When a re-import changes a question's answer, learners who studied it are told (issue #7).

Checked against the question bank's sync (sets `Question.changed_at`) and the study loop
(shows "updated" when `changed_at` is later than the learner's last review). The issue also
says the question "returns to learning": its studied cards go to relearning, due at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from studyapp.notes.importer import import_paths
from studyapp.questions.models import Question
from studyapp.review.models import Card, ReviewLog
from studyapp.review.scheduling import State
from studyapp.review.services import Scope
from tests.study_data import answer_right, make_learner, show

pytestmark = pytest.mark.django_db

STUDIED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
REIMPORTED = STUDIED + timedelta(hours=1)
NOTE = """\
# AWS Batch – Managed Batch Computing

## Practice

### Question: A nightly job runs for 6 hours. Which service fits best?
- [{lambda_}] AWS Lambda
- [{batch}] AWS Batch
- [ ] Amazon EKS
- [ ] Amazon Lightsail
> Explanation: Lambda stops after 15 minutes.
"""


@pytest.fixture
def studied(tmp_path: Path):
    """Kim answered the question right (Easy: days until it is due); then its answer changed."""
    note = tmp_path / "aws-batch.md"
    note.write_text(NOTE.format(lambda_=" ", batch="x"), encoding="utf-8")
    with time_machine.travel(STUDIED - timedelta(minutes=5), tick=False):
        import_paths([note])
    kim = make_learner("kim")
    answer_right(kim, STUDIED, "easy")
    note.write_text(NOTE.format(lambda_="x", batch=" "), encoding="utf-8")
    with time_machine.travel(REIMPORTED, tick=False):
        import_paths([note])
    return kim, Question.objects.get(kind="authored")


def test_the_sync_marks_the_question_changed_and_keeps_its_id(studied) -> None:
    kim, question = studied

    assert question.changed_at == REIMPORTED
    assert Question.objects.count() == 1
    assert [c.text for c in question.choices.all() if c.correct] == ["AWS Lambda"]
    assert ReviewLog.objects.filter(learner=kim, question=question).count() == 1


def test_the_learner_sees_updated_next_time_and_keeps_the_history(studied) -> None:
    kim, question = studied
    due = Card.objects.get(learner=kim, question=question).due

    step = show(kim, due + timedelta(minutes=1))

    assert step.shown is not None and step.shown.question == question
    assert step.shown.updated
    assert ReviewLog.objects.filter(learner=kim, question=question).count() == 1


def test_updated_shows_in_the_page_too(studied, client) -> None:
    kim, question = studied
    client.force_login(kim)
    due = Card.objects.get(learner=kim, question=question).due

    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        html = client.get("/study/").content.decode()

    assert 'data-testid="updated"' in html


def test_the_changed_question_returns_to_learning_at_once(studied) -> None:
    kim, question = studied
    card = Card.objects.get(learner=kim, question=question)
    # Easy had put it days away; the re-import brought it back to now.
    assert card.due == REIMPORTED
    assert card.state == State.Relearning

    step = show(kim, REIMPORTED + timedelta(minutes=1), Scope())

    assert step.shown is not None and step.shown.question == question
    assert step.shown.updated
    card.refresh_from_db()
    assert card.state in (State.Learning, State.Relearning)
