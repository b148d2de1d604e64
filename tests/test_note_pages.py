"""The notes pages: the list of notes, one note with its contents, and the home page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.test import Client

from studyapp.notes import parsed as p
from studyapp.notes.importer import import_paths, save_note
from studyapp.notes.models import Note

SEED = Path(__file__).resolve().parent.parent / "content" / "amazon-ecs.md"

pytestmark = pytest.mark.django_db


def hostile_note(slug: str = "hostile", title: str = "Hostile <b>note</b>") -> Note:
    """A note whose author tried to smuggle scripts into the page."""
    text = (
        f"# {title}\n"
        "\n"
        "## 1. Tricks\n"
        "\n"
        "<script>document.title = 'owned'</script>\n"
        '<img src="https://example.com/x.png" onerror="alert(1)">\n'
        "\n"
        "* [Click me](javascript:alert(2))\n"
        "\n"
        "**Exam Signal:** If in doubt → sanitize\n"
    )
    parsed_note = p.ParsedNote(
        path=f"content/{slug}.md",
        title=title,
        service="Hostile",
        short_name="Hostile",
        intro="",
        text=text,
        content_hash=slug,
        topics=(
            p.Topic(
                title="Tricks",
                line=3,
                level=2,
                anchor="tricks",
                facts=(p.Fact(term="", text="[Click me](javascript:alert(2))", line=8),),
                signals=(
                    p.Signal(
                        text="If in doubt → sanitize",
                        line=10,
                        rules=(p.Rule(when="in doubt", choose="sanitize"),),
                    ),
                ),
            ),
        ),
    )
    return save_note(parsed_note, slug)


@pytest.fixture(autouse=True)
def reader(client: Client, django_user_model):
    """Notes are for signed-in people; every test here reads them as one (but the first)."""
    user = django_user_model.objects.create_user("reader")
    client.force_login(user)
    return user


def test_notes_are_not_shown_to_anonymous_visitors(ecs: Note) -> None:
    anonymous = Client()

    for url in ("/notes/", f"/notes/{ecs.slug}/"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.fixture
def ecs(tmp_path: Path) -> Note:
    shutil.copyfile(SEED, tmp_path / "amazon-ecs.md")
    import_paths([tmp_path])
    return Note.objects.get(slug="amazon-ecs")


def test_home_links_to_the_notes(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert b'href="/notes/"' in response.content


def test_the_layout_loads_htmx_from_this_site_and_sends_the_csrf_token(client: Client) -> None:
    response = client.get("/")

    html = response.content.decode()
    assert 'hx-headers=\'{"x-csrftoken": "' in html
    assert '<script src="/static/django_htmx/htmx' in html
    assert "https://" not in html.split("<body")[0]


def test_the_list_shows_every_note_with_topic_and_signal_counts(client: Client, ecs: Note) -> None:
    hostile_note()

    response = client.get("/notes/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/notes/{ecs.slug}/"' in html
    assert "9 topics" in html
    assert "7 exam signals" in html
    assert 'href="/notes/hostile/"' in html
    assert "1 topic<" in html
    assert "1 exam signal<" in html


def test_retired_topics_are_not_counted(client: Client, ecs: Note) -> None:
    ecs.topics.filter(title="Use Cases").update(retired_at=ecs.updated_at)
    ecs.topics.get(title="Use Cases").signals.update(retired_at=ecs.updated_at)

    html = client.get("/notes/").content.decode()

    assert "8 topics" in html
    assert "6 exam signals" in html


def test_the_list_costs_the_same_queries_for_one_note_or_many(
    client: Client, django_assert_num_queries
) -> None:
    hostile_note("one")
    client.get("/notes/")  # warm-up: template caches
    # The session, the user, then the notes with their counts in one query.
    with django_assert_num_queries(3):
        client.get("/notes/")

    for i in range(5):
        hostile_note(f"more-{i}")
    with django_assert_num_queries(3):
        response = client.get("/notes/")

    assert response.content.decode().count('class="note-card"') == 6


def test_a_note_page_shows_the_stored_html_and_a_table_of_contents(
    client: Client, ecs: Note
) -> None:
    response = client.get(f"/notes/{ecs.slug}/")

    html = response.content.decode()
    assert response.status_code == 200
    for topic in ecs.topics.current():
        assert f'<a href="#{topic.anchor}">' in html
        assert f'id="{topic.anchor}"' in html
    assert ecs.body_html in html
    assert html.count('class="exam-signal"') >= 6


def test_a_note_page_costs_two_queries_besides_the_session(
    client: Client, ecs: Note, django_assert_num_queries
) -> None:
    client.get(f"/notes/{ecs.slug}/")
    with django_assert_num_queries(2 + 2):  # session and user; the note; its topics
        client.get(f"/notes/{ecs.slug}/")


def test_a_note_page_offers_to_practise_it(client: Client, ecs: Note) -> None:
    html = client.get(f"/notes/{ecs.slug}/").content.decode()

    assert f'href="/study/cram/{ecs.slug}/"' in html
    assert f'href="/notes/{ecs.slug}/questions/"' not in html, "the answer key is for authors"


def test_a_note_page_links_authors_to_its_questions(client: Client, ecs: Note, settings) -> None:
    settings.LOCAL_MODE = True

    html = client.get(f"/notes/{ecs.slug}/").content.decode()

    assert f'href="/notes/{ecs.slug}/questions/"' in html


def test_a_note_page_never_renders_markdown_per_request(client: Client, ecs: Note) -> None:
    Note.objects.filter(pk=ecs.pk).update(body_html="<p>stored once</p>")

    html = client.get(f"/notes/{ecs.slug}/").content.decode()

    assert "<p>stored once</p>" in html
    assert "Deployment Models</h2>" not in html


def test_an_unknown_slug_is_a_404(client: Client) -> None:
    assert client.get("/notes/no-such-note/").status_code == 404


def test_scripts_in_a_note_do_not_reach_the_page(client: Client) -> None:
    hostile_note()

    html = client.get("/notes/hostile/").content.decode()

    body = html.split('<article class="note-body">')[1]
    assert "<script" not in body
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "Hostile &lt;b&gt;note&lt;/b&gt;" in html.split("</title>")[0]
    assert '<p class="exam-signal">' in body


def test_the_list_escapes_note_titles(client: Client) -> None:
    hostile_note()

    html = client.get("/notes/").content.decode()

    assert "Hostile &lt;b&gt;note&lt;/b&gt;" in html
