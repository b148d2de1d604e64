"""Import markdown notes into the database: parse each file, then save it in one transaction.

The parser (pure) says what a note holds; this module only maps that onto rows. A note with
errors is not imported and its stored version stays as it was; an unchanged note (same content
hash) costs no writes; items keep their ids across edits (see `identity.carry_ids`) and items
that vanish are retired, never deleted.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, Literal, cast

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from studyapp import sql
from studyapp.bulk import fewer_collections, forked_map
from studyapp.notes import parsed as p
from studyapp.notes.identity import Keyed, carry_ids, normalize
from studyapp.notes.models import (
    Decision,
    Fact,
    FocusItem,
    ImportProblem,
    Note,
    Signal,
    SummaryRow,
    Topic,
)
from studyapp.notes.parser import parse_note
from studyapp.notes.rendering import render_note, topic_anchors
from studyapp.notes.signals import notes_imported

logger = logging.getLogger(__name__)

Status = Literal["added", "updated", "unchanged", "failed"]


@dataclass
class FileResult:
    """What happened to one file of a run."""

    path: str
    status: Status
    problems: tuple[p.Problem, ...] = ()
    parsed: p.ParsedNote | None = None
    note: Note | None = None


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def problems(self) -> list[p.Problem]:
        return [problem for f in self.files for problem in f.problems]

    @property
    def parsed_notes(self) -> list[p.ParsedNote]:
        return [parsed for parsed in (_parsed(f) for f in self.files) if parsed is not None]

    def summary(self) -> str:
        return (
            f"notes: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.failed} failed"
        )


Progress = Callable[[int, int, FileResult], None]


# Everything a run reads and generates lives until its end: collecting it again and again cost
# 0.5 s of a first import of 1,000 notes.
@fewer_collections()
def import_paths(
    paths: Iterable[str | Path],
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every .md file under `paths` (files as given, directories searched, sorted).

    A dry run reads the database to say what would happen and writes nothing. `force`
    re-imports notes whose content hash is unchanged (e.g. after the renderer changed).
    After a run that changed notes, `notes_imported` is sent.
    """
    files = note_files(paths)
    report = ImportReport()
    seen_slugs: dict[str, str] = {}
    known = _Known.load(files)
    unchanged = {} if dry_run or force else _unchanged_files(files, known)
    with _reading([f for f in files if f not in unchanged], render=not dry_run) as read:
        for index, path in enumerate(files, 1):
            if path in unchanged:
                result = unchanged[path]
                seen_slugs[slug_for(path)] = path
            else:
                result = _import_file(next(read), seen_slugs, known, dry_run=dry_run, force=force)
            report.files.append(result)
            if progress:
                progress(index, len(files), result)
    changed = [f.note for f in report.files if f.status in ("added", "updated") and f.note]
    if changed and not dry_run:
        # The receivers get every valid note: read the unchanged ones too, all at once.
        unread = [f for f in report.files if f.parsed is None and f.status == "unchanged"]
        with _reading([f.path for f in unread], render=False) as read:
            for result, found in zip(unread, read, strict=True):
                result.parsed = found.parsed
        valid = {
            slug_for(f.path): parsed
            for f in report.files
            if f.status != "failed" and (parsed := _parsed(f)) is not None
        }
        notes_imported.send(sender=Note, notes=changed, parsed=valid)
    return report


def note_files(paths: Iterable[str | Path]) -> list[str]:
    """The files to import, as display paths: directories give their .md files, sorted."""
    found: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(str(_display(f)) for f in sorted(path.rglob("*.md")) if f.is_file())
        else:
            found.append(str(_display(path)))
    return sorted(dict.fromkeys(found))


def slug_for(path: str) -> str:
    """A note's slug comes from its file name: `content/amazon-ecs.md` -> `amazon-ecs`."""
    return slugify(Path(path).stem)[:200] or "note"


def _display(path: Path) -> Path:
    # Relative to where the command runs when possible, so messages read `content/x.md:12:`.
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd())
    except ValueError:
        return path


def _import_file(
    read: _Read, seen_slugs: dict[str, str], known: _Known, *, dry_run: bool, force: bool
) -> FileResult:
    path, parsed = read.path, read.parsed
    slug = slug_for(path)
    problems = list(parsed.problems)
    if slug in seen_slugs:
        problems.append(
            p.Problem(path, 1, "error", f"same slug {slug!r} as {seen_slugs[slug]}; rename one")
        )
    seen_slugs.setdefault(slug, path)
    problems_tuple = tuple(problems)

    stored_problems = known.problems.get(path, ())
    if any(problem.level == "error" for problem in problems):
        if not dry_run:
            _store_problems(path, problems_tuple, stored_problems)
        return FileResult(path, "failed", problems_tuple, parsed)

    # A slug the run did not find at its start has no note to look up.
    note = Note.objects.filter(slug=slug).first() if slug in known.notes else None
    if note is not None and note.content_hash == parsed.content_hash and not force:
        if not dry_run:
            _store_problems(path, problems_tuple, stored_problems)
        return FileResult(path, "unchanged", problems_tuple, parsed, note)

    status: Status = "added" if note is None else "updated"
    if not dry_run:
        try:
            with transaction.atomic():
                note = save_note(parsed, slug, note=note, path=path, body_html=read.body_html)
                _store_problems(path, problems_tuple, stored_problems)
        except IntegrityError:
            if note is not None:
                raise
            # Another import (watch_notes, a second import_notes) added this note since this
            # run read what exists: update that note instead of failing the whole run.
            note, status = Note.objects.get(slug=slug), "updated"
            with transaction.atomic():
                note = save_note(parsed, slug, note=note, path=path, body_html=read.body_html)
                _store_problems(path, problems_tuple)
    return FileResult(path, status, problems_tuple, parsed, note)


def _unchanged_files(files: list[str], known: _Known) -> dict[str, FileResult]:
    """The results of the files that hold exactly the bytes last imported from them.

    Only the first file of a slug can be one: a later file with the same slug is parsed,
    to be reported as a clash.
    """
    found: dict[str, FileResult] = {}
    seen: set[str] = set()
    for path in files:
        slug = slug_for(path)
        if slug in known.notes and slug not in seen:
            result = _unchanged(path, known.notes[slug], known.problems.get(path, ()))
            if result is not None:
                found[path] = result
        seen.add(slug)
    return found


@dataclass(frozen=True)
class _Known:
    """What the database held for a run's files when the run started: the notes of their
    slugs and the problems of their paths, read in two queries rather than a few per file."""

    notes: dict[str, Note]  # by slug; only slug, path and content_hash are loaded
    problems: dict[str, tuple[p.Problem, ...]]  # by path

    @classmethod
    def load(cls, files: list[str]) -> _Known:
        notes = Note.objects.filter(slug__in={slug_for(f) for f in files})
        problems: dict[str, list[p.Problem]] = {}
        rows = ImportProblem.objects.filter(path__in=files).order_by("pk")
        for path, line, level, message in rows.values_list("path", "line", "level", "message"):
            problems.setdefault(path, []).append(p.Problem(path, line, level, message))
        return cls(
            {n.slug: n for n in notes.only("slug", "path", "content_hash")},
            {path: tuple(found) for path, found in problems.items()},
        )


def _unchanged(path: str, note: Note, problems: tuple[p.Problem, ...]) -> FileResult | None:
    """The result for a file holding exactly the bytes last imported from it, without parsing
    it again (parsing is most of an unchanged import's time); None if anything differs.

    Its problems are those stored by that import: the same bytes give the same problems.
    The parsed note is read only if asked for (`_parsed`).
    """
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    # The parser hashes the bytes it is given the same way (content_hash).
    if note.path != path or note.content_hash != hashlib.sha256(data).hexdigest():
        return None
    return FileResult(path, "unchanged", problems, None, note)


def _parsed(result: FileResult) -> p.ParsedNote | None:
    if result.parsed is None and result.status == "unchanged":
        result.parsed = _parse(result.path)
    return result.parsed


@dataclass(frozen=True)
class _Read:
    """A file as the parser read it, and its HTML if it is to be saved."""

    path: str
    parsed: p.ParsedNote
    body_html: str | None = None


# A pool starts in a few tens of milliseconds and pays from about 20 files on; runs smaller
# than this (a watch batch, most tests) are read in the importing process, which keeps
# them simple.
POOL_MIN_FILES = 50


@contextmanager
def _reading(paths: list[str], *, render: bool) -> Iterator[Iterator[_Read]]:
    """The files read (parsed, and rendered when `render`), in order, as the caller asks.

    Parsing and rendering (python-markdown, most of it) are pure CPU work and 80% of a first
    import; many files are read in forked workers, one per core (`forked_map`), while the
    caller saves what is read so far. On 2 cores a first import of 1,000 notes takes 4.2 s
    instead of 7.7 s.
    """
    # Chunks keep the pickling small next to the work; small ones let saving start soon.
    with forked_map(
        partial(_read, render=render), paths, min_per_worker=POOL_MIN_FILES, chunksize=8
    ) as read:
        yield read


def _read(path: str, *, render: bool) -> _Read:
    """Parse a file and, if it is valid and `render`, render it: no database here."""
    parsed = _parse(path)
    return _Read(path, parsed, _render(parsed) if render and parsed.is_valid else None)


def _render(parsed: p.ParsedNote) -> str:
    anchors = topic_anchors(parsed.topics)
    return render_note(
        parsed.text,
        anchors={t.line: anchor for t, anchor in zip(parsed.topics, anchors, strict=True)},
        signal_lines=[s.line for s in parsed.signals],
    )


def _parse(path: str) -> p.ParsedNote:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        problem = p.Problem(path, 1, "error", f"cannot read the file: {error.strerror or error}")
        return _empty_note(path, problem)
    try:
        return parse_note(data, path)
    except Exception:  # The parser promises not to raise; one bad file must not stop the run.
        logger.exception("the parser crashed on %s", path)
        return _empty_note(path, p.Problem(path, 1, "error", "the parser crashed on this note"))


def _empty_note(path: str, problem: p.Problem) -> p.ParsedNote:
    return p.ParsedNote(
        path=path,
        title="",
        service="",
        short_name="",
        intro="",
        text="",
        content_hash="",
        problems=(problem,),
    )


def _store_problems(
    path: str, problems: Sequence[p.Problem], stored: Sequence[p.Problem] | None = None
) -> None:
    """Replace the stored problems of `path`, writing nothing when they are the same.

    `stored` are the problems stored for `path`, if known (`_Known`); else they are read.
    """
    wanted = [(pr.line, pr.level, pr.message) for pr in problems]
    if stored is None:
        rows = ImportProblem.objects.filter(path=path).order_by("pk")
        before = list(rows.values_list("line", "level", "message"))
    else:
        before = [(pr.line, pr.level, pr.message) for pr in stored]
    if before == wanted:
        return
    now = timezone.now()
    # No savepoint inside the note's own transaction: its rollback undoes this too.
    with transaction.atomic(savepoint=False):
        # Always: `stored` comes from the start of the run, and another import may have
        # stored problems for this path since.
        ImportProblem.objects.filter(path=path).delete()
        sql.insert_rows(
            ImportProblem,
            [
                {"path": path, "line": line, "level": level, "message": message, "created_at": now}
                for line, level, message in wanted
            ],
        )


# --- Saving one note ---------------------------------------------------------------------


def save_note(
    parsed: p.ParsedNote,
    slug: str,
    *,
    note: Note | None = None,
    path: str = "",
    body_html: str | None = None,
) -> Note:
    """Write a valid parsed note and its items; the caller holds the transaction.

    `body_html` is the note rendered already (`_render`), if it was.
    """
    now = timezone.now()
    anchors = topic_anchors(parsed.topics)
    new = note is None
    if note is None:
        note = Note(slug=slug, imported_at=now)
    note.path = path or parsed.path
    note.title = parsed.title
    note.service = parsed.service
    note.short_name = parsed.short_name
    note.intro = parsed.intro
    note.source_text = parsed.text
    note.content_hash = parsed.content_hash
    note.body_html = _render(parsed) if body_html is None else body_html
    note.updated_at = now
    note.save()

    # A new note has no items yet: six queries saved per note of a first import.
    old = _NO_ITEMS if new else _Items.of(note)
    topic_ids = _sync_topics(note, old.topics, parsed.topics, anchors, now)
    _sync_facts(old.facts, parsed.topics, topic_ids, now)
    _sync_signals(old.signals, parsed.topics, topic_ids, now)
    _sync_decisions(note, old.decisions, parsed.decisions, now)
    _sync_summary(note, old.summary, parsed.summary, now)
    _sync_focus(note, old.focus, parsed.focus, now)
    return note


@dataclass(frozen=True)
class _Items:
    """The items (current and retired) a note's last import stored."""

    topics: list[Topic]
    facts: list[Fact]
    signals: list[Signal]
    decisions: list[Decision]
    summary: list[SummaryRow]
    focus: list[FocusItem]

    @classmethod
    def of(cls, note: Note) -> _Items:
        return cls(
            topics=list(note.topics.all()),
            facts=list(Fact.objects.filter(topic__note=note)),
            signals=list(Signal.objects.filter(topic__note=note)),
            decisions=list(note.decisions.all()),
            summary=list(note.summary_rows.all()),
            focus=list(note.focus_items.all()),
        )


_NO_ITEMS = _Items([], [], [], [], [], [])


def _sync_topics(
    note: Note,
    old: Sequence[Topic],
    parsed_topics: Sequence[p.Topic],
    anchors: Sequence[str],
    now: datetime,
) -> list[int]:
    """The topics' rows; returns their ids, in order."""
    wanted = [
        _Wanted(
            "",
            t.title,
            {
                "note_id": note.pk,
                "title": t.title,
                "anchor": anchor,
                "level": t.level,
                "line": t.line,
                "position": i,
            },
        )
        for i, (t, anchor) in enumerate(zip(parsed_topics, anchors, strict=True))
    ]
    return _sync(Topic, old, wanted, now, key=lambda t: ("", t.title))


def _sync_facts(
    old: Sequence[Fact], parsed_topics: Sequence[p.Topic], topic_ids: Sequence[int], now: datetime
) -> None:
    # Facts are grouped by their topic's id (already carried over), not its title, so a fact
    # in a topic whose heading got a typo fix can still keep its id after a small edit.
    wanted: list[_Wanted] = []
    parents: list[int | None] = []  # index into `wanted` of each fact's parent
    for parsed_topic, topic_id in zip(parsed_topics, topic_ids, strict=True):
        for position, (fact, parent) in enumerate(_flatten(parsed_topic.facts, len(wanted))):
            fields = {
                "topic_id": topic_id,
                "term": fact.term,
                "text": fact.text,
                "family": fact.family,
                "kind": fact.kind,
                "line": fact.line,
                "position": position,
            }
            wanted.append(_Wanted(str(topic_id), fact.full_text, fields))
            parents.append(parent)

    _sync(Fact, old, wanted, now, key=lambda f: (str(f.topic_id), f.full_text), parents=parents)


def _flatten(
    facts: Sequence[p.Fact], offset: int, parent: int | None = None
) -> list[tuple[p.Fact, int | None]]:
    """Facts and their nested children in reading order, each with its parent's index."""
    flat: list[tuple[p.Fact, int | None]] = []
    for fact in facts:
        index = offset + len(flat)
        flat.append((fact, parent))
        flat.extend(_flatten(fact.children, offset + len(flat), index))
    return flat


def _sync_signals(
    old: Sequence[Signal],
    parsed_topics: Sequence[p.Topic],
    topic_ids: Sequence[int],
    now: datetime,
) -> None:
    wanted = [
        _Wanted(
            str(topic_id),
            signal.text,
            {
                "topic_id": topic_id,
                "text": signal.text,
                "rules": [{"when": r.when, "choose": r.choose} for r in signal.rules],
                "line": signal.line,
                "position": position,
            },
        )
        for parsed_topic, topic_id in zip(parsed_topics, topic_ids, strict=True)
        for position, signal in enumerate(parsed_topic.signals)
    ]
    _sync(Signal, old, wanted, now, key=lambda s: (str(s.topic_id), s.text))


def _sync_decisions(
    note: Note, old: Sequence[Decision], decisions: Sequence[p.Decision], now: datetime
) -> None:
    wanted = [
        _Wanted(
            "",
            d.scenario,
            {
                "note_id": note.pk,
                "topic": d.topic,
                "scenario": d.scenario,
                "fits": d.fits,
                "service_option": d.service_option,
                "alternative": d.alternative,
                "line": d.line,
                "position": i,
            },
        )
        for i, d in enumerate(decisions)
    ]
    _sync(Decision, old, wanted, now, key=lambda d: ("", d.scenario))


def _sync_summary(
    note: Note, old: Sequence[SummaryRow], rows: Sequence[p.SummaryRow], now: datetime
) -> None:
    wanted = [
        _Wanted(
            "",
            row.keyword,
            {
                "note_id": note.pk,
                "keyword": row.keyword,
                "option": row.option,
                "line": row.line,
                "position": i,
            },
        )
        for i, row in enumerate(rows)
    ]
    _sync(SummaryRow, old, wanted, now, key=lambda r: ("", r.keyword))


def _sync_focus(
    note: Note, old: Sequence[FocusItem], items: Sequence[p.FocusItem], now: datetime
) -> None:
    wanted = [
        _Wanted(
            item.polarity,
            item.text,
            {
                "note_id": note.pk,
                "polarity": item.polarity,
                "subject": item.subject,
                "text": item.text,
                "alternative": item.alternative,
                "line": item.line,
                "position": i,
            },
        )
        for i, item in enumerate(items)
    ]
    _sync(FocusItem, old, wanted, now, key=lambda f: (f.polarity, f.text))


@dataclass(frozen=True)
class _Wanted:
    """An item of the new version of a note: its identity (group, text) and its field values."""

    group: str
    text: str
    fields: dict[str, object]


def _sync(
    model: type[models.Model],
    old: Sequence[models.Model],
    wanted: Sequence[_Wanted],
    now: datetime,
    *,
    key: Callable[[Any], tuple[str, str]],
    parents: Sequence[int | None] = (),
) -> list[int]:
    """Make the rows match `wanted`, in order; returns the id of each wanted item's row.

    Current rows continue their most similar new item (`carry_ids`); a retired row comes back
    only for an item with exactly its text. `parents`, for items linked to a parent (facts),
    gives the index in `wanted` of each item's parent, which comes before it. New rows are
    inserted together, in order; unchanged rows are not written; current rows left over are
    retired in one UPDATE.
    """
    current = [row for row in old if row.retired_at is None]
    retired = [row for row in old if row.retired_at is not None]
    ids = carry_ids(
        [Keyed(row.pk, *key(row)) for row in current],
        [Keyed(None, w.group, w.text) for w in wanted],
    )
    _revive(ids, wanted, retired, key)

    by_pk = {row.pk: row for row in old}
    saved: list[int | None] = []  # the row id of each item, None until it is inserted
    unsaved: dict[int, dict[str, object]] = {}  # fields of the new rows not inserted yet
    for i, (item, pk) in enumerate(zip(wanted, ids, strict=True)):
        fields = {**item.fields, "retired_at": None}
        if parents:
            parent = parents[i]
            if parent is not None and saved[parent] is None:
                _insert(model, unsaved, saved)  # the parent needs its id before its children
            fields["parent_id"] = None if parent is None else saved[parent]
        saved.append(pk)
        if pk is None:
            unsaved[i] = fields
            continue
        row = by_pk[pk]
        changed = [name for name, value in fields.items() if getattr(row, name) != value]
        for name in changed:
            setattr(row, name, fields[name])
        if changed:
            row.save(update_fields=changed)
    _insert(model, unsaved, saved)

    kept = set(ids)
    vanished = [row.pk for row in current if row.pk not in kept]
    if vanished:
        model.objects.filter(pk__in=vanished).update(retired_at=now)
    return cast(list[int], saved)  # every row is inserted by now


def _insert(
    model: type[models.Model], unsaved: dict[int, dict[str, object]], saved: list[int | None]
) -> None:
    """INSERT the `unsaved` rows (by item index), put their ids in `saved`, and empty it."""
    ids = sql.insert_rows(model, list(unsaved.values()))
    for index, pk in zip(unsaved, ids, strict=True):
        saved[index] = pk
    unsaved.clear()


def _revive(
    ids: list[Hashable | None],
    wanted: Sequence[_Wanted],
    retired: Sequence[models.Model],
    key: Callable[[Any], tuple[str, str]],
) -> None:
    """Give a new item the id of a retired row with exactly its text, same group first."""
    if not retired:
        return
    pool: dict[str, list[models.Model]] = {}
    for row in retired:
        pool.setdefault(normalize(key(row)[1]), []).append(row)
    for i, item in enumerate(wanted):
        candidates = pool.get(normalize(item.text), [])
        if ids[i] is not None or not candidates:
            continue
        row = next((r for r in candidates if key(r)[0] == item.group), candidates[0])
        candidates.remove(row)
        ids[i] = row.pk
