"""The Content-Security-Policy in a real browser: sent, and the study page works under it.

Chromium reports every blocked inline script, style or handler both as a console error and as a
`securitypolicyviolation` event; the test listens for both, logs in through the real login
form, and answers questions with htmx swapping the card in place.
"""

from __future__ import annotations

import pytest

from studyapp.security import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD
from tests.study_data import make_note, make_question

# Runs before the page's own scripts (Playwright's init scripts are not subject to the CSP).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_study_page_works_under_the_csp(live_server, page, blocked_requests) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("kim", password=PASSWORD)
    note = make_note("containers", "Containers")
    for n in range(3):
        make_question(note, f"Scenario {n}: which service fits?", "AWS Fargate", position=n)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.add_init_script(RECORD_VIOLATIONS)

    login = page.goto(live_server.url + "/accounts/login/?next=/study/")
    assert login.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page.fill("#id_username", "kim")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    study = page.goto(live_server.url + "/study/")
    assert study.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    page.evaluate("window.__sameDocument = 'still here'")

    for _ in range(2):
        page.get_by_test_id("question").wait_for()
        page.get_by_test_id("choice").first.click()
        page.get_by_test_id("feedback").wait_for()
        grade = page.get_by_test_id("grade-good")
        (grade if grade.count() else page.get_by_test_id("next")).click()

    page.get_by_test_id("question").wait_for()
    # htmx swapped the card each time: still the same document, no page load.
    assert page.evaluate("window.__sameDocument") == "still here"
    assert page.evaluate("window.__violations") == []
    assert [line for line in console if "Content Security Policy" in line] == []
    assert [line for line in console if line.startswith(("error", "pageerror"))] == []
    assert blocked_requests == []
