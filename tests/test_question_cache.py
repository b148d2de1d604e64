"""The question bank's version and the per-process question cache of the study loop: a change
to the bank is seen at once, an unchanged bank costs one tiny query per question shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyapp.notes.importer import import_paths
from studyapp.notes.models import Note
from studyapp.questions import sync, version
from studyapp.questions.models import Choice, Question
from studyapp.questions.version import VersionedCache
from studyapp.review import services
from tests.study_data import make_note, make_question

pytestmark = pytest.mark.django_db


def _import(folder: Path) -> None:
    report = import_paths([folder])
    assert not report.failed, report.problems


def _edit_ecs(folder: Path, old: str, new: str) -> None:
    text = Note.objects.get(slug="amazon-ecs").source_text
    assert old in text, old
    (folder / "amazon-ecs.md").write_text(text.replace(old, new), encoding="utf-8")


def test_a_reimport_that_changes_a_question_is_seen_at_once(notes_dir: Path) -> None:
    _import(notes_dir)
    question = Question.objects.get(
        note__slug="amazon-ecs", kind="decision", stem__icontains="simple event-driven functions"
    )
    before = version.current()
    assert "event-driven" in services._question(uid=question.uid).stem  # now held in memory

    _edit_ecs(notes_dir, "Simple event-driven functions", "Simple event-drivn functions")
    _import(notes_dir)

    assert version.current() != before
    shown = services._question(uid=question.uid)
    assert "event-drivn" in shown.stem
    assert shown.stem == Question.objects.get(pk=question.pk).stem


def test_an_unchanged_reimport_keeps_the_version_and_the_questions_in_memory(
    notes_dir: Path,
) -> None:
    _import(notes_dir)
    question = Question.objects.filter(retired_at__isnull=True).first()
    services._question(pk=question.pk)
    before = version.current()

    _import(notes_dir)  # nothing changed: nothing written, the version stands

    assert version.current() == before
    with CaptureQueriesContext(connection) as queries:
        again = services._question(pk=question.pk)
    assert again.pk == question.pk
    assert len(queries) == 1 and "token" in queries[0]["sql"].lower()  # the version alone


def test_an_orm_save_of_a_choice_makes_the_held_question_stale() -> None:
    question = make_question(make_note("amazon-ecs"), "Which launch type?", "Fargate")
    held = services._question(pk=question.pk)
    assert "Fargate" in [c.text for c in held.choices.all()]

    choice = Choice.objects.get(question=question, text="Fargate")
    choice.text = "AWS Fargate"
    choice.save()

    texts = [c.text for c in services._question(pk=question.pk).choices.all()]
    assert "AWS Fargate" in texts and "Fargate" not in texts


def test_a_note_renamed_by_an_import_shows_its_new_title(notes_dir: Path) -> None:
    # A title alone changes no question: the version moves once per import run that changed notes.
    _import(notes_dir)
    question = Question.objects.filter(note__slug="amazon-ecs", retired_at__isnull=True).first()
    title = services._question(pk=question.pk).note.title

    text = Note.objects.get(slug="amazon-ecs").source_text
    heading = next(line for line in text.splitlines() if line.startswith("# "))
    (notes_dir / "amazon-ecs.md").write_text(
        text.replace(heading, heading + " (renamed)"), encoding="utf-8"
    )
    _import(notes_dir)

    assert services._question(pk=question.pk).note.title == title + " (renamed)"


def test_the_cache_keeps_a_value_under_each_of_its_keys_until_the_version_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = ["one"]
    monkeypatch.setattr(version, "current", lambda: token[0])
    cache: VersionedCache[str] = VersionedCache(size=10)
    computed: list[str] = []

    def compute(value: str):
        return lambda: computed.append(value) or value

    assert cache.get(("pk", 1), compute("a"), keys=lambda v: [("pk", 1), ("uid", "u1")]) == "a"
    assert cache.get(("uid", "u1"), compute("other")) == "a"  # held under both keys
    assert computed == ["a"]

    token[0] = "two"
    assert cache.get(("pk", 1), compute("b")) == "b"  # a new version: computed again
    assert computed == ["a", "b"]


def test_the_cache_is_bounded_and_drops_the_least_recently_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(version, "current", lambda: "one")
    cache: VersionedCache[int] = VersionedCache(size=2)
    cache.get(1, lambda: 1)
    cache.get(2, lambda: 2)
    cache.get(1, lambda: -1)  # a hit: 1 is now the most recently used
    cache.get(3, lambda: 3)  # 2 goes
    assert cache.get(1, lambda: -1) == 1
    assert cache.get(2, lambda: -2) == -2


def test_without_a_version_row_nothing_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    # A flushed database (TransactionTestCase) has no row until the next bump.
    monkeypatch.setattr(version, "current", lambda: "")
    cache: VersionedCache[int] = VersionedCache(size=2)
    assert cache.get(1, lambda: 1) == 1
    assert cache.get(1, lambda: 2) == 2


def test_bump_recreates_a_missing_row() -> None:
    from studyapp.questions.models import BankVersion

    BankVersion.objects.all().delete()
    assert version.current() == ""
    version.bump()
    assert len(version.current()) == 32


def test_a_sync_that_writes_bumps_the_version_itself(notes_dir: Path) -> None:
    # The importer's own note saves bump it too, but before the sync's writes: a request in
    # between would keep the old question under the new version, were the sync not to bump.
    from studyapp.questions.sync import sync_questions

    _import(notes_dir)
    question = Question.objects.filter(retired_at__isnull=True).first()
    Question.objects.filter(pk=question.pk).update(stem="Tampered with")  # no signal
    before = version.current()

    sync_questions({})  # puts the generated stem back

    assert Question.objects.get(pk=question.pk).stem == question.stem
    assert version.current() != before


def test_links_with_long_arguments_are_reversed_but_not_kept() -> None:
    # Scopes are posted back by the browser: a long one must not grow the process's memory.
    from studyapp import links

    links._reversed.cache_clear()
    assert links.reverse_once("review:cram_note", "amazon-ecs").endswith("/amazon-ecs/")
    long_anchor = "a" * 5000
    url = links.reverse_once("review:cram_topic", "amazon-ecs", long_anchor)
    assert url.endswith(long_anchor + "/")
    assert links._reversed.cache_info().currsize == 1


def test_a_rename_is_shown_even_when_the_question_bank_then_fails_to_rebuild(
    notes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The notes are saved before the bank is rebuilt, each in its own transaction: a failed
    # rebuild leaves them saved, and the next run sees them unchanged and sends no signal.
    _import(notes_dir)
    question = Question.objects.filter(note__slug="amazon-ecs", retired_at__isnull=True).first()
    title = services._question(pk=question.pk).note.title
    _edit_ecs(notes_dir, title, title + " (renamed)")

    def broken(parsed_notes: object) -> None:
        raise RuntimeError("the rebuild failed")

    monkeypatch.setattr(sync, "sync_questions", broken)
    with pytest.raises(RuntimeError):
        import_paths([notes_dir])

    assert Note.objects.get(slug="amazon-ecs").title == title + " (renamed)"
    assert services._question(pk=question.pk).note.title == title + " (renamed)"
