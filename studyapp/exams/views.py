"""The mock exam pages: start, one question at a time, the result, and review mode.

Every request to an attempt goes through `_get_attempt_for_user` (someone else's attempt is a
404) and then checks the clock on the server: past the time limit, the attempt submits itself
and the learner lands on the result, whatever the browser's timer said.

An answer page holds the question and its choices by their place on screen (1, 2, …), never
which is right; right answers only appear on the result and review pages, after submission.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url

from studyapp.exams import attempts, scoring
from studyapp.exams.models import AttemptQuestion, ExamAttempt
from studyapp.notes.models import Note
from studyapp.stats import svg

REVIEW_FILTERS = {
    "all": Q(),
    "wrong": Q(correct=False),
    "flagged": Q(flagged=True),
    "unanswered": Q(selected=[]),
}
HISTORY_LIMIT = 20


def _get_attempt_for_user(request: HttpRequest, attempt_id: int) -> ExamAttempt:
    return get_object_or_404(ExamAttempt, pk=attempt_id, learner=request.user)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    # htmx would follow a plain redirect and swap the whole next page into the fragment.
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _closed(request: HttpRequest, attempt: ExamAttempt) -> HttpResponse | None:
    """The way to the result if the attempt is over (submitting it first if time ran out)."""
    attempt = attempts.close_if_expired(attempt, timezone.now())
    if attempt.is_submitted:
        return _redirect(request, reverse("exams:result", args=[attempt.pk]))
    return None


# ---------------------------------------------------------------------------------------------
# Start, and the history of attempts
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    learner_attempts = ExamAttempt.objects.filter(learner=request.user)
    now = timezone.now()
    open_attempts = []
    for attempt in learner_attempts.filter(submitted_at__isnull=True).order_by("-started_at"):
        # An attempt left to run out (a closed tab) is submitted here, so its answers reach
        # the schedule and its score the history without the learner going back to it.
        attempt = attempts.close_if_expired(attempt, now)
        if not attempt.is_submitted:
            open_attempts.append(attempt)
    history = list(learner_attempts.submitted().order_by("-submitted_at", "-pk")[:HISTORY_LIMIT])
    context = {
        "lengths": scoring.LENGTHS,
        "notes": _notes_with_questions(),
        "history": history,
        "open_attempts": open_attempts,
        "score_chart": _score_chart(history),
        "pass_line": scoring.PASS_LINE,
    }
    return render(request, "exams/index.html", context)


def _notes_with_questions() -> list[Note]:
    counted = Note.objects.annotate(
        question_count=Count("questions", filter=Q(questions__retired_at__isnull=True))
    )
    return list(counted.filter(question_count__gt=0).order_by("title", "slug"))


def _score_chart(history: list[ExamAttempt]) -> str:
    points = [
        (f"{timezone.localtime(a.submitted_at):%Y-%m-%d %H:%M} ({a.raw_score})", a.scaled_score)
        for a in reversed(history)
    ]
    return mark_safe(svg.score_line(points)) if points else ""  # noqa: S308 (escaped in svg)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    try:
        length = int(request.POST.get("length", ""))
    except ValueError:
        length = 0
    if length not in scoring.LENGTHS:
        messages.error(request, "Pick an exam length: 10, 20 or 65 questions.")
        return redirect("exams:index")
    slugs = sorted(set(request.POST.getlist("notes")))
    known = set(Note.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    if known != set(slugs):
        # Dropping the unknown ones could leave none, which means "all notes": not what was asked.
        messages.error(request, "Pick notes from the list: one of those asked for does not exist.")
        return redirect("exams:index")
    try:
        attempt = attempts.start(request.user, length, sorted(known), timezone.now())
    except attempts.NoQuestions:
        messages.error(request, "There are no questions in the notes picked.")
        return redirect("exams:index")
    return redirect("exams:question", attempt.pk, 1)


@login_required
@require_safe
def resume(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Back to the question the learner was on (after closing the tab, say)."""
    attempt = _get_attempt_for_user(request, attempt_id)
    return _closed(request, attempt) or redirect("exams:question", attempt.pk, attempt.current)


# ---------------------------------------------------------------------------------------------
# Taking the exam
# ---------------------------------------------------------------------------------------------


def _item(attempt: ExamAttempt, number: int) -> AttemptQuestion:
    return get_object_or_404(
        attempt.items.select_related("question__note", "question__topic"), position=number
    )


def _question_context(attempt: ExamAttempt, item: AttemptQuestion) -> dict[str, Any]:
    # Place, text and whether picked only: this page never carries which choice is right.
    choices = [
        {"number": c["number"], "text": c["text"], "picked": c["picked"]}
        for c in item.shown_choices()
    ]
    return {
        "attempt": attempt,
        "item": item,
        "question": item.question,
        "choices": choices,
        **_navigator_context(attempt, item.position),
    }


def _navigator_context(attempt: ExamAttempt, number: int) -> dict[str, Any]:
    items = list(attempt.items.only("attempt", "position", "selected", "flagged"))
    return {
        "attempt": attempt,
        "number": number,
        "navigator": items,
        "answered_count": sum(1 for i in items if i.answered),
        "flagged_count": sum(1 for i in items if i.flagged),
        "previous_number": number - 1 if number > 1 else None,
        "next_number": number + 1 if number < len(items) else None,
    }


def _remember_position(attempt: ExamAttempt, number: int) -> None:
    if attempt.current != number:
        attempt.current = number
        ExamAttempt.objects.filter(pk=attempt.pk).update(current=number)


@login_required
@require_safe
@vary_on_headers("HX-Request")
def question(request: HttpRequest, attempt_id: int, number: int) -> HttpResponse:
    attempt = _get_attempt_for_user(request, attempt_id)
    if closed := _closed(request, attempt):
        return closed
    item = _item(attempt, number)
    # Where the exam resumes moves only with the form's buttons (POST): a GET writes nothing.
    context = _question_context(attempt, item)
    # htmx asks for the whole page when restoring history it has not kept.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "exams/_question.html", context)
    context["remaining_seconds"] = attempt.remaining_seconds(timezone.now())
    return render(request, "exams/take.html", context)


def _place(value: str) -> int | None:
    """A choice or question number as a form posts it; None for anything else.

    ASCII digits only, and few of them: "²".isdigit() is true but int() refuses it, and int()
    refuses more than 4,300 digits.
    """
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 4 else None


def _destination(go: str, number: int, length: int) -> int | None:
    """Where a button sends the learner: previous, next, a question number; None to submit."""
    if go == "submit":
        return None
    moves = {"next": number + 1, "previous": number - 1}
    target = moves.get(go) or _place(go) or number
    return min(max(target, 1), length)


@login_required
@require_POST
def answer(request: HttpRequest, attempt_id: int, number: int) -> HttpResponse:
    """Save the choices picked (and the flag); then stay, move to another question, or submit.

    Every button of the question form posts here, the navigator's too, so an answer is saved
    whichever way the learner leaves the question, with or without JavaScript.
    """
    attempt = _get_attempt_for_user(request, attempt_id)
    if closed := _closed(request, attempt):
        return closed
    item = _item(attempt, number)
    picked = [n for n in map(_place, request.POST.getlist("choice")) if n is not None]
    flag = request.POST.get("flag")
    now = timezone.now()
    attempts.save_answer(item, picked, None if flag is None else flag == "1", now)
    go = _destination(request.POST.get("go", ""), number, attempt.length)
    if go is None:
        attempts.submit(attempt, now)
        return _redirect(request, reverse("exams:result", args=[attempt.pk]))
    url = reverse("exams:question", args=[attempt.pk, go])
    _remember_position(attempt, go)
    if not request.htmx:
        return redirect(url)
    if request.htmx.target == "exam-nav":
        # Saved as the learner clicked: only the navigator changes on screen.
        return render(request, "exams/_navigator.html", _navigator_context(attempt, number))
    target = item if go == number else _item(attempt, go)
    response = render(request, "exams/_question.html", _question_context(attempt, target))
    return push_url(response, url) if go != number else response


# ---------------------------------------------------------------------------------------------
# After submitting
# ---------------------------------------------------------------------------------------------


def _submitted_or_redirect(request: HttpRequest, attempt_id: int) -> ExamAttempt | HttpResponse:
    attempt = attempts.close_if_expired(_get_attempt_for_user(request, attempt_id), timezone.now())
    if not attempt.is_submitted:
        # No result, and no answers, before the exam is over.
        return redirect("exams:question", attempt.pk, attempt.current)
    return attempt


@login_required
@require_safe
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _submitted_or_redirect(request, attempt_id)
    if isinstance(attempt, HttpResponse):
        return attempt
    items = attempt.items.select_related("question__note", "question__topic")
    marks = [
        scoring.Mark(
            item.question.note.title,
            item.question.topic.title if item.question.topic else "",
            bool(item.correct),
        )
        for item in items
    ]
    by_note, by_topic = scoring.breakdowns(marks)
    context = {
        "attempt": attempt,
        "by_note": sorted(by_note, key=lambda t: t.label),
        "by_topic": sorted(by_topic, key=lambda t: (t.note, t.label)),
        "pass_line": scoring.PASS_LINE,
        "unanswered": sum(1 for item in items if not item.answered),
        "flagged": sum(1 for item in items if item.flagged),
    }
    return render(request, "exams/result.html", context)


@login_required
@require_safe
def review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _submitted_or_redirect(request, attempt_id)
    if isinstance(attempt, HttpResponse):
        return attempt
    show = request.GET.get("show", "all")
    if show not in REVIEW_FILTERS:
        show = "all"
    counts = attempt.items.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in REVIEW_FILTERS.items()}
    )
    items = attempt.items.filter(REVIEW_FILTERS[show]).select_related(
        "question__note", "question__topic"
    )
    context = {
        "attempt": attempt,
        "show": show,
        "filters": [(name, counts[name]) for name in REVIEW_FILTERS],
        "items": [_reviewed(item) for item in items],
    }
    return render(request, "exams/review.html", context)


def _reviewed(item: AttemptQuestion) -> dict[str, Any]:
    # The choices as the learner saw them, whatever an import has done to them since.
    choices = [{"choice": c, "picked": c["picked"]} for c in item.shown_choices()]
    topic = item.question.topic
    source = item.question.note.get_absolute_url() + (f"#{topic.anchor}" if topic else "")
    return {"item": item, "question": item.question, "choices": choices, "source": source}
