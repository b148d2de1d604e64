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
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

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
    stored = {} if dry_run or force else _stored_versions(files)
    for index, path in enumerate(files, 1):
        result = _import_file(path, seen_slugs, stored, dry_run=dry_run, force=force)
        report.files.append(result)
        if progress:
            progress(index, len(files), result)
    changed = [f.note for f in report.files if f.status in ("added", "updated") and f.note]
    if changed and not dry_run:
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
    path: str,
    seen_slugs: dict[str, str],
    stored: dict[str, _Stored],
    *,
    dry_run: bool,
    force: bool,
) -> FileResult:
    slug = slug_for(path)
    if slug in stored and slug not in seen_slugs:
        unchanged = _unchanged(path, stored[slug])
        if unchanged is not None:
            seen_slugs[slug] = path
            return unchanged
    parsed = _parse(path)
    problems = list(parsed.problems)
    if slug in seen_slugs:
        problems.append(
            p.Problem(path, 1, "error", f"same slug {slug!r} as {seen_slugs[slug]}; rename one")
        )
    seen_slugs.setdefault(slug, path)
    problems_tuple = tuple(problems)

    if any(problem.level == "error" for problem in problems):
        if not dry_run:
            _store_problems(path, problems_tuple)
        return FileResult(path, "failed", problems_tuple, parsed)

    note = Note.objects.filter(slug=slug).first()
    if note is not None and note.content_hash == parsed.content_hash and not force:
        if not dry_run:
            _store_problems(path, problems_tuple)
        return FileResult(path, "unchanged", problems_tuple, parsed, note)

    status: Status = "added" if note is None else "updated"
    if not dry_run:
        with transaction.atomic():
            note = save_note(parsed, slug, note=note, path=path)
            _store_problems(path, problems_tuple)
    return FileResult(path, status, problems_tuple, parsed, note)


@dataclass(frozen=True)
class _Stored:
    """What the last import stored for a note: the note, and the problems of its file."""

    note: Note
    problems: tuple[p.Problem, ...]


def _stored_versions(files: list[str]) -> dict[str, _Stored]:
    """The stored notes of these files, by slug, and their problems: two queries for the
    whole run rather than two for each file."""
    notes = Note.objects.filter(slug__in={slug_for(f) for f in files})
    problems: dict[str, list[p.Problem]] = {}
    rows = ImportProblem.objects.filter(path__in=files).order_by("pk")
    for path, line, level, message in rows.values_list("path", "line", "level", "message"):
        problems.setdefault(path, []).append(p.Problem(path, line, level, message))
    found = notes.only("slug", "path", "content_hash")
    return {n.slug: _Stored(n, tuple(problems.get(n.path, ()))) for n in found}


def _unchanged(path: str, stored: _Stored) -> FileResult | None:
    """The result for a file holding exactly the bytes last imported from it, without parsing
    it again (parsing is most of an unchanged import's time); None if anything differs.

    Its problems are those stored by that import: the same bytes give the same problems.
    The parsed note is read only if asked for (`_parsed`).
    """
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    note = stored.note
    # The parser hashes the bytes it is given the same way (content_hash).
    if note.path != path or note.content_hash != hashlib.sha256(data).hexdigest():
        return None
    return FileResult(path, "unchanged", stored.problems, None, note)


def _parsed(result: FileResult) -> p.ParsedNote | None:
    if result.parsed is None and result.status == "unchanged":
        result.parsed = _parse(result.path)
    return result.parsed


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


def _store_problems(path: str, problems: Sequence[p.Problem]) -> None:
    """Replace the stored problems of `path`, writing nothing when they are the same."""
    wanted = [(pr.line, pr.level, pr.message) for pr in problems]
    stored = list(
        ImportProblem.objects.filter(path=path)
        .order_by("pk")
        .values_list("line", "level", "message")
    )
    if stored == wanted:
        return
    now = timezone.now()
    with transaction.atomic():
        ImportProblem.objects.filter(path=path).delete()
        ImportProblem.objects.bulk_create(
            ImportProblem(path=path, line=line, level=level, message=message, created_at=now)
            for line, level, message in wanted
        )


# --- Saving one note ---------------------------------------------------------------------


def save_note(parsed: p.ParsedNote, slug: str, *, note: Note | None = None, path: str = "") -> Note:
    """Write a valid parsed note and its items; the caller holds the transaction."""
    now = timezone.now()
    anchors = topic_anchors(parsed.topics)
    if note is None:
        note = Note(slug=slug, imported_at=now)
    note.path = path or parsed.path
    note.title = parsed.title
    note.service = parsed.service
    note.short_name = parsed.short_name
    note.intro = parsed.intro
    note.source_text = parsed.text
    note.content_hash = parsed.content_hash
    note.body_html = render_note(
        parsed.text,
        anchors={t.line: anchor for t, anchor in zip(parsed.topics, anchors, strict=True)},
        signal_lines=[s.line for s in parsed.signals],
    )
    note.updated_at = now
    note.save()

    topics = _sync_topics(note, parsed.topics, anchors, now)
    _sync_facts(note, parsed.topics, topics, now)
    _sync_signals(note, parsed.topics, topics, now)
    _sync_decisions(note, parsed.decisions, now)
    _sync_summary(note, parsed.summary, now)
    _sync_focus(note, parsed.focus, now)
    return note


def _sync_topics(
    note: Note, parsed_topics: Sequence[p.Topic], anchors: Sequence[str], now: datetime
) -> list[Topic]:
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
    return _sync(Topic, list(note.topics.all()), wanted, now, key=lambda t: ("", t.title))


def _sync_facts(
    note: Note, parsed_topics: Sequence[p.Topic], topics: Sequence[Topic], now: datetime
) -> None:
    # Facts are grouped by their topic's id (already carried over), not its title, so a fact
    # in a topic whose heading got a typo fix can still keep its id after a small edit.
    wanted: list[_Wanted] = []
    parents: list[int | None] = []  # index into `wanted` of each fact's parent
    for parsed_topic, topic in zip(parsed_topics, topics, strict=True):
        for position, (fact, parent) in enumerate(_flatten(parsed_topic.facts, len(wanted))):
            fields = {
                "topic_id": topic.pk,
                "term": fact.term,
                "text": fact.text,
                "family": fact.family,
                "kind": fact.kind,
                "line": fact.line,
                "position": position,
            }
            wanted.append(_Wanted(str(topic.pk), fact.full_text, fields))
            parents.append(parent)

    def parent_id(i: int, saved: list[models.Model]) -> dict[str, object]:
        # Parents come before their children, so a parent is saved before its children.
        return {"parent_id": None if parents[i] is None else saved[parents[i]].pk}

    old = list(Fact.objects.filter(topic__note=note))
    _sync(Fact, old, wanted, now, key=lambda f: (str(f.topic_id), f.full_text), late=parent_id)


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
    note: Note, parsed_topics: Sequence[p.Topic], topics: Sequence[Topic], now: datetime
) -> None:
    wanted = [
        _Wanted(
            str(topic.pk),
            signal.text,
            {
                "topic_id": topic.pk,
                "text": signal.text,
                "rules": [{"when": r.when, "choose": r.choose} for r in signal.rules],
                "line": signal.line,
                "position": position,
            },
        )
        for parsed_topic, topic in zip(parsed_topics, topics, strict=True)
        for position, signal in enumerate(parsed_topic.signals)
    ]
    old = list(Signal.objects.filter(topic__note=note))
    _sync(Signal, old, wanted, now, key=lambda s: (str(s.topic_id), s.text))


def _sync_decisions(note: Note, decisions: Sequence[p.Decision], now: datetime) -> None:
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
    _sync(Decision, list(note.decisions.all()), wanted, now, key=lambda d: ("", d.scenario))


def _sync_summary(note: Note, rows: Sequence[p.SummaryRow], now: datetime) -> None:
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
    _sync(SummaryRow, list(note.summary_rows.all()), wanted, now, key=lambda r: ("", r.keyword))


def _sync_focus(note: Note, items: Sequence[p.FocusItem], now: datetime) -> None:
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
    old = list(note.focus_items.all())
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
    late: Callable[[int, list[models.Model]], dict[str, object]] | None = None,
) -> list[models.Model]:
    """Make the rows match `wanted`, in order; returns the saved row for each wanted item.

    Current rows continue their most similar new item (`carry_ids`); a retired row comes back
    only for an item with exactly its text. `late` gives fields that depend on rows saved
    earlier in the same call. Unchanged rows are not written; current rows left over are
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
    saved: list[models.Model] = []
    for i, (item, pk) in enumerate(zip(wanted, ids, strict=True)):
        fields = {**item.fields, "retired_at": None, **(late(i, saved) if late else {})}
        if pk is None:
            row = model.objects.create(**fields)
        else:
            row = by_pk[pk]
            changed = [name for name, value in fields.items() if getattr(row, name) != value]
            for name in changed:
                setattr(row, name, fields[name])
            if changed:
                row.save(update_fields=changed)
        saved.append(row)

    kept = set(ids)
    vanished = [row.pk for row in current if row.pk not in kept]
    if vanished:
        model.objects.filter(pk__in=vanished).update(retired_at=now)
    return saved


def _revive(
    ids: list[Hashable | None],
    wanted: Sequence[_Wanted],
    retired: Sequence[models.Model],
    key: Callable[[Any], tuple[str, str]],
) -> None:
    """Give a new item the id of a retired row with exactly its text, same group first."""
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
