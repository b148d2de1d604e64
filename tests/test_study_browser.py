"""Studying in a real browser with the keyboard only: htmx swaps the card, no page loads."""

from __future__ import annotations

import pytest
from django.test import Client

from studyapp.questions.models import Question
from studyapp.review.models import ReviewLog
from tests.study_data import make_learner, make_note, make_question, right_numbers, wrong_number

SERVICES = ["AWS Lambda", "AWS Batch", "Amazon EKS", "AWS Fargate", "Amazon ECS"]


def log_in(page, live_server, learner) -> None:
    """Hand the browser the session cookie of a logged-in test client."""
    client = Client()
    client.force_login(learner)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_five_questions_with_the_keyboard_only(live_server, page, blocked_requests) -> None:
    learner = make_learner("kim")
    note = make_note("containers", "Containers")
    for n, service in enumerate(SERVICES + ["Amazon EC2"]):
        others = [s for s in SERVICES + ["Amazon EC2"] if s != service][:3]
        make_question(note, f"Scenario {n}: which service fits best?", service, others, position=n)
    log_in(page, live_server, learner)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url + "/study/")
    page.evaluate("window.__sameDocument = 'still here'")
    progress = page.get_by_test_id("progress")
    card = page.locator("#study-card")

    for n in range(5):
        stem = page.get_by_test_id("question").inner_text()
        question = Question.objects.get(stem=stem)
        right = n % 2 == 0
        key = right_numbers(question, learner)[0] if right else wrong_number(question, learner)
        assert progress.get_by_test_id("progress-done").inner_text() == str(n)

        page.keyboard.press(key)
        page.keyboard.press("Enter")

        feedback = page.get_by_test_id("feedback")
        feedback.wait_for()
        assert ("Right" if right else "Not quite") in feedback.inner_text()
        if right:
            assert page.get_by_test_id("grade-good").is_visible()
        else:
            # A wrong answer is recorded at once, and the progress says so.
            assert progress.get_by_test_id("progress-done").inner_text() == str(n + 1)

        page.keyboard.press("Enter")  # Good after a right answer, next after a wrong one
        # Locators, not wait_for_function: the CSP forbids the eval() that one relies on.
        page.locator("#study-card:not([data-state='feedback'])").wait_for()
        assert card.get_attribute("data-state") in {"question", "done"}

    assert progress.get_by_test_id("progress-done").inner_text() == "5"
    assert page.evaluate("window.__sameDocument") == "still here"  # no page load happened
    logs = ReviewLog.objects.filter(learner=learner).order_by("pk")
    assert [log.rating for log in logs] == [3, 1, 3, 1, 3]
    assert errors == []
    assert blocked_requests == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keys_help_and_undo_from_the_keyboard(live_server, page) -> None:
    learner = make_learner("kim")
    note = make_note("containers", "Containers")
    question = make_question(note, "Which service fits?", "AWS Batch", SERVICES[:1] + SERVICES[2:4])
    log_in(page, live_server, learner)
    page.goto(live_server.url + "/study/")

    page.keyboard.press("?")
    assert page.locator("#study-keys").is_visible()
    page.keyboard.press("?")
    assert page.locator("#study-keys").is_hidden()

    page.keyboard.press(wrong_number(question, learner))
    page.keyboard.press("Enter")
    page.get_by_test_id("feedback").wait_for()
    page.keyboard.press("u")
    page.locator("#study-card[data-state='question']").wait_for()

    assert ReviewLog.objects.filter(learner=learner, undoes__isnull=False).count() == 1
    assert page.get_by_test_id("progress-done").inner_text() == "0"
