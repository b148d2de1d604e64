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

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_EMPTY_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]*$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>[*+-]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*))?$")
_RULE_LINE = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TABLE_SEPARATOR_CELL = re.compile(r"^:?-+:?$")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\][ \t]*(?P<text>.*)$")
_QUESTION_HEADING = re.compile(r"^(?:question|q)(?:[ \t]*\d+)?[ \t]*[:.)\-–—]?[ \t]*(?P<stem>.*)$", re.I)
_EXPLANATION = re.compile(r"^(?:>[ \t]*)?(?:\*\*|__)?explanation(?:\*\*|__)?[ \t]*:?[ \t]*(?:\*\*|__)?[ \t]*:?[ \t]*(?P<text>.*)$", re.I)

# "Exam Signal" and its synonym "Exam Tip", bold or not, with an emoji inside or outside the
# bold, a colon inside or outside, in a bullet or a quote: "**📌 Exam Signal:**",
# "📌 **Exam Tip**:", "> Exam signal -", "* __Exam Signal:__ ...".
_SIGNAL_MARKER = re.compile(
    r"""^[ \t]*(?:>[ \t]*)*(?:[*+-][ \t]+)?
        (?P<pre>[^\w\s]*)[ \t]*(?:\*\*|__|\*|_)?[ \t]*[^\w\s]*[ \t]*
        exam[ \t]+(?:signal|tip)s?
        [ \t]*[:\-–—]?[ \t]*(?:\*\*|__|\*|_)?[ \t]*[:\-–—]?[ \t]*
        (?P<rest>.*)$""",
    re.I | re.X,
)
_ARROW = re.compile(r"[ \t]*(?:→|->|=>|⇒|➡️?|➔|⟶)[ \t]*")
_CHECK_YES = re.compile(r"^(?:✅|✔️?|☑️?|🟢|yes\b|y\b|true\b)[ \t]*[:\-–—,.]?[ \t]*", re.I)
_CHECK_NO = re.compile(r"^(?:❌|✖️?|✗|✘|⛔|🚫|🔴|no\b|n\b|false\b)[ \t]*[:\-–—,.]?[ \t]*", re.I)
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.)]?|[IVXivx]+\.)[ \t]+")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|`([^`]*)`")
_LEADING_CONNECTIVE = re.compile(r"^(?:if|when|whenever|where|for)\b[ \t]*", re.I)
_LEADING_VERB = re.compile(r"^(?:use|choose|pick|go with|consider|select|prefer|opt for)\b[ \t]*", re.I)
_SERVICE_PREFIX = re.compile(r"^(?:amazon|aws|microsoft azure|azure|google cloud|gcp)[ \t]+", re.I)

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

_SCENARIO_HEADER = re.compile(r"scenario|need|requirement|use case|situation|keyword|when", re.I)
_ALTERNATIVE_HEADER = re.compile(r"alternative|better (?:choice|option|fit)|instead|other", re.I)
_SUMMARY_OPTION_HEADER = re.compile(r"feature|option|service|answer|solution|choice", re.I)
_FOCUS_TITLE = re.compile(r"exam focus|focus", re.I)
_SUMMARY_TITLE = re.compile(r"summary|cheat ?sheet|quick reference", re.I)
_FOCUS_CHOOSE = re.compile(r"^(?:choose|use|pick|prefer|go with)\b", re.I)
_FOCUS_AVOID = re.compile(r"^(?:avoid|don'?t use|do not use|skip|not)\b", re.I)

# A "Term: description" bullet has a short term; a colon further into a sentence is prose.
_MAX_TERM_WORDS = 8
_MAX_TERM_CHARS = 60


# --- Small text helpers --------------------------------------------------------------------


def strip_markdown(text: str) -> str:
    """Drop emphasis and code markers, keep their words."""
    previous = None
    while previous != text:
        previous = text
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or m.group(4) or "", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_decoration(char: str) -> bool:
    category = unicodedata.category(char)
    # Emoji are So; variation selectors and joiners are Mn/Cf; keep letters, digits, quotes.
    return category in {"So", "Sk", "Mn", "Cf", "Zs"} or char in "\ufe0f\u200d"


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
    text = strip_decoration(strip_markdown(text))
    text = _NUMBERING.sub("", text)
    return strip_decoration(text).rstrip(":").strip()


def anchor_for(title: str) -> str:
    """The HTML id of a topic's heading; the renderer gives headings the same ids."""
    normalized = unicodedata.normalize("NFKD", title)
    ascii_text = normalized.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^\w\s-]", "", ascii_text).strip().lower()
    return re.sub(r"[-\s]+", "-", slug) or "section"


def split_service_title(title: str) -> tuple[str, str]:
    """("📘 Amazon ECS – Elastic Container Service") -> ("Amazon ECS", "ECS")."""
    bare = strip_decoration(strip_markdown(title))
    service = re.split(r"\s+[–—-]\s+|:\s+|\s+\(|\s+\|\s+", bare, maxsplit=1)[0].strip()
    service = service or bare
    short = _SERVICE_PREFIX.sub("", service).strip() or service
    return service, short


def split_rules(sentence: str, service_short_name: str = "") -> tuple[Rule, ...]:
    """Read "condition → choice" rules out of an exam-signal sentence.

    `;` separates rules, and so does a sentence end between two arrowed rules. Sentences with
    no arrow are read for the common "X is preferred when Y", "Choose X for Y" and
    "If Y, X offers …" forms; "Look for Y" in a note signals the note's own service.
    """
    text = strip_markdown(sentence)
    parts = [p for chunk in text.split(";") for p in re.split(r"(?<=[.!?])\s+(?=[A-Z])", chunk)]
    rules: list[Rule] = []
    for part in parts:
        part = part.strip().rstrip(".!").strip()
        if not part:
            continue
        pieces = _ARROW.split(part)
        if len(pieces) >= 2:
            when = _clean_condition(pieces[0])
            choose = _clean_choice(pieces[-1] if len(pieces) == 2 else pieces[1])
            if when and choose:
                rules.append(Rule(when=when, choose=choose))
            continue
        rule = _rule_without_arrow(part, service_short_name)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _rule_without_arrow(part: str, service_short_name: str) -> Rule | None:
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
    """("EC2 Launch Type: Run containers …") -> ("EC2 Launch Type", "Run containers …")."""
    bold = re.match(r"^(\*\*|__)(?P<term>[^*_]+?)[ \t]*:?[ \t]*\1[ \t]*:?[ \t]*(?P<rest>.*)$", text)
    if bold and (bold.group(0).find(":") != -1) and bold["rest"]:
        term, rest = bold["term"].strip().rstrip(":"), bold["rest"]
    else:
        plain = strip_markdown(text)
        if ": " not in plain:
            return "", plain
        term, rest = plain.split(": ", 1)
    term = strip_markdown(term).strip()
    rest = strip_markdown(rest)
    if (
        not term
        or not rest
        or len(term) > _MAX_TERM_CHARS
        or len(term.split()) > _MAX_TERM_WORDS
        or re.search(r"[.!?](?:\s|$)", term)
    ):
        return "", strip_markdown(text)
    return term, rest


def split_cells(row: str) -> list[str]:
    """Cells of a table row; `\\|` and pipes inside code spans stay in their cell."""
    body = row.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells, current, in_code, i = [], [], False, 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body) and body[i + 1] == "|":
            current.append("|")
            i += 2
            continue
        if char == "`":
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
    return stripped.startswith("|") or (stripped.count("|") >= 1 and not stripped.startswith(">"))


def _is_separator(line: str) -> bool:
    cells = split_cells(line)
    return bool(cells) and all(_TABLE_SEPARATOR_CELL.match(c.replace(" ", "")) for c in cells)


def _indent_width(indent: str) -> int:
    return len(indent.expandtabs(4))


def read_fits(cell: str) -> tuple[bool | None, str]:
    """(fits, rest) from a decision cell: ✅/Yes fits, ❌/No does not, anything else unknown."""
    text = strip_markdown(cell)
    for pattern, verdict in ((_CHECK_YES, True), (_CHECK_NO, False)):
        match = pattern.match(text)
        if match:
            return verdict, text[match.end() :].strip()
    return None, strip_decoration(text)


# --- The reader ------------------------------------------------------------------------------


@dataclass
class _Bullet:
    indent: int
    text: str
    line: int
    children: list[_Bullet] = field(default_factory=list)


@dataclass
class _Section:
    heading: str
    title: str
    level: int
    line: int
    bullets: list[_Bullet] = field(default_factory=list)
    tables: list[tuple[int, list[str], list[tuple[int, list[str]]]]] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)
    questions: list[AuthoredQuestion] = field(default_factory=list)


class _NoteReader:
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

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, "error", message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, "warning", message))

    # Pass 1: blocks. ---------------------------------------------------------------------

    def read(self) -> None:
        i = 0
        fence: str | None = None
        section: _Section | None = None
        question: _QuestionBuilder | None = None
        list_stack: list[_Bullet] = []
        while i < len(self.lines):
            raw = self.lines[i]
            number = i + 1
            stripped = raw.strip()
            fence_match = _FENCE.match(raw)
            if fence is not None:
                if fence_match and fence_match.group(1)[0] == fence[0] and len(
                    fence_match.group(1)
                ) >= len(fence):
                    fence = None
                i += 1
                continue
            if fence_match:
                fence = fence_match.group(1)
                list_stack = []
                i += 1
                continue
            if stripped.startswith("<!--"):
                i = self._skip_comment(i)
                continue

            heading = _HEADING.match(raw)
            if heading or _EMPTY_HEADING.match(raw):
                if question is not None:
                    self._finish_question(question, section)
                    question = None
                list_stack = []
                if not heading:
                    self.warn(number, "empty heading is ignored")
                    i += 1
                    continue
                level, text = len(heading.group(1)), heading.group(2)
                question_match = _QUESTION_HEADING.match(strip_markdown(strip_decoration(text)))
                if question_match and section is not None or (
                    question_match and self.title and question_match["stem"]
                ):
                    question = _QuestionBuilder(number, question_match["stem"].strip())
                elif level == 1 and not self.title and section is None:
                    self.title, self.title_line = strip_markdown(text), number
                else:
                    section = _Section(text, clean_heading(text), level, number)
                    self.sections.append(section)
                i += 1
                continue

            if question is not None:
                question.feed(raw, number)
                i += 1
                continue

            if not stripped:
                i += 1
                continue

            if _RULE_LINE.match(raw):
                list_stack = []
                i += 1
                continue

            signal_match = _SIGNAL_MARKER.match(raw)
            if signal_match and section is not None and _looks_like_marker(raw):
                list_stack = []
                i = self._read_signal(i, signal_match["rest"], section)
                continue

            if (
                _is_table_row(raw)
                and i + 1 < len(self.lines)
                and _is_separator(self.lines[i + 1])
                and "|" in self.lines[i + 1]
            ):
                list_stack = []
                i = self._read_table(i, section)
                continue

            bullet = _BULLET.match(raw)
            if bullet and bullet["text"] is not None and bullet["text"].strip():
                self._add_bullet(bullet, number, section, list_stack)
                i += 1
                continue

            if list_stack and raw[:1] in " \t":
                # A wrapped bullet line continues the bullet above it.
                list_stack[-1].text += " " + stripped
                i += 1
                continue

            list_stack = []
            if section is None and self.title:
                self.intro_lines.append(stripped)
            i += 1

        if question is not None:
            self._finish_question(question, section)

    def _skip_comment(self, i: int) -> int:
        while i < len(self.lines) and "-->" not in self.lines[i]:
            i += 1
        return i + 1

    def _add_bullet(
        self, match: re.Match[str], number: int, section: _Section | None, stack: list[_Bullet]
    ) -> None:
        indent = _indent_width(match["indent"])
        bullet = _Bullet(indent, match["text"].strip(), number)
        while stack and stack[-1].indent >= indent:
            stack.pop()
        if stack:
            stack[-1].children.append(bullet)
        elif section is not None:
            section.bullets.append(bullet)
        else:
            self.intro_lines.append(bullet.text)
        stack.append(bullet)

    def _read_signal(self, i: int, rest: str, section: _Section) -> int:
        number = i + 1
        sentence = _clean_signal_text(rest)
        i += 1
        if not sentence:
            # The sentence may stand on the next lines, up to a blank line.
            collected: list[str] = []
            while i < len(self.lines):
                line = self.lines[i].strip()
                if not line and not collected:
                    i += 1
                    continue
                if (
                    not line
                    or _HEADING.match(self.lines[i])
                    or _RULE_LINE.match(self.lines[i])
                    or _SIGNAL_MARKER.match(self.lines[i])
                    and _looks_like_marker(self.lines[i])
                ):
                    break
                collected.append(_clean_signal_text(line))
                i += 1
            sentence = " ".join(c for c in collected if c)
        if not sentence:
            self.error(number, "exam signal marker has no sentence after it")
            return i
        rules = split_rules(sentence, self.short_name)
        section.signals.append(Signal(text=sentence, line=number, rules=rules))
        return i

    def _read_table(self, i: int, section: _Section | None) -> int:
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
                self.error(
                    i + 1,
                    f"table row has {len(cells)} cells but the header has {width}",
                )
            else:
                rows.append((i + 1, cells))
            i += 1
        if section is None:
            self.warn(header_line, "table before the first section is ignored")
        else:
            section.tables.append((header_line, header, rows))
        return i

    def _finish_question(self, builder: _QuestionBuilder, section: _Section | None) -> None:
        question = builder.build(self, section.title if section else "")
        if question is not None and section is not None:
            section.questions.append(question)
        elif question is not None:
            self.error(builder.line, "question before the first section has no topic")

    # Pass 2: meaning. --------------------------------------------------------------------

    def result(self, text: str, content_hash: str) -> ParsedNote:
        if not self.title:
            self.error(1, "note has no title: start it with a '# Title' heading")
        else:
            self.service, self.short_name = split_service_title(self.title)
        self._check_duplicate_sections()
        topics, decisions, summary, focus, questions = [], [], [], [], []
        for section in self.sections:
            facts = []
            if _FOCUS_TITLE.search(section.title):
                focus.extend(self._focus_items(section))
            else:
                facts.extend(_facts_from_bullets(section.bullets, section.title))
            for header_line, header, rows in section.tables:
                kind = self._table_kind(header, section)
                if kind == "decision":
                    decisions.extend(self._decisions(header_line, header, rows, section))
                elif kind == "summary":
                    summary.extend(self._summary_rows(rows))
                else:
                    facts.extend(_facts_from_table(header, rows, section.title))
            signals = tuple(
                Signal(s.text, s.line, split_rules(s.text, self.short_name))
                for s in section.signals
            )
            for signal in signals:
                if not signal.rules:
                    self.warn(signal.line, "exam signal names no choice (no 'condition → choice')")
            topics.append(
                Topic(
                    title=section.title,
                    line=section.line,
                    level=section.level,
                    anchor=anchor_for(section.title),
                    facts=tuple(facts),
                    signals=signals,
                )
            )
            questions.extend(section.questions)
        if self.title and not self.sections:
            self.warn(self.title_line, "note has no sections, so it gives no topics")
        return ParsedNote(
            path=self.path,
            title=self.title,
            service=self.service,
            short_name=self.short_name,
            intro=" ".join(self.intro_lines).strip(),
            text=text,
            content_hash=content_hash,
            topics=tuple(topics),
            decisions=tuple(decisions),
            summary=tuple(summary),
            focus=tuple(focus),
            questions=tuple(questions),
            problems=tuple(sorted(self.problems, key=lambda p: (p.line, p.level))),
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
        self,
        header_line: int,
        header: list[str],
        rows: list[tuple[int, list[str]]],
        section: _Section,
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
            if fits is None:
                self.warn(
                    line,
                    f"decision row {scenario!r} does not say whether {self.short_name or 'the service'}"
                    " fits (start the cell with ✅ or ❌)",
                )
            if not alternative:
                self.warn(line, f"decision row {scenario!r} names no alternative")
            yield Decision(
                scenario=scenario,
                fits=fits,
                service_option=option,
                alternative=alternative,
                line=line,
                topic=section.title,
            )

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
            fits, option = read_fits(cells[1])
            if keyword and option:
                yield SummaryRow(keyword=keyword, option=option, line=line)
            elif keyword or option:
                self.warn(line, "summary row needs both a keyword and an option")

    def _focus_items(self, section: _Section) -> Iterator[FocusItem]:
        for bullet in section.bullets:
            lead = strip_markdown(bullet.text)
            if _FOCUS_AVOID.match(lead):
                polarity = "avoid"
            elif _FOCUS_CHOOSE.match(lead):
                polarity = "choose"
            else:
                continue
            subject = _focus_subject(bullet.text) or self.service
            items = bullet.children or []
            if not items:
                self.warn(bullet.line, f"Exam Focus item {lead!r} has no items under it")
            for child in items:
                text = strip_markdown(child.text)
                alternative = ""
                pieces = _ARROW.split(text)
                if len(pieces) >= 2:
                    text, alternative = pieces[0].strip(" ,.;"), _clean_choice(pieces[-1])
                elif polarity == "avoid":
                    self.warn(child.line, "'Avoid' item names no alternative ('… → use X')")
                yield FocusItem(
                    polarity=polarity,
                    text=text,
                    line=child.line,
                    alternative=alternative,
                    subject=subject,
                )


def _focus_subject(lead: str) -> str:
    """The service an Exam Focus lead names: bold text, else the words before when/if."""
    bold = re.search(r"(\*\*|__)(.+?)\1", lead)
    if bold:
        return bold.group(2).strip()
    plain = re.match(
        r"^\s*(?:choose|use|pick|prefer|go with|avoid|don'?t use|do not use|skip)\s+(.+?)\s+"
        r"(?:when|if|for)\b",
        strip_markdown(lead),
        re.I,
    )
    return plain.group(1).strip() if plain else ""


def _looks_like_marker(raw: str) -> bool:
    """Tell the marker line from prose that merely mentions an exam tip mid-sentence."""
    text = strip_markdown(raw.strip().lstrip(">*+- \t"))
    text = strip_decoration(text)
    return bool(re.match(r"^exam[ \t]+(?:signal|tip)s?\b", text, re.I))


def _clean_signal_text(text: str) -> str:
    text = text.strip()
    text = re.sub(r"^(?:\*\*|__|\*|_)+|(?:\*\*|__)+$", "", text).strip()
    text = text.lstrip(":-–— \t").strip()
    return strip_markdown(text.lstrip(">").strip())


def _facts_from_bullets(
    bullets: list[_Bullet], family: str, parent_text: str = ""
) -> tuple[Fact, ...]:
    facts = []
    for bullet in bullets:
        term, text = split_term(bullet.text)
        own_family = term or text
        children = _facts_from_bullets(bullet.children, own_family.rstrip(":"), text)
        facts.append(
            Fact(
                term=term,
                text=text.rstrip(":").strip() if not term else text,
                line=bullet.line,
                family=family,
                children=children,
            )
        )
    return tuple(facts)


def _facts_from_table(
    header: list[str], rows: list[tuple[int, list[str]]], family: str
) -> tuple[Fact, ...]:
    facts = []
    for line, cells in rows:
        cleaned = [strip_markdown(c) for c in cells]
        if not any(cleaned):
            continue
        if len(cleaned) == 2:
            text = cleaned[1]
        else:
            text = "; ".join(f"{h}: {c}" for h, c in zip(header[1:], cleaned[1:]) if c)
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
        if not stripped or _RULE_LINE.match(raw):
            self.in_explanation = False
            return
        bullet = _BULLET.match(raw)
        checkbox = _CHECKBOX.match(bullet["text"] or "") if bullet else None
        explanation = _EXPLANATION.match(stripped)
        if checkbox:
            self.in_explanation = False
            self.choices.append(
                AuthoredChoice(
                    text=strip_markdown(checkbox["text"]),
                    correct=checkbox["mark"] in "xX",
                    line=number,
                )
            )
        elif explanation:
            self.in_explanation = True
            self.explanation_parts.append(strip_markdown(explanation["text"]))
        elif self.in_explanation or (stripped.startswith(">") and self.explanation_parts):
            self.explanation_parts.append(strip_markdown(stripped.lstrip("> ")))
        elif not self.choices:
            self.stem_parts.append(strip_markdown(stripped))
        else:
            self.stray.append(number)

    def build(self, reader: _NoteReader, topic: str) -> AuthoredQuestion | None:
        stem = " ".join(p for p in self.stem_parts if p).strip()
        ok = True
        if not stem:
            reader.error(self.line, "question has no text")
            ok = False
        if len(self.choices) < 2:
            reader.error(self.line, "question needs at least two '- [ ]' choices")
            ok = False
        elif not any(c.correct for c in self.choices):
            reader.error(self.line, "question marks no choice correct ('- [x]')")
            ok = False
        elif all(c.correct for c in self.choices):
            reader.error(self.line, "question marks every choice correct")
            ok = False
        seen: set[str] = set()
        for choice in self.choices:
            key = choice.text.casefold()
            if not key:
                reader.error(choice.line, "choice has no text")
                ok = False
            elif key in seen:
                reader.error(choice.line, f"duplicate choice {choice.text!r}")
                ok = False
            seen.add(key)
        for number in self.stray:
            reader.warn(number, "line after the choices of a question is ignored")
        if not ok:
            return None
        return AuthoredQuestion(
            stem=stem,
            choices=tuple(self.choices),
            explanation=" ".join(self.explanation_parts).strip(),
            line=self.line,
            topic=topic,
        )


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
    # The service name is needed while reading signals ("Look for …" means this service).
    first_h1 = next((m for m in map(_HEADING.match, reader.lines) if m and len(m.group(1)) == 1), None)
    if first_h1:
        reader.service, reader.short_name = split_service_title(strip_markdown(first_h1.group(2)))
    reader.read()
    if repaired:
        reader.warn(1, "damaged encoding (mojibake) was repaired on read")
    if looks_damaged(text):
        line = next((n for n, ln in enumerate(text.split("\n"), 1) if looks_damaged(ln)), 1)
        reader.warn(line, "text still looks damaged after encoding repair")
    return reader.result(text, content_hash)
