"""A learner's progress out and in: JSON export, import on another server, CSV of the log."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.test import Client
from django.urls import reverse

from studyapp.notes.importer import import_paths
from studyapp.questions.models import Question
from studyapp.review import services
from studyapp.review.models import Card, ReviewLog, StudySettings
from studyapp.review.services import Scope
from studyapp.transfer.progress import (
    CARD_FIELDS,
    CSV_COLUMNS,
    NOT_EXPORTED,
    REVIEW_FIELDS,
    SETTINGS_FIELDS,
    ProgressImportError,
    export_progress,
    import_progress,
)
from tests.study_data import (
    answer_right,
    answer_wrong,
    make_learner,
    make_note,
    make_question,
    right_numbers,
    show,
)

CONTENT = Path(__file__).resolve().parent.parent / "content"
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def study_a_while(learner) -> None:
    """Two days of study: right and wrong answers, an undo, and a cram answer off the schedule."""
    StudySettings.objects.update_or_create(
        learner=learner,
        defaults={
            "desired_retention": 0.85,
            "new_per_day": 7,
            "reviews_per_day": 99,
            "time_zone": "Europe/Berlin",
            "exam_date": date(2026, 6, 1),
        },
    )
    now = MONDAY
    for grade in ("good", "easy", "hard"):
        answer_right(learner, now, grade)
        now += timedelta(seconds=41, microseconds=123457)
    answer_wrong(learner, now)
    now += timedelta(seconds=30)
    latest = ReviewLog.objects.filter(learner=learner).latest("reviewed_at", "pk")
    services.undo(learner, latest.pk, now)
    now += timedelta(seconds=5)
    answer_wrong(learner, now)
    cram = Scope(Question.objects.current().first().note.slug)
    shown = show(learner, now + timedelta(minutes=3), cram).shown
    picked = right_numbers(shown.question, learner)
    services.answer(learner, shown.token, picked, False, now + timedelta(minutes=3))
    answer_right(learner, MONDAY + timedelta(days=1, hours=2), "good")


# --- The round trip ------------------------------------------------------------------------------


def test_export_import_export_gives_the_same_document() -> None:
    # Server A: the notes, a learner who studied, their export. Then it is all rolled back, as
    # if it had been another database.
    with transaction.atomic():
        import_paths([CONTENT])
        ada = make_learner("ada")
        study_a_while(ada)
        exported = export_progress(ada)
        pks_on_a = dict(Question.objects.values_list("uid", "pk"))
        transaction.set_rollback(True)
    assert not Question.objects.exists()

    # Server B: other questions first, so every database id differs; then the same notes.
    make_question(make_note("elsewhere"), "A question only server B has?")
    import_paths([CONTENT])
    ada_on_b = get_user_model().objects.create_user("ada")

    import_progress(ada_on_b, json.loads(json.dumps(exported)))

    assert export_progress(ada_on_b) == exported
    pks_on_b = dict(Question.objects.values_list("uid", "pk"))
    studied = {card["question"] for card in exported["cards"]}
    assert all(pks_on_a[uid] != pks_on_b[uid] for uid in studied)


def test_the_document_holds_settings_cards_and_the_whole_log() -> None:
    import_paths([CONTENT])
    ada = make_learner("ada")
    study_a_while(ada)

    document = export_progress(ada)

    assert document["format"] == "studyapp-progress" and document["version"] == 1
    assert document["settings"] == {
        "desired_retention": 0.85,
        "new_per_day": 7,
        "reviews_per_day": 99,
        "time_zone": "Europe/Berlin",
        "exam_date": "2026-06-01",
    }
    assert len(document["cards"]) == Card.objects.filter(learner=ada).count()
    reviews = document["reviews"]
    assert len(reviews) == ReviewLog.objects.filter(learner=ada).count() == 8
    assert [r["ref"] for r in reviews] == list(range(1, 9))
    undo = next(r for r in reviews if r["undoes"] is not None)
    assert reviews[undo["undoes"] - 1]["rating"] == 1  # it takes back the wrong answer
    assert any(not r["moves_schedule"] for r in reviews)  # the cram answer
    assert all(r["question"].startswith("q") for r in reviews)
    assert "id" not in reviews[0] and "token" not in reviews[0]


def test_every_field_of_the_study_models_is_exported_or_left_out_on_purpose() -> None:
    # A field added to these models later must be added to the document (or to NOT_EXPORTED).
    for model, exported in (
        (StudySettings, SETTINGS_FIELDS),
        (Card, CARD_FIELDS),
        (ReviewLog, REVIEW_FIELDS),
    ):
        concrete = {f.name for f in model._meta.get_fields() if isinstance(f, models.Field)}
        assert concrete == set(exported) | NOT_EXPORTED[model], model


# --- Import: refused cleanly -------------------------------------------------------------------


@pytest.fixture
def exported() -> dict:
    import_paths([CONTENT])
    ada = make_learner("ada")
    study_a_while(ada)
    return export_progress(ada)


def test_an_account_with_progress_of_its_own_is_refused(exported: dict) -> None:
    bo = make_learner("bo")
    answer_right(bo, MONDAY)

    with pytest.raises(ProgressImportError, match="already has study progress"):
        import_progress(bo, exported)


def test_questions_this_server_lacks_are_named_and_nothing_is_written(exported: dict) -> None:
    exported["cards"][0]["question"] = "q_not_here"
    bo = make_learner("bo")

    with pytest.raises(ProgressImportError, match="q_not_here"):
        import_progress(bo, exported)

    assert not Card.objects.filter(learner=bo).exists()


def test_a_broken_review_rolls_everything_back(exported: dict) -> None:
    exported["reviews"][-1]["rating"] = 9
    bo = make_learner("bo")

    with pytest.raises(ProgressImportError, match="rating"):
        import_progress(bo, exported)

    assert not Card.objects.filter(learner=bo).exists()
    assert not ReviewLog.objects.filter(learner=bo).exists()


@pytest.mark.parametrize(
    ("part", "field", "value"),
    [
        ("settings", "desired_retention", float("nan")),
        ("cards", "reps", float("inf")),
        ("cards", "stability", float("nan")),
        ("reviews", "ref", float("inf")),
        ("reviews", "rating", float("-inf")),
        ("reviews", "state_after", {"stability": float("nan")}),
    ],
)
def test_numbers_json_can_say_but_a_database_cannot_hold_are_refused(
    exported: dict, part: str, field: str, value: object
) -> None:
    target = exported[part] if part == "settings" else exported[part][-1]
    target[field] = value
    bo = make_learner("bo")

    with pytest.raises(ProgressImportError, match=field):
        import_progress(bo, exported)

    assert not ReviewLog.objects.filter(learner=bo).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("chosen", 5),
        ("chosen", {"text": "AWS Lambda"}),
        ("chosen", [["AWS Lambda"]]),
        ("state_before", {"state": 2}),
        ("state_after", "review"),
    ],
)
def test_a_review_the_pages_could_not_read_back_is_refused(
    exported: dict, field: str, value: object
) -> None:
    exported["reviews"][-1][field] = value
    bo = make_learner("bo")

    with pytest.raises(ProgressImportError, match=field):
        import_progress(bo, exported)

    assert not ReviewLog.objects.filter(learner=bo).exists()


@pytest.mark.parametrize(
    "document", [[], {"format": "other"}, {"format": "studyapp-progress", "version": 2}]
)
def test_other_documents_are_refused(document: object) -> None:
    with pytest.raises(ProgressImportError):
        import_progress(make_learner("bo"), document)


def test_the_command_imports_a_file_for_a_named_learner(exported: dict, tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    out = io.StringIO()

    call_command("import_progress", str(path), "--user", "cy", "--create-user", stdout=out)

    cy = get_user_model().objects.get(username="cy")
    assert export_progress(cy) == exported
    assert "imported 5 card(s) and 8 review(s)" in out.getvalue()


def test_the_command_refuses_an_unknown_learner(exported: dict, tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text(json.dumps(exported), encoding="utf-8")

    with pytest.raises(CommandError, match="no user 'cy'"):
        call_command("import_progress", str(path), "--user", "cy")


# --- Pages ---------------------------------------------------------------------------------------


@pytest.fixture
def ada_client(client: Client) -> Client:
    import_paths([CONTENT])
    ada = make_learner("ada")
    study_a_while(ada)
    client.force_login(ada)
    return client


def test_the_json_download_is_the_learners_own_progress(ada_client: Client) -> None:
    bo = make_learner("bo")
    answer_right(bo, MONDAY)

    response = ada_client.get(reverse("transfer:export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'attachment; filename="studyapp-progress-ada-' in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document == export_progress(get_user_model().objects.get(username="ada"))
    assert len(document["reviews"]) == 8


def test_downloads_need_a_login(client: Client) -> None:
    for name in ("transfer:export", "transfer:export_csv", "transfer:import"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert "/login/" in response["Location"]


def test_the_csv_has_the_documented_columns_and_one_row_per_review(ada_client: Client) -> None:
    response = ada_client.get(reverse("transfer:export_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 8
    undone = [r for r in rows if r["undone"] == "true"]
    undo = [r for r in rows if r["undoes"]]
    assert len(undone) == len(undo) == 1 and undo[0]["undoes"] == undone[0]["id"]
    assert {r["rating_name"] for r in rows} >= {"Again", "Good", "Easy", "Hard"}
    assert all(r["reviewed_at"].endswith("+00:00") for r in rows)
    docs = (Path(__file__).resolve().parent.parent / "docs" / "data-export.md").read_text()
    assert all(f"`{column}`" in docs for column in CSV_COLUMNS)


def test_a_stem_that_looks_like_a_formula_stays_text_in_the_csv(client: Client) -> None:
    note = make_note("formulas")
    make_question(note, '=HYPERLINK("http://evil.example","x")')
    ada = make_learner("ada")
    answer_wrong(ada, MONDAY)
    client.force_login(ada)

    body = b"".join(client.get(reverse("transfer:export_csv")).streaming_content).decode()

    row = list(csv.DictReader(io.StringIO(body)))[0]
    assert row["stem"].startswith("'=HYPERLINK")


def test_the_upload_page_imports_into_an_empty_account(exported: dict, client: Client) -> None:
    client.force_login(make_learner("bo"))
    upload = SimpleUploadedFile("progress.json", json.dumps(exported).encode())

    response = client.post(reverse("transfer:import"), {"file": upload}, follow=True)

    assert b"Imported 5 cards and 8 reviews." in response.content
    assert ReviewLog.objects.filter(learner__username="bo").count() == 8


@pytest.mark.parametrize(
    "body",
    [
        b'{"format": "studyapp-progress", "version": 1, "settings": {"new_per_day": Infinity}}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_the_upload_page_refuses_json_no_database_holds(client: Client, body: bytes) -> None:
    client.force_login(make_learner("bo"))
    upload = SimpleUploadedFile("progress.json", body)

    response = client.post(reverse("transfer:import"), {"file": upload})

    assert response.status_code == 200
    assert b'class="errorlist' in response.content


def test_the_upload_page_shows_why_a_file_was_refused(client: Client) -> None:
    client.force_login(make_learner("bo"))
    upload = SimpleUploadedFile("progress.json", b"\x89PNG not json")

    response = client.post(reverse("transfer:import"), {"file": upload})

    assert response.status_code == 200
    assert b"This is not a JSON file" in response.content
