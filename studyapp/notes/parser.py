"""Read a markdown study note into topics, facts, exam signals, decision rows and questions.

Pure: no Django. `parse_note` never raises; everything wrong with a note comes back as a
`Problem` with the line an author has to look at, and a note with error-level problems is
not to be imported.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from studyapp.notes.encoding import UndecodableError, decode_note, looks_damaged, repair_text
from studyapp.notes.parsed import (
    AuthoredChoice,
    AuthoredQuestion,
    Decision,
    Fact,
    FocusItem,
    ParsedNote,
    Problem,
    Rule,
    Signal,
    SummaryRow,
    Topic,
)

# --- Line patterns -----------------------------------------------------------------------
# No pattern here puts two unbounded quantifiers over the same characters side by side: on a
# long line of spaces or punctuation such a pattern backtracks for minutes.

# Only the opening hashes are matched: `_heading_text` removes a closing sequence ("## T ##").
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>[*+-]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*))?$")
_RULE_LINE = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
# Any indentation: a fence inside a list item is indented like the item's text.
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_TABLE_SEPARATOR_CELL = re.compile(r"^:?-+:?$")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\][ \t]*(?P<text>.*)$")
# "Question: …", "Question 3 …", "Q3. …", or a bare "Question"; not "Quotas" or "Q&A".
_QUESTION_HEADING = re.compile(
    r"^(?:question|q)(?:[ \t]*\d+[ \t]*[:.)\-–—]?|[ \t]*[:.)\-–—]|[ \t]*$)[ \t]*(?P<stem>.*)$",
    re.I,
)
_EXPLANATION = re.compile(r"^explanation\b[ \t]*:?(?P<text>.*)$", re.I)

# "Exam Signal" and its synonym "Exam Tip", read after quote and bullet markers, emphasis and
# emoji are gone: "**📌 Exam Signal:**", "📌 **Exam Tip**:", "> Exam signal -".
_QUOTE_OR_BULLET = re.compile(r"^[ \t]*(?:>[ \t]*)*(?:(?:[*+-]|\d{1,9}[.)])[ \t]+)?")
_MARKER = re.compile(r"^exam[ \t]+(?:signal|tip)s?\b[ \t]*(?P<sep>[:\-–—]?)(?P<rest>.*)$", re.I)
# Without a colon the marker must stand alone in its emphasis ("**Exam Signal** If …"), so that
# prose starting "Exam tips are …" is no marker.
_EMPHASIZED_MARKER = re.compile(
    r"(\*\*|__|\*|_)[^\w*]{0,8}exam[ \t]+(?:signal|tip)s?[ \t]*(?:[:\-–—][ \t]*)?\1", re.I
)

_ARROW = re.compile(r"→|->|=>|⇒|➡️?|➔|⟶")  # the text around it is stripped where it is split
# Yes/No words count only as whole words: not "No-code", not "N/A".
_CHECK_YES = re.compile(r"^(?:✅|✔️?|☑️?|🟢|(?:yes|y|true)(?![\w/'-]))[ \t]*[:\-–—,.]?[ \t]*", re.I)
_CHECK_NO = re.compile(
    r"^(?:❌|✖️?|✗|✘|⛔|🚫|🔴|(?:no|n|false)(?![\w/'-]))[ \t]*[:\-–—,.]?[ \t]*", re.I
)
_REPEATED_VERDICT = re.compile(r"^(?:yes|no)(?:[ \t]*[:\-–—,.][ \t]*|$)", re.I)
_YES_MARK = re.compile(r"✅|✔️?|☑️?")
_NO_MARK = re.compile(r"❌|✖️?|✗|✘|⛔|🚫")
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.)]?|[IVXivx]+\.)[ \t]+")
_KEYCAP = re.compile("[0-9#*]\ufe0f?\u20e3")  # 1️⃣, #️⃣: emoji numbering, not a number

# Inline markdown: emphasis (not intraword `__`, as in `__init__`), code, links and images,
# autolinks, line breaks and backslash escapes. An emphasis span holds no marker of its own
# kind, so a line full of unclosed openers is read in linear time; nested emphasis is undone
# from the inside out, one pass at a time.
_EMPHASIS = re.compile(
    r"\*\*(?P<strong>[^*]+?)\*\*|(?<!\w)__(?P<under>[^_]+?)__(?!\w)"
    r"|(?<![\w*])\*(?!\s)(?P<em>[^*]+?)(?<!\s)\*(?![\w*])"
)
_CODE = re.compile(r"`(?P<code>[^`]*)`")
_LINK = re.compile(
    r"!?\[(?P<label>[^\[\]]*)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:[ \t]+\"[^\"]*\")?\)"
)
_AUTOLINK = re.compile(r"<(?P<url>(?:https?|mailto):[^<>\s]*)>", re.I)
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)
_ESCAPE = re.compile(r"\\(?P<char>[\\`*_{}\[\]()#+\-.!|>~])")
# Escaped characters and code hide in a private-use plane while emphasis is read, then come back.
_HIDDEN = 0xF0000
_HIDDEN_CHAR = re.compile("[\U000f0000-\U000f007f]")
# What one of the patterns above needs to match; most texts have none, and are only respaced.
_MARKUP_CHAR = re.compile(r"[`\\<\[*_\U000f0000-\U000f007f]")
_SPACES = re.compile(r"\s+")

_LEADING_CONNECTIVE = re.compile(r"^(?:if|when|whenever|where|for)\b[ \t]*", re.I)
_LEADING_VERB = re.compile(
    r"^(?:use|choose|pick|go with|consider|select|prefer|opt for)\b[ \t]*", re.I
)
_SERVICE_PREFIX = re.compile(r"^(?:amazon|aws|microsoft azure|azure|google cloud|gcp)[ \t]+", re.I)
# A sentence end, but not after "e.g.", "i.e.", "etc." or "vs.".
_SENTENCE_END = re.compile(
    r"(?<!\b(?i:e\.g\.))(?<!\b(?i:i\.e\.))(?<!\b(?i:etc\.))(?<!\b(?i:vs\.))(?<=[.!?])\s+(?=[A-Z])"
)

# Sentences that name a choice without an arrow.
_PREFERRED_WHEN = re.compile(
    r"^(?P<choose>.+?)\s+is\s+(?:preferred|recommended|the best (?:choice|fit)|ideal)\s+"
    r"(?:when|for|if)\s+(?P<when>.+)$",
    re.I,
)
_CHOOSE_FOR = re.compile(
    r"^(?:choose|use|pick|prefer)\s+(?P<choose>.+?)\s+(?:for|when|if)\s+(?P<when>.+)$", re.I
)
_IF_THEN_OFFERS = re.compile(
    r"^(?:if|when)\s+(?P<when>.+?),\s+(?P<choose>.+?)\s+"
    r"(?:offers|provides|supports|is the answer|fits|handles)\b.*$",
    re.I,
)
_LOOK_FOR = re.compile(r"^look\s+for\s+(?P<when>.+)$", re.I)
# Those forms are tried only on rule-sized text: on a paragraph they cost quadratic time.
_MAX_RULE_CHARS = 400

_ALTERNATIVE_HEADER = re.compile(r"alternative|better (?:choice|option|fit)|instead|other", re.I)
_SUMMARY_OPTION_HEADER = re.compile(r"feature|option|service|answer|solution|choice", re.I)
_FOCUS_TITLE = re.compile(r"exam focus|focus", re.I)
_SUMMARY_TITLE = re.compile(r"summary|cheat ?sheet|quick reference", re.I)
_FOCUS_CHOOSE = re.compile(r"^(?:choose|use|pick|prefer|go with)\b", re.I)
_FOCUS_AVOID = re.compile(r"^(?:avoid|don'?t use|do not use|skip|not)\b", re.I)
_FOCUS_LEAD = re.compile(
    r"^(?:choose|use|pick|prefer|go with|avoid|don'?t use|do not use|skip|not)\s+"
    r"(?P<subject>.+?)\s+(?:when|if|for)\b\s*:?\s*(?P<item>.*)$",
    re.I,
)
_BOLD_SPAN = re.compile(r"\*\*(?P<text>[^*]+)\*\*|__(?P<under>[^_]+)__")
_BOLD_TERM = re.compile(r"^(?:\*\*(?P<star>[^*]+)\*\*|__(?P<under>[^_]+)__)(?P<rest>.*)$")

# Deeper bullets become siblings at this depth: facts are walked recursively everywhere.
_MAX_LIST_DEPTH = 16

# A "Term: description" bullet has a short term; a colon further into a sentence is prose.
_MAX_TERM_WORDS = 8
_MAX_TERM_CHARS = 60


# --- Small text helpers --------------------------------------------------------------------


def strip_markdown(text: str) -> str:
    """Drop emphasis, code and link markup, keep their words; collapse whitespace.

    Not idempotent (code keeps its `__init__`, an escaped `\\*` becomes a plain `*`), so
    every text is stripped exactly once, where it is read from the note.
    """
    if not _MARKUP_CHAR.search(text):
        return _SPACES.sub(" ", text).strip()
    text = _CODE.sub(lambda m: _hide(m["code"]), text)
    text = _ESCAPE.sub(lambda m: _hide(m["char"]), text)
    text = _LINE_BREAK_TAG.sub(" ", text)
    text = _LINK.sub(lambda m: m["label"], text)
    text = _AUTOLINK.sub(lambda m: m["url"], text)
    previous = None
    while previous != text:
        previous = text
        text = _EMPHASIS.sub(_emphasis_content, text)
    text = _HIDDEN_CHAR.sub(lambda m: chr(ord(m[0]) - _HIDDEN), text)
    return _SPACES.sub(" ", text).strip()


def _hide(text: str) -> str:
    return "".join(chr(_HIDDEN + ord(c)) if c < "\x80" else c for c in text)


def _emphasis_content(match: re.Match[str]) -> str:
    return match["strong"] or match["under"] or match["em"] or ""


def _is_decoration(char: str) -> bool:
    category = unicodedata.category(char)
    # Emoji are So; variation selectors, keycaps and joiners are Mn/Me/Cf; keep letters,
    # digits and quotes.
    return category in {"So", "Sk", "Mn", "Me", "Cf", "Zs"}


def strip_decoration(text: str) -> str:
    """Remove emoji and symbols at the start and end of a heading or cell."""
    text = text.strip()
    start, end = 0, len(text)
    while start < end and (_is_decoration(text[start]) or text[start] in " \t"):
        start += 1
    while end > start and (_is_decoration(text[end - 1]) or text[end - 1] in " \t"):
        end -= 1
    return text[start:end]


def clean_heading(text: str) -> str:
    """A heading as a topic title: no emphasis, emoji decoration or section number."""
    text = strip_decoration(strip_markdown(_KEYCAP.sub(" ", text)))
    text = _NUMBERING.sub("", text)
    return strip_decoration(text).rstrip(":").strip()


def anchor_for(title: str) -> str:
    """The HTML id of a topic's heading; the renderer gives headings the same ids."""
    normalized = unicodedata.normalize("NFKD", title)
    ascii_text = normalized.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^\w\s-]", "", ascii_text).strip().lower()
    return re.sub(r"[-\s]+", "-", slug) or "section"


def split_service_title(title: str) -> tuple[str, str]:
    """("📘 Amazon ECS – Elastic Container Service") -> ("Amazon ECS", "ECS"); plain text in."""
    bare = strip_decoration(title)
    service = re.split(r"\s+[–—-]\s+|:\s+|\s+\(|\s+\|\s+", bare, maxsplit=1)[0].strip()
    service = service or bare
    short = _SERVICE_PREFIX.sub("", service).strip() or service
    return service, short


def split_rules(sentence: str, service_short_name: str = "") -> tuple[Rule, ...]:
    """Read "condition → choice" rules out of an exam-signal sentence (plain text, no markdown).

    `;` separates rules, and so does a sentence end. Sentences with no arrow are read for the
    common "X is preferred when Y", "Choose X for Y" and "If Y, X offers …" forms; "Look for
    Y" in a note signals the note's own service.
    """
    parts = [p for chunk in sentence.split(";") for p in _SENTENCE_END.split(chunk)]
    rules: list[Rule] = []
    for part in parts:
        part = part.strip().rstrip(".!").strip()
        if _ARROW.search(part):
            rule = _rule_with_arrow(part)
        else:
            rule = _rule_without_arrow(part, service_short_name) if part else None
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _rule_with_arrow(part: str) -> Rule | None:
    # "A → B → C" reads as "A → B": the first arrow names the choice, the rest explains it.
    pieces = _ARROW.split(part)
    when, choose = _clean_condition(pieces[0]), _clean_choice(pieces[1])
    return Rule(when=when, choose=choose) if when and choose else None


def _rule_without_arrow(part: str, service_short_name: str) -> Rule | None:
    if len(part) > _MAX_RULE_CHARS:
        return None
    for pattern in (_PREFERRED_WHEN, _CHOOSE_FOR, _IF_THEN_OFFERS):
        match = pattern.match(part)
        if match:
            when, choose = _clean_condition(match["when"]), _clean_choice(match["choose"])
            if when and choose:
                return Rule(when=when, choose=choose)
    match = _LOOK_FOR.match(part)
    if match and service_short_name:
        return Rule(when=_clean_condition(match["when"]), choose=service_short_name)
    return None


def _clean_condition(text: str) -> str:
    text = text.strip(" ,.:")
    text = _LEADING_CONNECTIVE.sub("", text)
    return text.strip(" ,.:")


def _clean_choice(text: str) -> str:
    text = text.strip(" ,.:")
    text = _LEADING_VERB.sub("", text)
    return text.strip(" ,.:")


def split_term(text: str) -> tuple[str, str]:
    """("EC2 Launch Type: Run containers …") -> ("EC2 Launch Type", "Run containers …").

    The term may be bold, with the colon inside or outside the bold (`**Term**: text`,
    `**Term:** text`); a bold term may also be followed by a dash (`**Term** – text`).
    """
    bold = _split_bold_term(text)
    if bold is not None:
        term, rest = strip_markdown(bold[0]), strip_markdown(bold[1])
    else:
        term, rest = _split_plain_term(strip_markdown(text))
    if not _is_term(term) or not rest:
        return "", strip_markdown(text)
    return term, rest


def _split_bold_term(text: str) -> tuple[str, str] | None:
    match = _BOLD_TERM.match(text)
    if match is None:
        return None
    term, rest = (match["star"] or match["under"]).strip(), match["rest"].strip()
    if term.endswith(":"):
        return term[:-1], rest
    if rest[:1] in (":", "–", "—") or rest.startswith("- "):
        return term, rest[1:].strip()
    return None


def _split_plain_term(plain: str) -> tuple[str, str]:
    term, colon, rest = plain.partition(": ")
    return (term, rest) if colon else ("", plain)


def _is_term(term: str) -> bool:
    return (
        bool(term)
        and len(term) <= _MAX_TERM_CHARS
        and len(term.split()) <= _MAX_TERM_WORDS
        and not re.search(r"[.!?](?:\s|$)", term)
    )


def split_cells(row: str) -> list[str]:
    """Cells of a table row; `\\|` and pipes inside code spans stay in their cell."""
    body = row.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    if "`" not in body and "\\" not in body:
        return [cell.strip() for cell in body.split("|")]  # nothing can hide a pipe
    # A backtick opens a code span only if another one closes it later on the row.
    last_backtick = body.rfind("`")
    cells, current, in_code, i = [], [], False, 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body) and body[i + 1] == "|":
            current.append("|")
            i += 2
            continue
        if char == "`" and (in_code or i < last_backtick):
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        i += 1
    cells.append("".join(current).strip())
    return cells


def _is_table_row(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("|") or ("|" in stripped and not stripped.startswith(">"))


def _is_separator(line: str) -> bool:
    cells = split_cells(line)
    return "|" in line and all(_TABLE_SEPARATOR_CELL.match(c.replace(" ", "")) for c in cells)


def _indent_width(indent: str) -> int:
    return len(indent.expandtabs(4))


def read_fits(cell: str) -> tuple[bool | None, str]:
    """(fits, rest) from a decision cell: ✅/Yes fits, ❌/No does not, anything else unknown.

    The verdict usually leads the cell ("✅ Fargate launch type"); a check mark elsewhere in
    it ("Fargate ✅") counts when the cell holds only one kind of mark.
    """
    text = strip_markdown(cell)
    for pattern, verdict in ((_CHECK_YES, True), (_CHECK_NO, False)):
        match = pattern.match(text)
        if match:
            rest = text[match.end() :].strip()
            # "✅ Yes – natively": the word only repeats the mark; in "❌ No GPU support" it is
            # part of the reason and stays.
            again = _REPEATED_VERDICT.match(rest)
            return verdict, (rest[again.end() :] if again else rest).strip()
    yes, no = _YES_MARK.search(text), _NO_MARK.search(text)
    if bool(yes) != bool(no):
        mark = _YES_MARK if yes else _NO_MARK
        return bool(yes), strip_decoration(re.sub(r"\s+", " ", mark.sub(" ", text)))
    return None, strip_decoration(text)


def signal_marker_text(line: str) -> str | None:
    """The text after an "Exam Signal" / "Exam Tip" marker that opens `line`, else None."""
    body = _QUOTE_OR_BULLET.sub("", line, count=1)
    match = _MARKER.match(strip_decoration(strip_markdown(body)))
    if match is None:
        return None
    rest = match["rest"].strip()
    if match["sep"] or not rest or _EMPHASIZED_MARKER.search(body):
        return _trim_signal(rest)
    return None


def _trim_signal(text: str) -> str:
    """Signal text without the separator an author put after the marker ("Exam Tip: – …")."""
    return text.lstrip(":–— \t").strip()


def _unquote(line: str) -> str:
    """A line without its blockquote markers."""
    return re.sub(r"^[ \t]*(?:>[ \t]?)+", "", line)


def _heading_text(text: str | None) -> str:
    """Heading text without a closing sequence: "Title ##" -> "Title", but "C#" stays."""
    text = (text or "").strip()
    bare = text.rstrip("#")
    if not bare or bare[-1] in " \t":
        return bare.strip()
    return text


def _opening_fence(line: str) -> str | None:
    match = _FENCE.match(line)
    if match is None or (match["fence"][0] == "`" and "`" in match["info"]):
        return None  # "```code``` is inline" is a code span, not a fence
    return match["fence"]


def _closes_fence(line: str, fence: str) -> bool:
    match = _FENCE.match(line)
    return (
        match is not None
        and match["fence"][0] == fence[0]
        and len(match["fence"]) >= len(fence)
        and not match["info"].strip()
    )


# --- The reader ------------------------------------------------------------------------------


@dataclass
class _Bullet:
    indent: int
    parts: list[str]  # the bullet's line and the lines that continue it
    line: int
    children: list[_Bullet] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.parts)


_Polarity = Literal["choose", "avoid"]


@dataclass
class _NoteItems:
    """What a note holds beside its topics, gathered over all its sections."""

    decisions: list[Decision] = field(default_factory=list)
    summary: list[SummaryRow] = field(default_factory=list)
    focus: list[FocusItem] = field(default_factory=list)


@dataclass
class _Section:
    heading: str
    title: str
    level: int
    line: int
    bullets: list[_Bullet] = field(default_factory=list)
    tables: list[tuple[list[str], list[tuple[int, list[str]]]]] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    questions: list[AuthoredQuestion] = field(default_factory=list)


class _NoteReader:
    """Reads a note in two passes: blocks (headings, bullets, tables, signals), then meaning."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines = text.split("\n")
        self.problems: list[Problem] = []
        self.title = ""
        self.title_line = 0
        self.intro_lines: list[str] = []
        self.sections: list[_Section] = []
        self.service = ""
        self.short_name = ""
        self.section: _Section | None = None
        self.question: _QuestionBuilder | None = None
        self.list_stack: list[_Bullet] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, "error", message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, "warning", message))

    # Pass 1: blocks. ---------------------------------------------------------------------
    # Each `_read_*` method takes the 0-based index of the line it starts on and returns the
    # index of the first line it did not consume.

    def read(self) -> None:
        i = 0
        while i < len(self.lines):
            i = self._read_block(i)
        self._finish_question()

    def _read_block(self, i: int) -> int:
        raw = self.lines[i]
        fence = _opening_fence(raw)
        if fence is not None:
            return self._skip_fence(i, fence)
        if raw.lstrip().startswith("<!--"):
            return self._skip_comment(i)
        heading = self._heading_at(i)
        if heading is not None:
            return self._read_heading(i, *heading)
        if self.question is not None:
            return self._read_question_line(i, self.question)
        if not raw.strip():
            return i + 1
        if _RULE_LINE.match(raw):
            self.list_stack = []
            return i + 1
        rest = signal_marker_text(raw)
        if rest is not None:
            self.list_stack = []
            return self._read_signal(i, rest, i + 1)
        if _is_table_row(raw) and i + 1 < len(self.lines) and _is_separator(self.lines[i + 1]):
            self.list_stack = []
            return self._read_table(i)
        return self._read_text(i)

    def _skip_fence(self, i: int, fence: str) -> int:
        """Skip a fenced code block: nothing inside it is note structure."""
        if not self.lines[i][:1].isspace():
            self.list_stack = []  # an unindented fence is not inside a list item
        i += 1
        while i < len(self.lines) and not _closes_fence(self.lines[i], fence):
            i += 1
        return i + 1

    def _skip_comment(self, i: int) -> int:
        while i < len(self.lines) and "-->" not in self.lines[i]:
            i += 1
        return i + 1

    def _heading_at(self, i: int) -> tuple[int, str, int] | None:
        """(level, text, lines used) when an ATX or setext heading starts on line i."""
        atx = _HEADING.match(self.lines[i])
        if atx:
            return len(atx[1]), _heading_text(atx[2]), 1
        if self._is_setext_heading(i):
            level = 1 if self.lines[i + 1].strip()[0] == "=" else 2
            return level, self.lines[i].strip(), 2
        return None

    def _is_setext_heading(self, i: int) -> bool:
        # "Title" over "=====" or "-----", as python-markdown renders it: a one-line paragraph
        # (not a list item, quote, table row or signal) right above the underline.
        if i + 1 >= len(self.lines) or not _SETEXT_UNDERLINE.match(self.lines[i + 1]):
            return False
        raw = self.lines[i]
        stripped = raw.strip()
        return (
            bool(stripped)
            and _indent_width(raw[: len(raw) - len(raw.lstrip())]) < 4
            and self._starts_paragraph(i)
            and not _BULLET.match(raw)
            and not _RULE_LINE.match(raw)
            and not stripped.startswith((">", "|", "<!--"))
            and signal_marker_text(raw) is None
        )

    def _starts_paragraph(self, i: int) -> bool:
        previous = self.lines[i - 1] if i else ""
        return not previous.strip() or bool(_HEADING.match(previous) or _RULE_LINE.match(previous))

    def _read_heading(self, i: int, level: int, text: str, used: int) -> int:
        number = i + 1
        self._finish_question()
        self.list_stack = []
        if not text:
            self.warn(number, "empty heading is ignored")
            return i + used
        question = _QUESTION_HEADING.match(strip_markdown(strip_decoration(text)))
        if question and (self.section is not None or (self.title and question["stem"])):
            self.question = _QuestionBuilder(number, question["stem"].strip())
        elif self._is_signal_heading(level, text):
            return self._read_signal(i, signal_marker_text(text) or "", i + used)
        elif level == 1 and not self.title and self.section is None:
            self._set_title(strip_markdown(text), number)
        else:
            self._open_section(text, level, number)
        return i + used

    def _is_signal_heading(self, level: int, text: str) -> bool:
        # "### 📌 Exam Signal" under a "## …" section marks a signal; a heading at a section's
        # own level ("## Exam Tips") is a section of its own.
        return (
            self.section is not None
            and level > self.section.level
            and signal_marker_text(text) is not None
        )

    def _set_title(self, title: str, number: int) -> None:
        self.title, self.title_line = title, number
        self.service, self.short_name = split_service_title(title)

    def _open_section(self, heading: str, level: int, number: int) -> None:
        title = clean_heading(heading)
        if not title:
            self.warn(number, "section heading has no words, only decoration or a number")
            title = strip_markdown(heading) or heading
        self.section = _Section(heading, title, level, number)
        self.sections.append(self.section)

    def _read_question_line(self, i: int, question: _QuestionBuilder) -> int:
        if _RULE_LINE.match(self.lines[i]):
            self._finish_question()  # a thematic break ends the question, like a heading
        else:
            question.feed(self.lines[i], i + 1)
        return i + 1

    def _finish_question(self) -> None:
        builder, self.question = self.question, None
        if builder is None:
            return
        question = builder.build(self, self.section.title if self.section else "")
        if question is not None and self.section is not None:
            self.section.questions.append(question)
        elif question is not None:
            self.error(builder.line, "question before the first section has no topic")

    def _read_text(self, i: int) -> int:
        """A bullet, a line continuing one, or a paragraph line (kept for the intro)."""
        raw, stripped = self.lines[i], self.lines[i].strip()
        bullet = _BULLET.match(raw)
        if bullet and (bullet["text"] or "").strip():
            self._add_bullet(bullet, i + 1)
        elif self.list_stack and (raw[:1] in " \t" or self.lines[i - 1].strip()):
            # An indented line, or any line right under the bullet ("lazy" continuation),
            # continues the bullet above it.
            self.list_stack[-1].parts.append(stripped)
        else:
            self.list_stack = []
            if self.section is None and self.title:
                self.intro_lines.append(stripped)
        return i + 1

    def _add_bullet(self, match: re.Match[str], number: int) -> None:
        indent = _indent_width(match["indent"])
        bullet = _Bullet(indent, [match["text"].strip()], number)
        stack = self.list_stack
        while stack and (stack[-1].indent >= indent or len(stack) >= _MAX_LIST_DEPTH):
            stack.pop()
        if stack:
            stack[-1].children.append(bullet)
        elif self.section is not None:
            self.section.bullets.append(bullet)
        else:
            self.intro_lines.append(bullet.text)
        stack.append(bullet)

    def _read_signal(self, i: int, rest: str, after: int) -> int:
        """The signal whose marker is on line i; its sentence is `rest` or on the next lines."""
        number = i + 1
        parts, end = ([rest], after) if rest else self._signal_lines(after)
        sentence = "; ".join(parts)
        if self.section is None:
            self.warn(number, "exam signal before the first section is ignored")
        elif not sentence:
            self.error(number, "exam signal marker has no sentence after it")
        else:
            self.section.signals.append(Signal(text=sentence, line=number))
        return end

    def _signal_lines(self, i: int) -> tuple[list[str], int]:
        """The sentence under a bare marker: a paragraph, or a list with one rule per item."""
        while i < len(self.lines) and not self.lines[i].strip():
            i += 1
        parts: list[list[str]] = []
        as_list: bool | None = None
        while i < len(self.lines) and not self._ends_signal(self.lines[i]):
            line = _unquote(self.lines[i])
            bullet = _BULLET.match(line)
            is_item = bool(bullet and (bullet["text"] or "").strip())
            if as_list is None:
                as_list = is_item
            if is_item and not as_list:
                break  # a list under the sentence is not part of it
            text = _trim_signal(strip_markdown(bullet["text"] if is_item and bullet else line))
            if is_item or not parts:
                parts.append([])
            parts[-1].append(text)
            i += 1
        sentences = (" ".join(t for t in part if t) for part in parts)
        return [s for s in sentences if s], i

    def _ends_signal(self, raw: str) -> bool:
        line = _unquote(raw)
        return (
            not line.strip()
            or bool(_HEADING.match(raw) or _RULE_LINE.match(line))
            or _opening_fence(raw) is not None
            or line.lstrip().startswith(("|", "<!--"))
            or signal_marker_text(raw) is not None
        )

    def _read_table(self, i: int) -> int:
        header_line = i + 1
        header = [strip_markdown(c) for c in split_cells(self.lines[i])]
        width = len(header)
        separator = split_cells(self.lines[i + 1])
        if len(separator) != width:
            self.error(
                i + 2,
                f"table separator has {len(separator)} cells but the header has {width}",
            )
        rows: list[tuple[int, list[str]]] = []
        i += 2
        while i < len(self.lines) and self.lines[i].strip() and _is_table_row(self.lines[i]):
            cells = split_cells(self.lines[i])
            if len(cells) != width:
                self.error(i + 1, f"table row has {len(cells)} cells but the header has {width}")
            else:
                rows.append((i + 1, cells))
            i += 1
        if self.section is None:
            self.warn(header_line, "table before the first section is ignored")
        else:
            self.section.tables.append((header, rows))
        return i

    # Pass 2: meaning. --------------------------------------------------------------------

    def result(self, text: str, content_hash: str) -> ParsedNote:
        if not self.title:
            self.error(1, "note has no title: start it with a '# Title' heading")
        elif not self.sections:
            self.warn(self.title_line, "note has no sections, so it gives no topics")
        self._check_duplicate_sections()
        found = _NoteItems()
        topics = tuple(self._read_section(section, found) for section in self.sections)
        return ParsedNote(
            path=self.path,
            title=self.title,
            service=self.service,
            short_name=self.short_name,
            intro=" ".join(self.intro_lines).strip(),
            text=text,
            content_hash=content_hash,
            topics=topics,
            decisions=tuple(found.decisions),
            summary=tuple(found.summary),
            focus=tuple(found.focus),
            questions=tuple(q for section in self.sections for q in section.questions),
            problems=tuple(sorted(self.problems, key=lambda p: (p.line, p.level))),
        )

    def _read_section(self, section: _Section, found: _NoteItems) -> Topic:
        """The section's topic; its decision, summary and Exam Focus items go to `found`."""
        if _FOCUS_TITLE.search(section.title):
            facts = self._focus_items(section, found.focus)
        else:
            facts = list(_facts_from_bullets(section.bullets, section.title))
        for header, rows in section.tables:
            kind = self._table_kind(header, section)
            if kind == "decision":
                found.decisions.extend(self._decisions(header, rows, section))
            elif kind == "summary":
                found.summary.extend(self._summary_rows(rows))
            else:
                facts.extend(_facts_from_table(header, rows, section.title))
        return self._topic(section, facts)

    def _topic(self, section: _Section, facts: list[Fact]) -> Topic:
        signals = tuple(
            Signal(s.text, s.line, split_rules(s.text, self.short_name)) for s in section.signals
        )
        for signal in signals:
            if not signal.rules:
                self.warn(signal.line, "exam signal names no choice (no 'condition → choice')")
        return Topic(
            title=section.title,
            line=section.line,
            level=section.level,
            anchor=anchor_for(section.title),
            facts=tuple(facts),
            signals=signals,
        )

    def _check_duplicate_sections(self) -> None:
        seen: dict[str, int] = {}
        for section in self.sections:
            key = section.title.casefold()
            if key in seen:
                self.error(
                    section.line,
                    f"duplicate section heading {section.title!r} (first on line {seen[key]})",
                )
            else:
                seen[key] = section.line

    def _table_kind(self, header: list[str], section: _Section) -> str:
        lowered = [h.casefold() for h in header]
        if len(header) >= 3 and any(_ALTERNATIVE_HEADER.search(h) for h in lowered[1:]):
            return "decision"
        if (
            len(header) == 2
            and _SUMMARY_OPTION_HEADER.search(lowered[1])
            and (_SUMMARY_TITLE.search(section.title) or "keyword" in lowered[0])
        ):
            return "summary"
        return "plain"

    def _decisions(
        self, header: list[str], rows: list[tuple[int, list[str]]], section: _Section
    ) -> Iterator[Decision]:
        alternative_col = next(
            i for i in range(1, len(header)) if _ALTERNATIVE_HEADER.search(header[i])
        )
        service_col = self._service_column(header, alternative_col)
        for line, cells in rows:
            scenario = strip_markdown(cells[0])
            fits, option = read_fits(cells[service_col])
            alternative = strip_decoration(strip_markdown(cells[alternative_col]))
            if not scenario:
                self.warn(line, "decision row has no scenario and is skipped")
                continue
            self._check_decision(line, scenario, fits, alternative)
            yield Decision(
                scenario=scenario,
                fits=fits,
                service_option=option,
                alternative=alternative,
                line=line,
                topic=section.title,
            )

    def _check_decision(
        self, line: int, scenario: str, fits: bool | None, alternative: str
    ) -> None:
        if fits is None:
            service = self.short_name or "the service"
            self.warn(
                line,
                f"decision row {scenario!r} does not say whether {service} fits"
                " (start the cell with ✅ or ❌, or Yes or No)",
            )
        if not alternative:
            self.warn(line, f"decision row {scenario!r} names no alternative")

    def _service_column(self, header: list[str], alternative_col: int) -> int:
        names = {n.casefold() for n in (self.short_name, self.service) if n}
        candidates = [i for i in range(1, len(header)) if i != alternative_col]
        for i in candidates:
            lowered = header[i].casefold()
            if any(name in lowered for name in names):
                return i
        for i in candidates:
            if header[i].casefold().startswith("use") or header[i].endswith("?"):
                return i
        return candidates[0]

    def _summary_rows(self, rows: list[tuple[int, list[str]]]) -> Iterator[SummaryRow]:
        for line, cells in rows:
            keyword = strip_markdown(cells[0])
            _fits, option = read_fits(cells[1])
            if keyword and option:
                yield SummaryRow(keyword=keyword, option=option, line=line)
            elif keyword or option:
                self.warn(line, "summary row needs both a keyword and an option")

    def _focus_items(self, section: _Section, focus: list[FocusItem]) -> list[Fact]:
        """Read the "Choose X when:" / "Avoid X if:" lists into `focus`; other bullets are facts."""
        facts: list[Fact] = []
        for bullet in section.bullets:
            lead = strip_markdown(bullet.text)
            polarity: _Polarity
            if _FOCUS_AVOID.match(lead):
                polarity = "avoid"
            elif _FOCUS_CHOOSE.match(lead):
                polarity = "choose"
            else:
                facts.extend(_facts_from_bullets([bullet], section.title))
                continue
            subject, inline = _focus_lead(bullet.text)
            items = [(strip_markdown(c.text), c.line) for c in bullet.children]
            if not items and inline:
                items = [(inline, bullet.line)]  # "Avoid ECS if you need X → use Y" on one line
            if not items:
                self.warn(bullet.line, f"Exam Focus item {lead!r} has no items under it")
            for text, line in items:
                focus.append(self._focus_item(polarity, text, line, subject or self.service))
        return facts

    def _focus_item(self, polarity: _Polarity, text: str, line: int, subject: str) -> FocusItem:
        alternative = ""
        pieces = _ARROW.split(text)
        if len(pieces) >= 2:
            text, alternative = pieces[0].strip(" ,.;"), _clean_choice(pieces[-1])
        elif polarity == "avoid":
            self.warn(line, "'Avoid' item names no alternative ('… → use X')")
        return FocusItem(
            polarity=polarity,
            text=text,
            line=line,
            alternative=alternative,
            subject=subject,
        )


def _focus_lead(lead: str) -> tuple[str, str]:
    """("Avoid **ECS** if: …") -> ("ECS", "…"): the service a lead names, and any item after it."""
    match = _FOCUS_LEAD.match(strip_markdown(lead))
    if match:
        return match["subject"].strip(), match["item"].strip()
    bold = _BOLD_SPAN.search(lead)
    return ((bold["text"] or bold["under"]).strip() if bold else ""), ""


def _facts_from_bullets(bullets: list[_Bullet], family: str) -> tuple[Fact, ...]:
    facts = []
    for bullet in bullets:
        term, text = split_term(bullet.text)
        if not term:
            text = text.rstrip(":").strip()
        children = _facts_from_bullets(bullet.children, term or text)
        facts.append(Fact(term=term, text=text, line=bullet.line, family=family, children=children))
    return tuple(facts)


def _facts_from_table(
    header: list[str], rows: list[tuple[int, list[str]]], family: str
) -> tuple[Fact, ...]:
    facts = []
    for line, cells in rows:
        cleaned = [strip_markdown(c) for c in cells]
        if not any(cleaned):
            continue
        if len(cleaned) <= 2:
            text = cleaned[1] if len(cleaned) == 2 else ""
        else:
            text = "; ".join(f"{h}: {c}" for h, c in zip(header[1:], cleaned[1:], strict=True) if c)
        facts.append(Fact(term=cleaned[0], text=text, line=line, family=family, kind="row"))
    return tuple(facts)


class _QuestionBuilder:
    """Collects an authored question: stem, `- [ ]`/`- [x]` choices, `> Explanation:`."""

    def __init__(self, line: int, stem: str) -> None:
        self.line = line
        self.stem_parts = [stem] if stem else []
        self.choices: list[AuthoredChoice] = []
        self.explanation_parts: list[str] = []
        self.in_explanation = False
        self.stray: list[int] = []

    def feed(self, raw: str, number: int) -> None:
        stripped = raw.strip()
        if not stripped:
            self.in_explanation = False
            return
        bullet = _BULLET.match(raw)
        checkbox = _CHECKBOX.match(bullet["text"] or "") if bullet else None
        quoted = stripped.startswith(">")
        explanation = _EXPLANATION.match(strip_markdown(_unquote(stripped)))
        if checkbox:
            self.in_explanation = False
            self._add_choice(checkbox, number)
        elif explanation:
            self.in_explanation = True
            self.explanation_parts.append(explanation["text"].strip(" :"))
        elif self.in_explanation or (quoted and self.explanation_parts):
            self.explanation_parts.append(strip_markdown(_unquote(stripped)))
        elif not self.choices:
            self.stem_parts.append(strip_markdown(stripped))
        elif raw[:1] in " \t" and not bullet:
            self._continue_choice(stripped)
        else:
            self.stray.append(number)

    def _add_choice(self, checkbox: re.Match[str], number: int) -> None:
        text = strip_markdown(checkbox["text"])
        self.choices.append(AuthoredChoice(text, checkbox["mark"] in "xX", number))

    def _continue_choice(self, stripped: str) -> None:
        # An indented line under a choice wraps the choice's text.
        last = self.choices[-1]
        text = f"{last.text} {strip_markdown(stripped)}".strip()
        self.choices[-1] = AuthoredChoice(text, last.correct, last.line)

    def build(self, reader: _NoteReader, topic: str) -> AuthoredQuestion | None:
        stem = " ".join(p for p in self.stem_parts if p).strip()
        problems = self._problems(stem)
        for line, message in problems:
            reader.error(line, message)
        for number in self.stray:
            reader.warn(number, "line after the choices of a question is ignored")
        if problems:
            return None
        return AuthoredQuestion(
            stem=stem,
            choices=tuple(self.choices),
            explanation=" ".join(p for p in self.explanation_parts if p).strip(),
            line=self.line,
            topic=topic,
        )

    def _problems(self, stem: str) -> list[tuple[int, str]]:
        problems = []
        if not stem:
            problems.append((self.line, "question has no text"))
        if len(self.choices) < 2:
            problems.append((self.line, "question needs at least two '- [ ]' choices"))
        elif not any(c.correct for c in self.choices):
            problems.append((self.line, "question marks no choice correct ('- [x]')"))
        elif all(c.correct for c in self.choices):
            problems.append((self.line, "question marks every choice correct"))
        seen: set[str] = set()
        for choice in self.choices:
            key = choice.text.casefold()
            if not key:
                problems.append((choice.line, "choice has no text"))
            elif key in seen:
                problems.append((choice.line, f"duplicate choice {choice.text!r}"))
            seen.add(key)
        return problems


# --- Entry point ---------------------------------------------------------------------------


def parse_note(data: bytes | str, path: str = "<note>") -> ParsedNote:
    """Parse one note. Never raises: problems are returned on the result."""
    if isinstance(data, bytes):
        content_hash = hashlib.sha256(data).hexdigest()
        try:
            decoded = decode_note(data)
        except UndecodableError as exc:
            problem = Problem(path, exc.line, "error", str(exc))
            return ParsedNote(path, "", "", "", "", "", content_hash, problems=(problem,))
        text, repaired = decoded.text, decoded.repaired
    else:
        content_hash = hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()
        normalized = data.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        text, repaired = repair_text(normalized)

    reader = _NoteReader(text, path)
    reader.read()
    if repaired:
        reader.warn(1, "damaged encoding (mojibake) was repaired on read")
    if looks_damaged(text):
        line = next((n for n, ln in enumerate(text.split("\n"), 1) if looks_damaged(ln)), 1)
        reader.warn(line, "text still looks damaged after encoding repair")
    return reader.result(text, content_hash)
