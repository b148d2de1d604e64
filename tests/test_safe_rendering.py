"""The renderer's promises for untrusted note HTML, checked on every known payload (no browser).

No script, no event handlers, no javascript:/data: URLs, no style attributes, links get
rel="noopener noreferrer", and nothing can load from elsewhere except a plain http(s) image.
The browser test (test_xss_browser.py) checks the same payloads on the real pages.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from studyapp.notes.parser import parse_note
from studyapp.notes.rendering import ALLOWED_TAGS, render_note, topic_anchors
from tests.xss_payloads import PAYLOADS, payload_note

URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "data", "xlink:href"}


class Elements(HTMLParser):
    """Every start tag of a fragment with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def assert_safe(html: str) -> None:
    for tag, attrs in Elements(html).tags:
        assert tag in ALLOWED_TAGS, f"<{tag}> survived: {html}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"handler {name} on <{tag}>: {html}"
            assert name != "style", f"style on <{tag}>: {html}"
            assert not (name == "id" and value == "pwned"), html
            if name in URL_ATTRIBUTES:
                scheme = value.strip().lower().split(":", 1)[0] if ":" in value else ""
                assert scheme in ("", "http", "https", "mailto"), f"{name}={value!r}: {html}"
        if tag == "a" and "href" in attrs:
            assert attrs.get("rel") == "noopener noreferrer", html
        if tag == "img":
            assert attrs.get("src", "").startswith(("http:", "https:")) or "src" not in attrs


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_alone_renders_harmless(payload: str) -> None:
    assert_safe(render_note(f"# Note\n\n{payload}\n"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_inside_a_list_or_table_renders_harmless(payload: str) -> None:
    cell = payload.replace("|", "")
    assert_safe(render_note(f"* Term: {payload}\n\n| A | B |\n|---|---|\n| {cell} | x |\n"))


def test_the_whole_payload_note_renders_harmless() -> None:
    note = parse_note(payload_note(), "content/aws-lambda.md")
    anchors = topic_anchors(note.topics)

    html = render_note(
        note.text,
        anchors={t.line: a for t, a in zip(note.topics, anchors, strict=True)},
        signal_lines=[s.line for s in note.signals],
    )

    assert note.is_valid, note.problems
    assert_safe(html)


def test_an_id_typed_in_raw_html_is_dropped_but_heading_anchors_stay() -> None:
    html = render_note(
        '# Note\n\n<h2 id="page-content">fake</h2>\n\n## Real\n', anchors={5: "real"}
    )

    assert "page-content" not in html
    assert '<h2 id="real">Real</h2>' in html


def test_markdown_links_to_scripts_lose_their_href() -> None:
    html = render_note("[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html,x)")

    assert "href" not in html


def test_links_to_the_web_keep_their_href_and_get_rel() -> None:
    html = render_note("[AWS](https://aws.amazon.com) <https://example.com/x>")

    assert html.count('rel="noopener noreferrer"') == 2
    assert 'href="https://aws.amazon.com"' in html
