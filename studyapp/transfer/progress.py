"""A learner's progress as one JSON document: export it here, import it on another server.

The document holds the learner's study settings, one card per question studied and the whole
review log, in order. Questions are named by their uid (the id that survives edits and is the
same on every server that imported the same notes), never by a database id; a review that
undoes another names it by its `ref`, its place in the log. Exporting, importing into a fresh
account and exporting again gives the same document (tests/test_progress_transfer.py).

Left out on purpose: database ids, and each review's one-time `token`, which only guards
against a double submit while the question is on screen and must stay unique per server.
See docs/data-export.md.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction

from studyapp.questions.models import Question
from studyapp.review.models import Card, ReviewLog, StudySettings
from studyapp.review.scheduling import CardState

FORMAT = "studyapp-progress"
VERSION = 1

SETTINGS_FIELDS = ("desired_retention", "new_per_day", "reviews_per_day", "time_zone", "exam_date")
CARD_FIELDS = (*Card.MEMORY_FIELDS, "created_at")
REVIEW_FIELDS = (
    "rating",
    "reviewed_at",
    "duration_ms",
    "chosen",
    "answer",
    "correct",
    "source",
    "moves_schedule",
    "stage",
    "state_before",
    "state_after",
)
# Model fields the document does not carry as such (see the module docstring).
NOT_EXPORTED = {
    StudySettings: {"id", "learner"},
    Card: {"id", "learner", "question"},  # question: as "question", by uid
    ReviewLog: {"id", "learner", "card", "question", "undoes", "token"},  # undoes: as a ref
}


class ProgressImportError(Exception):
    """The document cannot be imported; nothing was written."""


# --- Export ----------------------------------------------------------------------------------


def export_progress(learner: models.Model) -> dict[str, Any]:
    """The learner's settings, cards and review log as a JSON-ready dict."""
    settings = StudySettings.objects.filter(learner=learner).first() or StudySettings()
    cards = Card.objects.filter(learner=learner).select_related("question")
    logs = list(_logs_of(learner).select_related("question"))
    refs = {log.pk: ref for ref, log in enumerate(logs, 1)}
    return {
        "format": FORMAT,
        "version": VERSION,
        "settings": _values(settings, SETTINGS_FIELDS),
        "cards": sorted(
            ({"question": c.question.uid, **_values(c, CARD_FIELDS)} for c in cards),
            key=lambda card: card["question"],
        ),
        "reviews": [
            {
                "ref": refs[log.pk],
                "question": log.question.uid,
                **_values(log, REVIEW_FIELDS),
                "undoes": refs.get(log.undoes_id) if log.undoes_id else None,
            }
            for log in logs
        ],
    }


def _logs_of(learner: models.Model) -> models.QuerySet[ReviewLog]:
    # In the order they were written: an undo always comes after the answer it takes back.
    return ReviewLog.objects.filter(learner=learner).order_by("reviewed_at", "pk")


def _values(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: _to_json(getattr(instance, name)) for name in names}


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- Import ----------------------------------------------------------------------------------


def import_progress(learner: models.Model, document: Any) -> dict[str, int]:
    """Give `learner` the settings, cards and reviews of `document`, all or nothing.

    The learner must have no cards and no reviews yet: reviews are never deleted, so
    progress cannot be merged into an existing history or replace it.
    """
    _check_header(document)
    if (
        Card.objects.filter(learner=learner).exists()
        or ReviewLog.objects.filter(learner=learner).exists()
    ):
        raise ProgressImportError(
            f"{learner} already has study progress; import into an account that has none"
        )
    questions = _questions_for(document)
    try:
        with transaction.atomic():
            _import_settings(learner, document.get("settings") or {})
            cards = _import_cards(learner, document.get("cards") or [], questions)
            count = _import_reviews(learner, document.get("reviews") or [], questions, cards)
    except (
        ValidationError,
        ValueError,
        TypeError,
        KeyError,
        OverflowError,
        DatabaseError,
    ) as error:
        raise ProgressImportError(f"the document is not valid progress: {_say(error)}") from error
    return {"cards": len(cards), "reviews": count}


def _check_header(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ProgressImportError(f"not a {FORMAT} document")
    if document.get("version") != VERSION:
        raise ProgressImportError(
            f"version {document.get('version')!r} is not supported (this server reads {VERSION})"
        )
    for key in ("cards", "reviews"):
        if not isinstance(document.get(key, []), list):
            raise ProgressImportError(f"{key!r} must be a list")


def _questions_for(document: dict[str, Any]) -> dict[str, Question]:
    items = [*document.get("cards", []), *document.get("reviews", [])]
    if not all(isinstance(item, dict) for item in items):
        raise ProgressImportError("every card and review must be an object")
    uids = {str(item.get("question")) for item in items}
    found = {q.uid: q for q in Question.objects.filter(uid__in=uids)}
    missing = sorted(uids - set(found))
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise ProgressImportError(
            f"{len(missing)} question(s) of the document are not on this server ({shown}); "
            "import the same notes first"
        )
    return found


def _import_settings(learner: models.Model, values: dict[str, Any]) -> None:
    settings = StudySettings(learner=learner)
    for name in SETTINGS_FIELDS:
        if name in values:
            setattr(settings, name, _from_json(StudySettings, name, values[name]))
    settings.full_clean(exclude=["learner"])
    StudySettings.objects.filter(learner=learner).delete()
    settings.save()


def _import_cards(
    learner: models.Model, items: list[dict[str, Any]], questions: dict[str, Question]
) -> dict[str, Card]:
    cards = {}
    for item in items:
        card = Card(learner=learner, question=questions[item["question"]])
        for name in CARD_FIELDS:
            setattr(card, name, _from_json(Card, name, item[name]))
        card.full_clean(exclude=["learner", "question"], validate_unique=False)
        cards[item["question"]] = card
    Card.objects.bulk_create(cards.values())
    # Read back rather than trust bulk_create to have set the ids on every database.
    saved = {c.question_id: c for c in Card.objects.filter(learner=learner)}
    return {uid: saved[card.question_id] for uid, card in cards.items()}


def _import_reviews(
    learner: models.Model,
    items: list[dict[str, Any]],
    questions: dict[str, Question],
    cards: dict[str, Card],
) -> int:
    by_ref: dict[int, ReviewLog] = {}
    for item in items:
        uid = item["question"]
        if uid not in cards:
            raise ValueError(f"review {item.get('ref')} is of a question with no card ({uid})")
        log = ReviewLog(learner=learner, card=cards[uid], question=questions[uid])
        for name in REVIEW_FIELDS:
            # Documents from before `answer` existed lack it: their answers stay unknown ([]).
            value = item.get(name, []) if name == "answer" else item[name]
            setattr(log, name, _from_json(ReviewLog, name, value))
        if item.get("undoes") is not None:
            # KeyError: it names no earlier review.
            log.undoes = by_ref[int(_finite("undoes", item["undoes"]))]
        _check_readable(log)
        log.full_clean(exclude=["learner", "card", "question", "undoes"], validate_unique=False)
        # One by one: an undo row needs the id of the row it undoes.
        log.save()
        by_ref[int(_finite("ref", item["ref"]))] = log
    return len(by_ref)


def _check_readable(log: ReviewLog) -> None:
    """Refuse what the pages would fail to read back later: the stats and team pages read
    `chosen` as a list of texts, undo reads the states as card states."""
    for name in ("chosen", "answer"):
        texts = getattr(log, name)
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise ValueError(f"{name} {texts!r} is not a list of choice texts")
    for name in ("state_before", "state_after"):
        state = getattr(log, name)
        try:
            if state is not None:
                CardState.from_json(state)
        except (KeyError, TypeError, ValueError, OverflowError) as error:
            raise ValueError(f"{name} {state!r} is not a card state") from error


def _finite(name: str, value: Any) -> Any:
    """`value`, unless it holds NaN or an infinity (Python's json reads NaN, Infinity and
    1e999): databases store them as NULL, refuse them, or keep them to break FSRS later."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"{name} {value!r} holds a number that is not finite")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return value


def _from_json(model: type[models.Model], name: str, value: Any) -> Any:
    field = model._meta.get_field(name)
    value = _finite(name, value)
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError(f"{name} {value!r} has no time zone")
        return parsed.astimezone(UTC)
    if isinstance(field, models.DateField):
        return date.fromisoformat(value)
    if isinstance(field, models.JSONField):
        return value
    return field.to_python(value)


def _say(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{k}: {', '.join(v)}" for k, v in error.message_dict.items())
    if isinstance(error, KeyError):
        return f"missing {error}"
    return str(error)


# --- The review log as CSV -------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "reviewed_at",
    "note",
    "topic",
    "question",
    "kind",
    "stem",
    "rating",
    "rating_name",
    "correct",
    "chosen",
    "answer",
    "duration_ms",
    "source",
    "moves_schedule",
    "stage",
    "undoes",
    "undone",
    "stability_after",
    "difficulty_after",
    "due_after",
)
_RATING_NAMES = dict(ReviewLog.RATING_CHOICES)


def review_log_rows(learner: models.Model) -> Iterator[list[str]]:
    """The header and one row per review, oldest first (see docs/data-export.md)."""
    yield list(CSV_COLUMNS)
    logs = (
        _logs_of(learner)
        .select_related("question__note", "question__topic")
        .annotate(undone=models.Exists(ReviewLog.objects.filter(undoes=models.OuterRef("pk"))))
    )
    for log in logs.iterator(chunk_size=2000):
        after = log.state_after or {}
        question = log.question
        yield [
            str(log.pk),
            _to_json(log.reviewed_at),
            question.note.slug,
            question.topic.title if question.topic else "",
            question.uid,
            question.kind,
            _cell(question.stem),
            "" if log.rating is None else str(log.rating),
            _RATING_NAMES.get(log.rating, ""),
            _bool(log.correct),
            json.dumps(log.chosen, ensure_ascii=False),
            json.dumps(log.answer, ensure_ascii=False),
            "" if log.duration_ms is None else str(log.duration_ms),
            log.source,
            _bool(log.moves_schedule),
            log.stage,
            "" if log.undoes_id is None else str(log.undoes_id),
            _bool(log.undone),
            _number(after.get("stability")),
            _number(after.get("difficulty")),
            after.get("due") or "",
        ]


def _bool(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _number(value: Any) -> str:
    return "" if value is None else repr(value)


def _cell(text: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet; a leading apostrophe keeps it
    # text (OWASP's advice on CSV injection). Stems come from note authors, not from learners.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text, line by line, for a streaming response."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)
