"""/authoring/preview/: an author pastes or uploads a note and sees what the app reads, unsaved."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from studyapp.authoring.preview import build_preview
from studyapp.notes.models import ImportProblem, Note
from studyapp.notes.parser import parse_note

pytestmark = pytest.mark.django_db

URL = reverse("authoring:preview")
SEED = Path(__file__).resolve().parent.parent / "content" / "amazon-ecs.md"

NOTE = """\
# AWS Lambda – Serverless Functions

Run code without managing servers.

## 1. Limits

* Timeout: 15 minutes at most
* Memory: 128 MB to 10 GB

**Exam Signal:** If code reacts to events → AWS Lambda; if a job runs for hours → AWS Batch

## 2. Lambda vs Alternatives

| Scenario | Use Lambda | Use Alternative |
|---|---|---|
| Short event handlers | ✅ Functions | Amazon ECS |
| Jobs longer than 15 minutes | ❌ Time limit | AWS Batch |

## 3. Practice

### Question: A nightly job runs for 6 hours. Which service fits best?
- [ ] AWS Lambda
- [x] AWS Batch
- [ ] Amazon EKS
- [ ] Amazon ECS
> Explanation: Lambda stops after 15 minutes.
"""


@pytest.fixture
def author(client: Client) -> Client:
    client.force_login(User.objects.create_user("ada", is_staff=True))
    return client


@pytest.fixture
def learner(client: Client) -> Client:
    client.force_login(User.objects.create_user("lea"))
    return client


# --- Who may use it -------------------------------------------------------------------------------


def test_staff_get_the_form(author: Client) -> None:
    response = author.get(URL)

    assert response.status_code == 200
    assert b'hx-post="/authoring/preview/"' in response.content
    assert b'hx-trigger="keyup changed delay:500ms, change, submit"' in response.content
    assert b'enctype="multipart/form-data"' in response.content
    assert b'id="preview"' in response.content


def test_a_learner_on_a_team_server_is_sent_to_the_staff_login(learner: Client) -> None:
    response = learner.post(URL, {"text": NOTE})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_anonymous_visitors_are_sent_to_the_staff_login(client: Client) -> None:
    assert client.get(URL).status_code == 302


@override_settings(LOCAL_MODE=True)
def test_in_local_mode_the_person_at_the_machine_may_preview(client: Client) -> None:
    response = client.post(URL, {"text": NOTE})

    assert response.status_code == 200
    assert b"AWS Lambda" in response.content


# --- Plain form and htmx ------------------------------------------------------------------------


def test_a_plain_post_shows_the_whole_page_with_what_was_read(author: Client) -> None:
    response = author.post(URL, {"text": NOTE})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<!doctype html>" in html
    assert "<textarea" in html  # the form comes back with the text, to edit further
    assert "Limits" in html and "line 5" in html
    assert "Timeout" in html
    assert "code reacts to events → <strong>AWS Lambda</strong>" in html
    assert "Jobs longer than 15 minutes" in html and "❌ no" in html
    assert "A nightly job runs for 6 hours. Which service fits best?" in html
    assert "✔ AWS Batch" in html
    assert "Lambda stops after 15 minutes." in html
    assert 'class="note-body"' in html


def test_an_htmx_post_answers_with_the_fragment_alone(author: Client) -> None:
    response = author.post(URL, {"text": NOTE}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<!doctype html>" not in html
    assert "<textarea" not in html
    assert html.count('<section id="preview"') == 1
    assert "A nightly job runs for 6 hours." in html
    assert "HX-Request" in response["Vary"]


def test_problems_are_listed_with_their_lines(author: Client) -> None:
    broken = NOTE.replace(
        "**Exam Signal:** If code reacts to events → AWS Lambda; "
        "if a job runs for hours → AWS Batch",
        "**Exam Signal:**",
    ).replace(
        "| Short event handlers | ✅ Functions | Amazon ECS |",
        "| Short event handlers | ✅ Functions | Amazon ECS | extra |",
    )

    response = author.post(URL, {"text": broken}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "line 10: <strong>error</strong>: exam signal marker has no sentence after it" in html
    assert "line 16: <strong>error</strong>" in html
    assert "This note would not import" in html


def test_previewing_saves_nothing(author: Client) -> None:
    author.post(URL, {"text": NOTE})
    author.post(URL, {"text": "# Broken\n\n## A\n\n## A\n"})

    assert Note.objects.count() == 0
    assert ImportProblem.objects.count() == 0


def test_an_empty_form_shows_a_hint_not_an_error(author: Client) -> None:
    response = author.post(URL, {"text": ""}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert b"Type or paste a note" in response.content


# --- Uploads ------------------------------------------------------------------------------------


def test_an_uploaded_note_is_previewed(author: Client) -> None:
    upload = SimpleUploadedFile("aws-lambda.md", NOTE.encode(), content_type="text/markdown")

    response = author.post(URL, {"text": "", "upload": upload})

    assert response.status_code == 200
    assert b"A nightly job runs for 6 hours." in response.content


def test_an_uploaded_damaged_note_is_repaired_and_flagged(author: Client) -> None:
    upload = SimpleUploadedFile("amazon-ecs.md", SEED.read_bytes())

    response = author.post(URL, {"upload": upload}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "📘 Amazon ECS" in html
    assert "suspicious encoding" in html


def test_a_binary_upload_is_a_form_error(author: Client) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    upload = SimpleUploadedFile("picture.md", png, content_type="image/png")

    response = author.post(URL, {"upload": upload}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert b'data-testid="form-errors"' in response.content
    assert b"This is not a text file" in response.content


def test_an_upload_over_one_megabyte_is_a_form_error(author: Client) -> None:
    upload = SimpleUploadedFile("big.md", b"# Big\n\n" + b"x" * (1024 * 1024))

    response = author.post(URL, {"upload": upload})

    assert response.status_code == 200
    assert b"larger than 1 MB" in response.content


def test_undecodable_text_is_a_problem_with_its_line_not_a_crash(author: Client) -> None:
    upload = SimpleUploadedFile(
        "latin1.md", "# Café\n\n## Thé\n\n* Crème: brûlée\n".encode("latin-1")
    )

    response = author.post(URL, {"upload": upload}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert (
        "line 1: <strong>error</strong>: byte 0xe9 is not valid UTF-8" in response.content.decode()
    )


# --- Safety -------------------------------------------------------------------------------------


def test_html_in_a_note_is_sanitized_and_its_text_escaped(author: Client) -> None:
    evil = NOTE.replace(
        "Run code without managing servers.",
        "<script>alert(1)</script><img src=x onerror=alert(2)> <b onclick=alert(3)>x</b>",
    ).replace("* Memory:", "* <svg onload=alert(4)>:")

    response = author.post(URL, {"text": evil})

    html = response.content.decode()
    assert "<script>alert" not in html
    assert "onerror" not in html.replace("&lt;img src=x onerror=alert(2)&gt;", "")
    assert "<svg" not in html
    assert "onclick=alert" not in html.replace("&lt;b onclick=alert(3)&gt;", "")


# --- The core, without the page ------------------------------------------------------------------


def test_other_notes_give_the_wrong_choices_and_the_stored_version_is_left_out() -> None:
    stored_lambda = parse_note(NOTE, "content/aws-lambda.md")
    ecs = parse_note(SEED.read_bytes(), "content/amazon-ecs.md")

    preview = build_preview(NOTE, "preview.md", [stored_lambda, ecs])

    texts = {c.text for q in preview.generated for c in q.choices}
    assert preview.generated, "the note's signals and rows give questions"
    assert all(q.note_slug == "preview" for q in preview.generated)
    assert any("ECS" in t for t in texts)
    assert all(p.path == "preview.md" for p in preview.problems)
