"""XSS payloads from a note, through every page that shows note content, in a real browser.

The note of tests/xss_payloads.py (50 payloads in its body, more in its headings, facts, exam
signals, decision and summary cells, Exam Focus items and an authored question) is imported
next to the other notes, then chromium opens each page that shows what came from it: the note
list and page, its questions, the study page's question and feedback, a mock exam and its
review, the import problems and the preview. On every page: no dialog opened, no element with
id `pwned` exists, nothing that could run is left in the DOM (handlers, javascript:/data: URLs,
frames, foreign scripts), and at the end no request left this machine (the `page` fixture
blocks and records them; the payloads point at http://evil.example/).

The Content-Security-Policy would stop inline script on its own; the DOM checks make sure the
sanitizer does its part too, so that neither layer relies on the other.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from studyapp.exams import attempts
from studyapp.notes.importer import import_paths
from studyapp.notes.models import ImportProblem, Note
from studyapp.questions.models import Question
from tests.xss_payloads import PAYLOADS, payload_note

CONTENT = Path(__file__).resolve().parent.parent / "content"

# Runs in the page: everything in the DOM that could run script or load from elsewhere.
FIND_DANGER = """
() => {
  const found = [];
  const urlAttributes = ["href", "src", "action", "formaction", "poster", "data", "xlink:href",
                         "background", "srcset"];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`${el.tagName} ${name}`);
      if (name === "srcdoc") found.push(`${el.tagName} srcdoc`);
      if (urlAttributes.includes(name) &&
          /^(javascript|vbscript|data):/.test(value)) found.push(`${el.tagName} ${name}=${value}`);
      if (urlAttributes.includes(name) && value.includes("evil.example") && el.tagName !== "A")
        found.push(`${el.tagName} loads ${value}`);
    }
  }
  for (const el of document.querySelectorAll("iframe, object, embed, base, frame, applet"))
    found.push(`<${el.tagName.toLowerCase()}>`);
  for (const el of document.querySelectorAll("meta[http-equiv], link:not([rel=stylesheet])"))
    found.push(`<${el.tagName.toLowerCase()} ${el.outerHTML}>`);
  for (const el of document.querySelectorAll("link[rel=stylesheet], script")) {
    const url = el.href || el.src || "";
    if (!url.startsWith(location.origin + "/static/")) found.push(`foreign ${el.outerHTML}`);
  }
  for (const el of document.querySelectorAll("#page-content [style], #page-content style"))
    found.push(`style in content: ${el.outerHTML.slice(0, 80)}`);
  return found;
}
"""


class Visit:
    """Opens pages and checks each: no dialog, no #pwned, nothing dangerous in the DOM."""

    def __init__(self, page, live_server) -> None:
        self.page, self.base = page, live_server.url
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {self.page.url}")
        dialog.dismiss()

    def open(self, path: str) -> str:
        response = self.page.goto(self.base + path)
        assert response.status == 200, f"{path}: {response.status}"
        return self.check(path)

    def check(self, where: str) -> str:
        # Give error and load handlers (img onerror, svg onload, autofocus) time to fire.
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(300)
        assert self.dialogs == [], where
        assert self.page.evaluate("document.querySelector('#pwned')") is None, where
        assert self.page.evaluate(FIND_DANGER) == [], where
        return self.page.content()


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def payload_notes(tmp_path: Path) -> Note:
    """The other notes as they are, and the payload note in place of the Lambda note."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    (folder / "aws-lambda.md").write_text(payload_note(), encoding="utf-8")
    report = import_paths([folder])
    assert report.failed == 0, report.problems
    return Note.objects.get(slug="aws-lambda")


def test_there_are_at_least_thirty_payloads() -> None:
    assert len(PAYLOADS) >= 30
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_payload_runs_on_any_page_that_shows_note_content(
    live_server, page, blocked_requests, payload_notes: Note
) -> None:
    author = get_user_model().objects.create_user("ada", is_staff=True)
    questions = Question.objects.current().filter(note=payload_notes)
    assert questions.filter(kind="authored").exists()
    assert questions.filter(stem__contains="onerror=alert(1)").count() >= 2
    ImportProblem.objects.create(
        path="content/aws-lambda.md",
        line=3,
        level="warning",
        message="decision row '<img src=x onerror=alert(1)>' names no alternative",
        created_at=datetime.now(UTC),
    )
    log_in(page, live_server, author)
    visit = Visit(page, live_server)

    # The notes: list, page (body sanitized at import, headings in the contents escaped).
    visit.open("/notes/")
    html = visit.open("/notes/aws-lambda/")
    assert "Limits &lt;svg onload=alert(1)&gt;" in html  # the payload reached the page, as text
    html = visit.open("/notes/aws-lambda/questions/")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html

    # Studying: each topic crammed, answered wrong, so the feedback shows every explanation.
    for topic in payload_notes.topics.current():
        visit.open(f"/study/cram/aws-lambda/{topic.anchor}/")
        if not page.get_by_test_id("question").count():
            continue
        page.get_by_test_id("choice").first.click()  # a single-answer choice submits itself
        if page.get_by_test_id("submit-answer").count():
            page.get_by_test_id("submit-answer").click()
        page.get_by_test_id("feedback").wait_for()
        visit.check(f"feedback in {topic.title}")

    # A mock exam of the note: a question while taking it, then the review after submitting.
    attempt = attempts.start(author, 10, ["aws-lambda"], datetime.now(UTC))
    visit.open(f"/exams/{attempt.pk}/q/1/")
    attempts.submit(attempt, datetime.now(UTC))
    visit.open(f"/exams/{attempt.pk}/result/")
    html = visit.open(f"/exams/{attempt.pk}/review/")
    assert "onerror=alert(1)" in html  # as text

    # The authoring pages: stored problems, and the note pasted into the preview.
    visit.open("/authoring/problems/")
    visit.open("/authoring/preview/")
    page.fill("#id_text", payload_note())
    page.get_by_test_id("preview-submit").click()
    page.get_by_test_id("preview-html").wait_for(state="attached")
    page.locator("details:has([data-testid=preview-html]) summary").click()
    visit.check("preview")
    assert page.get_by_test_id("authored-question").count() == 1

    assert visit.errors == []
    assert blocked_requests == []
