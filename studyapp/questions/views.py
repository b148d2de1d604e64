"""Pages of the question bank: every question of a note, with its answer and source."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from studyapp.authoring.access import authoring_page
from studyapp.notes.models import Note
from studyapp.questions.models import Choice, Question


# Every answer is on this page: it is for authors (staff on a team server, anyone in local mode).
@authoring_page
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
