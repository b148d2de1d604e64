"""Render a note's markdown to the sanitized HTML stored with it (pure: no Django).

Topic headings get the ids the importer stores as `Topic.anchor`, and the paragraphs holding an
exam signal get the class `exam-signal`. Both are placed by source line: before rendering, a
marker made of private-use characters is put on each of those lines; after python-markdown has
built its tree, a tree processor turns each marker into the id or class on the element the line
became, and removes it. No author-facing attribute syntax (attr_list) is enabled for this.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable, Mapping

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, TocTreeprocessor, slugify
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from studyapp.notes.parsed import Topic

SIGNAL_CLASS = "exam-signal"

_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"{_OPEN}([hs])(\\d*){_CLOSE}")
_ANY_MARKER_CHAR = re.compile(f"[{_OPEN}{_CLOSE}]")
_ATX_START = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])[ \t]*(\1[ \t]*){2,}$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_LIST_ITEM = re.compile(r"^[ \t]*([*+-]|\d{1,9}[.)])([ \t]|$)")
_TRAILING_SPACE = re.compile(r"[ \t]*$")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SIGNAL_HOLDERS = {"p", "li"}

ALLOWED_TAGS = {
    *_HEADINGS,
    "p",
    "br",
    "hr",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "strong",
    "em",
    "code",
    "pre",
    "a",
    "img",
}
ALLOWED_ATTRIBUTES = {
    **{tag: {"id"} for tag in _HEADINGS},
    "a": {"href", "title"},
    "img": {"src", "alt"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}


def topic_anchors(topics: Iterable[Topic]) -> list[str]:
    """One unique, non-empty anchor per topic: the parser's if it has one, else the title's slug."""
    used: set[str] = set()
    anchors = []
    for i, topic in enumerate(topics, 1):
        base = topic.anchor or slugify(topic.title, "-") or f"section-{i}"
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        anchors.append(anchor)
    return anchors


def render_note(
    text: str, *, anchors: Mapping[int, str] | None = None, signal_lines: Collection[int] = ()
) -> str:
    """Markdown to sanitized HTML.

    `anchors` maps the 1-based line of a heading to the id it must get; `signal_lines` are the
    lines of exam signal sentences, whose paragraph (or list item) gets class `exam-signal`.
    Line numbers count lines of `text` with CRLF and CR read as line ends.
    """
    anchors = dict(anchors or {})
    text = _ANY_MARKER_CHAR.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = normalize_list_indentation(text.split("\n"))
    ids = list(anchors.values())
    for number, line in enumerate(anchors):
        if 1 <= line <= len(lines):
            lines[line - 1] = _mark_heading(lines, line - 1, number)
    for line in set(signal_lines):
        if 1 <= line <= len(lines):
            lines[line - 1] = _mark_signal(lines[line - 1])
    md, markers = _markdown(ids)
    html = _ANY_MARKER_CHAR.sub("", md.convert("\n".join(lines)))
    return sanitize(html, heading_ids=markers.heading_ids)


_local = threading.local()


def _markdown(ids: list[str]) -> tuple[markdown.Markdown, _LineMarkers]:
    """This thread's Markdown, reset for a new note whose headings get `ids`."""
    # Building a Markdown with its extensions for every note took 7% of the rendering time;
    # one instance is reused instead, one per thread since an instance keeps the state of
    # the text it is converting.
    if not hasattr(_local, "markdown"):
        _local.markdown, _local.markers = _build_markdown()
    _local.markdown.reset()  # also resets `markers`
    _local.markers.ids = ids
    return _local.markdown, _local.markers


def _build_markdown(*, lean: bool = True) -> tuple[markdown.Markdown, _LineMarkers]:
    """A configured Markdown and its line markers. `lean` swaps in the faster pieces that
    give the same HTML (`_QuickInlineProcessor`, `_BlockLevel`, `_QuickToc`); the tests
    compare both."""
    markers = _LineMarkers()
    toc = TocExtension()
    if lean:
        toc.TreeProcessorClass = _QuickToc
    md = markdown.Markdown(
        extensions=["tables", "sane_lists", "fenced_code", toc, markers],
        extension_configs={"tables": {"use_align_attribute": True}},
    )
    if lean:
        _QuickInlineProcessor.install(md)
        md.is_block_level = _BlockLevel(md).__getitem__  # type: ignore[method-assign]
    return md, markers


def sanitize(html: str, *, heading_ids: Collection[str] = ()) -> str:
    """Keep a conservative set of tags; links get rel=noopener; images only over http(s).

    Headings keep only the ids in `heading_ids` (those the renderer gave them): an id typed
    in raw HTML could clobber a DOM global or steal a page element's id.
    """
    allowed_ids = frozenset(heading_ids)

    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id" and value not in allowed_ids:
            return None
        return _filter_attribute(tag, attribute, value)

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        allowed_classes={tag: {SIGNAL_CLASS} for tag in _SIGNAL_HOLDERS},
        strip_comments=True,
    )


def normalize_list_indentation(lines: list[str]) -> list[str]:
    """Re-indent nested list items to the 4 spaces python-markdown needs.

    Notes nest bullets by 2 spaces (as most editors do); python-markdown would flatten them.
    Each item's depth is read from its indentation relative to the items above it, then the
    item (and its indented continuation lines) is indented by 4 spaces per level. The number
    of lines never changes, so source line numbers stay valid.
    """
    result = []
    stack: list[int] = []  # source indentation of the open item at each depth
    in_fence = previous_blank = False
    for line in lines:
        content = line.lstrip(" \t")
        indent = len(line[: len(line) - len(content)].expandtabs(4))
        if _FENCE.match(line):
            in_fence, stack = not in_fence, []
        elif in_fence or _THEMATIC_BREAK.match(line):
            pass
        elif _LIST_ITEM.match(line):
            while stack and indent < stack[-1]:
                stack.pop()
            if not stack or indent >= stack[-1] + 2:
                stack.append(indent)
            else:
                stack[-1] = indent
            line = " " * (4 * (len(stack) - 1)) + content
        elif stack and content and indent > 0:
            # A continuation line belongs to the deepest item it is indented past.
            line = " " * (4 * sum(1 for start in stack if start < indent)) + content
        elif stack and content and previous_blank:
            stack = []
        previous_blank = not content
        result.append(line)
    return result


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.lower().startswith(("http:", "https:")):
        return None
    return value


def _mark_heading(lines: list[str], index: int, number: int) -> str:
    """Put heading marker `number` on line `index` if that line is a heading; else leave it."""
    line = lines[index]
    marker = f"{_OPEN}h{number}{_CLOSE}"
    atx = _ATX_START.match(line)
    if atx:
        # Right after the hashes, so that closing hashes (`## Title ##`) stay at the end.
        return f"{line[: atx.end()]}{marker}{line[atx.end() :]}"
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if line.strip() and _SETEXT_UNDERLINE.match(following):
        return f"{marker}{line}"
    return line


def _mark_signal(line: str) -> str:
    """Put the signal marker at the end of a text line, before any hard-break spaces."""
    if not line.strip() or _THEMATIC_BREAK.match(line) or _FENCE.match(line):
        return line
    end = _TRAILING_SPACE.search(line).start()
    return f"{line[:end]}{_OPEN}s{_CLOSE}{line[end:]}"


class _QuickInlineProcessor(InlineProcessor):
    """python-markdown's inline processor, skipping the texts no inline pattern can match.

    It tries each of its 14 patterns on every text of the tree (a table cell, a bullet), one
    regex call each, and most texts of a note hold none of the characters those patterns
    need: skipping them is a quarter of the rendering time, with the same HTML.
    """

    # Code, escapes, links and images, autolinks and raw HTML, entities, emphasis, and hard
    # line breaks: every pattern of the set below needs one of these to match.
    PATTERNS = {
        "backtick",
        "escape",
        "reference",
        "link",
        "image_link",
        "image_reference",
        "short_reference",
        "short_image_ref",
        "autolink",
        "automail",
        "linebreak",
        "html",
        "entity",
        "em_strong",
    }
    MAY_MATCH = re.compile(r"[`\\\[<&*_]|  \n")

    @classmethod
    def install(cls, md: markdown.Markdown) -> None:
        # Only over the patterns above, and only while python-markdown still has the private
        # method overridden below; otherwise its own processor stays (slower, same HTML).
        known = {item.name for item in md.inlinePatterns._priority} <= cls.PATTERNS
        if known and hasattr(InlineProcessor, "_InlineProcessor__handleInline"):
            priority = next(i.priority for i in md.treeprocessors._priority if i.name == "inline")
            md.treeprocessors.register(cls(md), "inline", priority)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if patternIndex == 0 and self.MAY_MATCH.search(data) is None:
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


class _QuickToc(TocTreeprocessor):
    """python-markdown's table of contents, looking for its `[TOC]` marker only in notes
    that have one.

    The look-up walks every element of the tree, with each one's parent, to compare its
    text: 5% of the rendering time, and notes seldom ask for a table of contents. A
    paragraph can only equal the marker if a line of the note (after the preprocessors,
    which stash fenced code away) holds it as typed, so a note none of whose lines do has
    nothing to replace. A line holding it escaped or in inline code still gets the walk,
    which leaves it as text.
    """

    def replace_marker(self, root: ET.Element, elem: ET.Element) -> None:
        # `Markdown.lines` is set by `convert`, not promised by the API: without it, walk.
        lines = getattr(self.md, "lines", None)
        if lines is None or any(self.marker in line for line in lines):
            super().replace_marker(root, elem)


class _BlockLevel(dict):
    """`Markdown.is_block_level`, tag by tag, worked out once per tag.

    python-markdown asks it about every element several times (lowercasing the tag and
    scanning a list of 50 names each time): 5% of the rendering time. Extensions add block
    level tags only while the instance is built, before this is installed.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__()
        self.is_block_level = md.is_block_level  # the instance's own, bound before replaced

    def __missing__(self, tag: object) -> bool:
        value = self.is_block_level(tag)
        if len(self) < 1024:  # tags of raw HTML are the author's: keep a bounded number
            self[tag] = value
        return value


class _MarkerProcessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, markers: _LineMarkers) -> None:
        super().__init__(md)
        self.markers = markers

    def run(self, root: ET.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in list(root.iter()):
            for attribute, owner in (("text", element), ("tail", parents.get(element))):
                value = getattr(element, attribute)
                if owner is None or not value or _OPEN not in value:
                    continue
                for kind, number in _MARKER.findall(value):
                    self._apply(owner, parents, kind, number)
                setattr(element, attribute, _MARKER.sub("", value))

    def _apply(
        self, element: ET.Element, parents: dict[ET.Element, ET.Element], kind: str, number: str
    ) -> None:
        wanted = _HEADINGS if kind == "h" else _SIGNAL_HOLDERS
        while element is not None and element.tag not in wanted:
            element = parents.get(element)
        if element is None:
            return
        if kind == "h":
            element.set("id", self.markers.ids[int(number)])
        else:
            element.set("class", SIGNAL_CLASS)


class _HeadingIds(Treeprocessor):
    """Collects the ids headings got from markdown; raw HTML is not in the tree yet."""

    def __init__(self, md: markdown.Markdown, markers: _LineMarkers) -> None:
        super().__init__(md)
        self.markers = markers

    def run(self, root: ET.Element) -> None:
        self.markers.heading_ids.update(
            el.get("id") for el in root.iter() if el.tag in _HEADINGS and el.get("id")
        )


class _LineMarkers(Extension):
    """The marker tree processors, and the state of the note being converted."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []  # heading marker number -> id, set for each note
        self.heading_ids: set[str] = set()  # filled while converting

    def reset(self) -> None:  # called by Markdown.reset()
        self.ids = []
        self.heading_ids = set()

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (markdown's API)
        md.registerExtension(self)  # so that Markdown.reset() calls our reset()
        # After inline processing (20), before the table of contents gives headings ids (5).
        md.treeprocessors.register(_MarkerProcessor(md, self), "line_markers", 7)
        # After the table of contents (5): every heading id markdown gave is known by then.
        md.treeprocessors.register(_HeadingIds(md, self), "heading_ids", 4)
