"""`export_anki`: the question bank from content/ as an .apkg that opens as an Anki collection."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
from django.core.management import CommandError, call_command

from studyapp.notes.importer import import_paths
from studyapp.questions.models import Question
from studyapp.transfer.anki import AnkiChoice, AnkiQuestion, anki_note, tags_for

CONTENT = Path(__file__).resolve().parent.parent / "content"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def deck(django_db_setup, django_db_blocker, tmp_path_factory) -> tuple[Path, list[dict]]:
    """content/ imported once, exported once; the questions as they were exported."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            import_paths([CONTENT])
            path = tmp_path_factory.mktemp("anki") / "studyapp.apkg"
            call_command("export_anki", str(path))
            questions = [
                {"uid": q.uid, "stem": q.stem, "note": q.note.slug, "topic": q.topic.title}
                for q in Question.objects.current().select_related("note", "topic")
            ]
            transaction.set_rollback(True)
    return path, questions


def collection(path: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(path) as package:
        assert "collection.anki2" in package.namelist()
        package.extract("collection.anki2", tmp_path)
    return sqlite3.connect(tmp_path / "collection.anki2")


def test_the_package_is_a_zip_with_an_anki_collection(deck, tmp_path: Path) -> None:
    path, questions = deck
    db = collection(path, tmp_path)

    (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
    assert integrity == "ok"
    assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == len(questions)
    assert db.execute("SELECT count(*) FROM cards").fetchone()[0] == len(questions)
    assert len(questions) >= 50


def test_one_sub_deck_per_note(deck, tmp_path: Path) -> None:
    path, questions = deck
    db = collection(path, tmp_path)

    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    names = {d["name"] for d in decks.values()}
    assert "studyapp::📘 Amazon ECS – Elastic Container Service" in names
    assert len([n for n in names if n.startswith("studyapp::")]) == len(
        {q["note"] for q in questions}
    )


def test_each_note_has_the_question_its_answer_and_its_source(deck, tmp_path: Path) -> None:
    path, questions = deck
    db = collection(path, tmp_path)
    question = questions[0]

    flds, tags, guid = db.execute(
        "SELECT flds, tags, guid FROM notes WHERE guid = ?", (genanki.guid_for(question["uid"]),)
    ).fetchone()
    front, choices, answer, explanation, source, uid = flds.split("\x1f")
    assert uid == question["uid"]
    assert front  # the stem, escaped
    assert choices.count("<li>") >= 4
    assert answer
    assert "(line " in source and question["topic"].replace("&", "&amp;") in source
    assert question["note"] in tags.split()


def test_guids_are_stable_so_anki_updates_instead_of_duplicating(deck, tmp_path: Path) -> None:
    path, questions = deck
    db = collection(path, tmp_path)

    guids = {row[0] for row in db.execute("SELECT guid FROM notes")}
    assert guids == {genanki.guid_for(q["uid"]) for q in questions}


def test_an_empty_bank_is_an_error_not_an_empty_deck(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no questions to export"):
        call_command("export_anki", str(tmp_path / "empty.apkg"))

    assert not (tmp_path / "empty.apkg").exists()


def test_the_file_must_be_an_apkg(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=".apkg"):
        call_command("export_anki", str(tmp_path / "deck.zip"))


# --- The builder, without the database ---------------------------------------------------------


QUESTION = AnkiQuestion(
    uid="q_123",
    note_slug="aws-lambda",
    note_title="AWS Lambda – Serverless",
    topic="Limits & Quotas",
    line=12,
    kind="signal",
    stem="A job runs <6 hours>. Which service fits?",
    choices=(
        AnkiChoice("AWS Lambda", False, "Stops after 15 minutes"),
        AnkiChoice("AWS Batch", True),
        AnkiChoice("Amazon EKS", False),
        AnkiChoice("<script>x</script>", False),
    ),
    explanation="Batch runs long jobs.",
)


def test_fields_are_escaped_and_the_answer_has_its_letter() -> None:
    note = anki_note(QUESTION)

    front, choices, answer, explanation, source, uid = note.fields
    assert front == "A job runs &lt;6 hours&gt;. Which service fits?"
    assert "<li>&lt;script&gt;x&lt;/script&gt;</li>" in choices
    assert answer == "B. AWS Batch"
    assert "A. AWS Lambda: Stops after 15 minutes" in explanation
    assert source == "AWS Lambda – Serverless › Limits &amp; Quotas (line 12)"
    assert note.guid == genanki.guid_for("q_123")


def test_tags_are_the_note_and_its_topic_slugified() -> None:
    assert tags_for(QUESTION) == ["aws-lambda", "aws-lambda::limits-quotas"]
