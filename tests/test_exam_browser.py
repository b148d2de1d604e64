"""A mock exam in a real browser: answer, flag, reload mid-way, submit, review."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from studyapp.exams.models import ExamAttempt
from studyapp.review.models import ReviewLog
from tests.study_data import make_learner

# Runs before the page's own scripts (Playwright's init scripts are not subject to the CSP).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def log_in(page, live_server, learner) -> None:
    """Hand the browser the session cookie of a logged-in test client."""
    client = Client()
    client.force_login(learner)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def on_question(page, number: int) -> None:
    page.locator("#exam-question .question-meta", has_text=f"Question {number} of 10").wait_for()
    # htmx wires up new content (the autosave on change) once it has settled.
    page.locator("#exam-question:not(.htmx-added)").wait_for()


def nav_state(page, number: int) -> str:
    return page.locator(f'#exam-nav button[value="{number}"]').get_attribute("data-state")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_ten_question_exam_with_a_flag_a_reload_and_review(
    live_server, page, blocked_requests
) -> None:
    call_command("import_notes", str(settings.CONTENT_DIR), verbosity=0)
    learner = make_learner("kim")
    log_in(page, live_server, learner)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)

    page.goto(live_server.url + "/exams/")
    page.get_by_test_id("exam-start").click()
    on_question(page, 1)
    timer = page.locator("#exam-timer .exam-timer-value")
    assert re.fullmatch(r"(20:00|19:[0-5]\d)", timer.inner_text())

    page.evaluate("window.__sameDocument = 'still here'")
    for number in range(1, 6):
        if number % 2:
            page.get_by_test_id("choice").first.click()  # saved at once (htmx)
        else:
            page.keyboard.press("2")  # exam.js: the second choice
        if number == 3:
            page.get_by_test_id("flag").click()
            page.locator('[data-testid="flag"][aria-pressed="true"]').wait_for()
        page.locator(f'#exam-nav button[value="{number}"][data-state^="answered"]').wait_for()
        page.get_by_test_id("exam-next").click()
        on_question(page, number + 1)
    assert page.evaluate("window.__sameDocument") == "still here", "htmx swapped, no page load"
    assert page.url.endswith("/q/6/"), "each question has its own address"

    page.reload()  # mid-way: the server has every answer and the flag
    on_question(page, 6)
    assert [nav_state(page, n) for n in range(1, 8)] == [
        "answered",
        "answered",
        "answered flagged",
        "answered",
        "answered",
        "unanswered",
        "unanswered",
    ]
    page.locator('#exam-nav button[value="3"]').click()
    on_question(page, 3)
    assert page.locator('[data-testid="flag"][aria-pressed="true"]').count() == 1
    assert page.locator('#exam-question input[name="choice"]:checked').count() >= 1
    page.locator('#exam-nav button[value="6"]').click()
    on_question(page, 6)

    for number in range(6, 11):
        page.get_by_test_id("choice").first.click()
        page.locator(f'#exam-nav button[value="{number}"][data-state^="answered"]').wait_for()
        if number < 10:
            page.get_by_test_id("exam-next").click()
            on_question(page, number + 1)
    page.get_by_test_id("exam-submit").click()
    page.wait_for_url("**/result/")

    score = page.get_by_test_id("exam-score").inner_text()
    assert re.fullmatch(r"\d+/10", score)
    assert "estimate" in page.content()
    attempt = ExamAttempt.objects.get(learner=learner)
    assert attempt.raw_score == score and not attempt.auto_submitted
    assert ReviewLog.objects.filter(learner=learner, source="exam").count() == 10

    page.get_by_test_id("exam-review-link").click()
    page.wait_for_url("**/review/")
    assert page.get_by_test_id("review-item").count() == 10
    page.get_by_test_id("filter-flagged").click()
    page.wait_for_url("**/review/?show=flagged")
    assert page.get_by_test_id("review-item").count() == 1

    assert page.evaluate("window.__violations") == []
    assert errors == []
    assert blocked_requests == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_when_the_countdown_ends_the_page_lands_on_the_result(live_server, page) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from studyapp.exams import attempts

    call_command("import_notes", str(settings.CONTENT_DIR), verbosity=0)
    learner = make_learner("kim")
    attempt = attempts.start(learner, 10, [], timezone.now())
    # Two seconds left.
    ExamAttempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - attempt.time_limit + timedelta(seconds=2)
    )
    log_in(page, live_server, learner)

    page.goto(f"{live_server.url}/exams/{attempt.pk}/q/1/")
    page.locator("#exam-timer.is-low").wait_for()
    page.wait_for_url("**/result/", timeout=10_000)

    assert page.get_by_test_id("exam-score").inner_text() == "0/10"
    assert "Time ran out" in page.content()
    attempt.refresh_from_db()
    assert attempt.auto_submitted
