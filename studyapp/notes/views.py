"""Pages that show imported notes, and the home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from studyapp.notes.models import Note


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


# A team server's notes are its team's: only signed-in people read them (issue #4/#5).
@login_required
@require_safe
def note_list(request: HttpRequest) -> HttpResponse:
    notes = Note.objects.with_counts().only("slug", "title", "service", "intro")
    return render(request, "notes/note_list.html", {"notes": notes})


@login_required
@require_safe
def note_detail(request: HttpRequest, slug: str) -> HttpResponse:
    note = get_object_or_404(Note, slug=slug)
    topics = note.topics.current().only("title", "anchor", "level", "note_id")
    return render(request, "notes/note_detail.html", {"note": note, "topics": topics})
