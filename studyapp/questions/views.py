"""Pages of the question bank: every question of a note, with its answer and source."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from studyapp.notes.models import Note
from studyapp.questions.models import Choice, Question


@require_safe
def note_questions(request: HttpRequest, slug: str) -> HttpResponse:
    note = get_object_or_404(Note.objects.only("slug", "title", "path"), slug=slug)
    questions = (
        Question.objects.current()
        .filter(note=note)
        .select_related("topic")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "pk")))
    )
    return render(request, "questions/note_questions.html", {"note": note, "questions": questions})
