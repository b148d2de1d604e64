"""Rendering a note to stored HTML: safe whatever the author wrote, with anchors that match."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import TocTreeprocessor

from studyapp.notes import rendering
from studyapp.notes.parsed import Topic
from studyapp.notes.parser import parse_note
from studyapp.notes.rendering import (
    _BlockLevel,
    _build_markdown,
    _QuickInlineProcessor,
    _QuickToc,
    render_note,
    topic_anchors,
)

NOTE = """\
# 📘 Amazon ECS – Elastic Container Service

Amazon ECS runs containers.

## ✅ 1. Deployment Models

* EC2 Launch Type: Run containers on EC2 instances you manage
* Fargate Launch Type: Serverless containers
  - Nested: under Fargate

**📌 Exam Signal:**
If managing infrastructure is required → EC2 launch type.

## ✅ 2. Use Cases

| Use Case | Explanation |
| -------- | ----------- |
| Microservices | Containerize them |
"""


def ids_in(html: str) -> list[str]:
    return re.findall(r' id="([^"]*)"', html)


def test_script_tags_are_removed_with_their_content() -> None:
    html = render_note("Hello\n\n<script>alert('x')</script>\n\nbye")

    assert "<script" not in html
    assert "alert" not in html
    assert "Hello" in html


def test_event_handlers_and_style_are_stripped() -> None:
    html = render_note(
        '<img src="https://example.com/a.png" onerror="alert(1)">\n\n'
        '<p style="color:red" onclick="alert(2)">hi</p>'
    )

    assert "onerror" not in html
    assert "onclick" not in html
    assert "style" not in html
    assert 'src="https://example.com/a.png"' in html


def test_javascript_and_data_urls_are_dropped() -> None:
    html = render_note(
        "[click](javascript:alert(1)) <a href='JaVaScRiPt:alert(2)'>b</a> "
        "![x](data:image/png;base64,AAAA) <img src='data:text/html,hi'>"
    )

    assert "javascript" not in html.lower()
    assert "data:" not in html


def test_images_load_only_over_http_or_https() -> None:
    html = render_note("![local](/etc/passwd.png) ![remote](https://example.com/i.png)")

    assert 'src="https://example.com/i.png"' in html
    assert "/etc/passwd" not in html


def test_links_get_noopener_noreferrer() -> None:
    html = render_note("[AWS](https://aws.amazon.com 'AWS site')")

    assert (
        '<a href="https://aws.amazon.com" title="AWS site" rel="noopener noreferrer">AWS</a>'
        in html
    )


def test_iframes_forms_and_unknown_tags_do_not_survive() -> None:
    html = render_note(
        '<iframe src="https://evil.example"></iframe><form action="/x"><input name="a"></form>'
        "<object data='x'></object><svg onload='alert(1)'></svg>"
    )

    for tag in ("<iframe", "<form", "<input", "<object", "<svg"):
        assert tag not in html


def test_an_author_cannot_add_classes_or_ids_other_than_headings() -> None:
    html = render_note('<p class="exam-signal admin" id="x">fake</p>\n\n<div class="evil">d</div>')

    assert "admin" not in html
    assert "evil" not in html
    assert 'id="x"' not in html


def test_tables_render_as_html_tables() -> None:
    html = render_note(NOTE)

    assert "<table>" in html
    assert "<th>Use Case</th>" in html
    assert "<td>Microservices</td>" in html


def test_topic_headings_get_exactly_the_anchors_given() -> None:
    html = render_note(NOTE, anchors={5: "deployment-models", 14: "use-cases"})

    assert '<h2 id="deployment-models">' in html
    assert '<h2 id="use-cases">' in html


def test_anchors_on_lines_that_are_not_headings_are_ignored() -> None:
    html = render_note(NOTE, anchors={3: "not-a-heading"})

    assert "not-a-heading" not in html
    assert "<p>Amazon ECS runs containers.</p>" in html


def test_exam_signal_paragraph_is_marked() -> None:
    html = render_note(NOTE, signal_lines=[12])

    assert re.search(r'<p class="exam-signal"><strong>📌 Exam Signal:</strong>', html)
    assert html.count("exam-signal") == 1


def test_two_space_nested_bullets_render_nested() -> None:
    html = render_note(NOTE)

    assert re.search(r"Serverless containers\s*<ul>\s*<li>Nested: under Fargate</li>", html)


def test_crlf_notes_render_like_lf_notes() -> None:
    anchors = {5: "deployment-models"}

    assert render_note(NOTE.replace("\n", "\r\n"), anchors=anchors, signal_lines=[12]) == (
        render_note(NOTE, anchors=anchors, signal_lines=[12])
    )


def test_private_use_marker_characters_typed_by_an_author_are_harmless() -> None:
    html = render_note("## Title \ue000h0\ue001\n\ntext \ue000s\ue001", anchors={})

    assert "\ue000" not in html
    assert "exam-signal" not in html


def test_topic_anchors_are_unique_and_never_empty() -> None:
    topics = [
        Topic(title="Use Cases", line=1, level=2, anchor="use-cases"),
        Topic(title="Use cases!", line=5, level=2, anchor="use-cases"),
        Topic(title="🧠", line=9, level=2, anchor=""),
    ]

    assert topic_anchors(topics) == ["use-cases", "use-cases-2", "section-3"]


@given(st.text())
def test_arbitrary_text_renders_without_scripts_or_handlers(text: str) -> None:
    html = render_note(text, anchors={1: "a"}, signal_lines=[1, 2])

    assert "<script" not in html.lower()
    assert not re.search(r"<[^>]+\son\w+=", html.lower())


# --- One renderer reused: the same HTML as a renderer of its own ---------------------------


def render_in_new_thread(text: str, **kwargs: object) -> str:
    """The HTML from a renderer that never rendered anything else (one is kept per thread)."""
    found: list[str] = []
    thread = threading.Thread(target=lambda: found.append(render_note(text, **kwargs)))
    thread.start()
    thread.join()
    return found[0]


def test_a_note_renders_the_same_after_other_notes() -> None:
    anchors = {5: "deployment", 21: "use-cases"}
    alone = render_in_new_thread(NOTE, anchors=anchors, signal_lines=[12])

    render_note("# Other\n\n## Deployment Models\n\n[x]: https://example.com\n\n[x] and *more*")
    render_note(NOTE, anchors={5: "other-id"}, signal_lines=[6, 7])

    assert render_note(NOTE, anchors=anchors, signal_lines=[12]) == alone


def test_threads_rendering_at_once_each_get_their_own_html() -> None:
    notes = [NOTE.replace("Amazon ECS", f"Service {i}") for i in range(8)]
    expected = [render_note(note, anchors={5: f"deploy-{i}"}) for i, note in enumerate(notes)]
    found: dict[int, str] = {}

    def render(i: int) -> None:
        for _ in range(20):
            found[i] = render_note(notes[i], anchors={5: f"deploy-{i}"})

    threads = [threading.Thread(target=render, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [found[i] for i in range(8)] == expected


def plain_markdown() -> markdown.Markdown:
    """python-markdown as configured for notes, with its own inline processor."""
    return markdown.Markdown(
        extensions=["tables", "sane_lists", "fenced_code", "toc"],
        extension_configs={"tables": {"use_align_attribute": True}},
    )


def quick_markdown() -> markdown.Markdown:
    md = plain_markdown()
    _QuickInlineProcessor.install(md)
    return md


def test_the_quick_inline_processor_is_in_use() -> None:
    # If python-markdown drops the private method it overrides, notes still render the same,
    # only a quarter slower: this says so.
    assert isinstance(quick_markdown().treeprocessors["inline"], _QuickInlineProcessor)


# Markdown made of what notes hold, and of what the inline patterns look for.
INLINE_TOKENS = [
    *"abc XYZ 123 .,:;!?-|#>()",
    *["`", "``", "\\", "[", "]", "](", "![", "<", ">", "&", "&amp;", "&#35;", "*", "**", "_", "__"],
    *["  \n", "\n", "\n\n", "\n- ", "\n* ", "\n1. ", "\n## ", "\n| a | b |\n|---|---|\n| "],
    *["<b>", "</b>", "<https://example.com>", "<me@example.com>", "[ref]: https://x.y\n"],
    *["📘", "✅", "→", "–", "\x02", "\x03", "\ue000", "\n```\n", "\n    code\n"],
]


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.sampled_from(INLINE_TOKENS), max_size=40))
@example(["`a`"])
@example(["\\*a"])
@example(["[a](b)"])
@example(["![a](b)"])
@example(["<b>a</b>"])
@example(["<https://a.b>"])
@example(["a &copy; b"])
@example(["*a*"])
@example(["__a__"])
@example(["a  \nb"])
def test_skipping_texts_no_inline_pattern_can_match_changes_no_html(parts: list[str]) -> None:
    text = "".join(parts)
    assert quick_markdown().convert(text) == plain_markdown().convert(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_skipping_texts_changes_no_html_of_any_text(text: str) -> None:
    assert quick_markdown().convert(text) == plain_markdown().convert(text)


def test_the_block_level_look_up_is_kept_per_tag() -> None:
    md, _markers = _build_markdown()
    assert md.is_block_level.__self__.__class__ is _BlockLevel  # type: ignore[attr-defined]


def test_the_table_of_contents_looks_for_its_marker_only_in_notes_that_have_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    md, _markers = _build_markdown()
    assert isinstance(md.treeprocessors["toc"], _QuickToc)
    walks = []
    monkeypatch.setattr(TocTreeprocessor, "replace_marker", lambda *args: walks.append(args))

    render_note("## Launch Types\n\nNo table of contents here.\n")
    assert walks == []
    render_note("[TOC]\n\n## Launch Types\n")
    assert len(walks) == 1
    # A python-markdown that no longer keeps the note's lines (this instance has converted
    # nothing, so it has none) gets the walk every time.
    assert not hasattr(md, "lines")
    md.treeprocessors["toc"].replace_marker(None, None)
    assert len(walks) == 2
    monkeypatch.undo()

    with_marker = render_note("[TOC]\n\n## Launch Types\n\n## Networking\n")
    assert '<div class="toc">' not in with_marker  # the sanitizer drops the div, keeps the list
    assert re.search(r"<li><a href=\"#launch-types\"[^>]*>Launch Types</a></li>", with_marker)
    assert "[TOC]" not in with_marker
    # Escaped, in code, or in a sentence, it is text: left as written.
    assert "[TOC]" in render_note("\\[TOC]\n\n## A\n")
    assert "<code>[TOC]</code>" in render_note("`[TOC]`\n\n## A\n")


# Headings as notes write them and as toc must number them: repeated titles, titles that
# end like toc's own suffixes ("Intro_1"), markup and entities in titles, a [TOC] paragraph,
# raw HTML headings with and without ids, and setext headings.
HEADING_TOKENS = [
    *["\n# ", "\n## ", "\n### ", "\n#### ", "\n\n", "\n", " ", "Intro", "Intro_1", "intro-2"],
    *["Launch Types", "`code`", "*em*", "**strong**", "&amp;", "&", "📘", "Amazon ECS 0001"],
    *["\n\n[TOC]\n\n", "[TOC]", "\n<h2>Raw</h2>\n", '\n<h3 id="intro">Raw id</h3>\n'],
    *["`[TOC]`", "\\[TOC]", "\n```\n[TOC]\n```\n", "\n\n    [TOC]\n\n"],
    *["\n===\n", "\n---\n", "\n- item", "\n| a | b |\n|---|---|\n| c | d |\n"],
    *["\n```\n# no\n```\n"],
    *["[link](https://x.y)", "<b>b</b>", "x_1_2", "\n    # indented\n"],
]


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.sampled_from(HEADING_TOKENS), max_size=40))
@example(["\n## ", "Intro", "\n## ", "Intro", "\n## ", "Intro_1"])
@example(["\n\n[TOC]\n\n", "\n## ", "Intro"])
@example(["\n```\n[TOC]\n```\n", "\n## ", "Intro"])
@example(["`[TOC]`", "\n## ", "Intro", "\n\n", "\\[TOC]"])
@example(["\n# ", "**strong**", " ", "&amp;", '\n<h3 id="intro">Raw id</h3>\n', "\n## ", "Intro"])
def test_the_lean_processors_change_no_html(parts: list[str]) -> None:
    text = "".join(parts)
    lean, _markers = _build_markdown()
    full, _markers = _build_markdown(lean=False)
    assert lean.convert(text) == full.convert(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_the_lean_processors_change_no_html_of_any_text(text: str) -> None:
    lean, _markers = _build_markdown()
    full, _markers = _build_markdown(lean=False)
    assert lean.convert(text) == full.convert(text)


def test_notes_render_the_same_with_the_lean_processors() -> None:
    # Whole notes, with their topic ids and signal classes placed: content/ as imported.
    for path in sorted(Path(__file__).resolve().parent.parent.joinpath("content").glob("*.md")):
        parsed = parse_note(path.read_bytes(), str(path))
        ids = topic_anchors(parsed.topics)
        anchors = {t.line: a for t, a in zip(parsed.topics, ids, strict=True)}
        signals = [s.line for s in parsed.signals]
        lean = render_note(parsed.text, anchors=anchors, signal_lines=signals)
        with _full_markdown():
            full = render_note(parsed.text, anchors=anchors, signal_lines=signals)
        assert lean == full, path.name


@contextmanager
def _full_markdown() -> Iterator[None]:
    """render_note in this thread with python-markdown's own processors."""
    saved = rendering._local.__dict__.copy()
    rendering._local.markdown, rendering._local.markers = _build_markdown(lean=False)
    try:
        yield
    finally:
        rendering._local.__dict__.clear()
        rendering._local.__dict__.update(saved)
