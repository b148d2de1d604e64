"""/authoring/problems/: what the last imports found, for the staff, newest import first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from studyapp.notes.models import ImportProblem

pytestmark = pytest.mark.django_db

URL = reverse("authoring:problems")
EARLIER = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def problem(path: str, line: int, message: str, *, minutes: int = 0, level: str = "error") -> None:
    ImportProblem.objects.create(
        path=path,
        line=line,
        level=level,
        message=message,
        created_at=EARLIER + timedelta(minutes=minutes),
    )


@pytest.fixture
def author(client: Client) -> Client:
    client.force_login(User.objects.create_user("ada", is_staff=True))
    return client


def test_problems_are_listed_newest_import_first(author: Client) -> None:
    problem("content/old.md", 3, "first old problem")
    problem("content/new.md", 9, "newest problem", minutes=5)
    problem("content/old.md", 1, "second old problem", level="warning")

    html = author.get(URL).content.decode()

    assert html.index("newest problem") < html.index("second old problem")
    assert html.index("second old problem") < html.index("first old problem")
    assert "2 errors, 1 warning." in html


def test_the_messages_are_escaped(author: Client) -> None:
    problem("content/x.md", 2, "duplicate section heading '<script>alert(1)</script>'")

    html = author.get(URL).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_problems_says_so(author: Client) -> None:
    assert b"No problems" in author.get(URL).content


def test_the_page_costs_the_same_queries_for_few_or_many_problems(
    author: Client, django_assert_max_num_queries
) -> None:
    for i in range(3):
        problem(f"content/n{i}.md", i + 1, "x")
    author.get(URL)  # warm the session
    with django_assert_max_num_queries(4) as few:
        author.get(URL)
    for i in range(3, 60):
        problem(f"content/n{i}.md", i + 1, "x")

    with django_assert_max_num_queries(len(few.captured_queries)):
        author.get(URL)


def test_learners_on_a_team_server_are_sent_to_the_staff_login(client: Client) -> None:
    client.force_login(User.objects.create_user("lea"))

    response = client.get(URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@override_settings(LOCAL_MODE=True)
def test_in_local_mode_the_page_is_open(client: Client) -> None:
    assert client.get(URL).status_code == 200


def test_the_nav_links_the_authoring_pages_for_staff_only(author: Client) -> None:
    assert b'href="/authoring/preview/"' in author.get("/notes/").content

    learner = Client()
    learner.force_login(User.objects.create_user("lea"))
    assert b'href="/authoring/preview/"' not in learner.get("/notes/").content
