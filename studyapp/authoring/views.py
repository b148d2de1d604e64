"""Authoring pages: the problems the last imports found, and a live preview of a note."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from studyapp.authoring.access import authoring_page
from studyapp.authoring.forms import PreviewForm
from studyapp.authoring.preview import Preview, build_preview
from studyapp.notes.importer import slug_for
from studyapp.notes.models import ImportProblem, Note
from studyapp.notes.parsed import ParsedNote
from studyapp.notes.parser import parse_note


@authoring_page
@require_safe
def problems(request: HttpRequest) -> HttpResponse:
    rows = list(ImportProblem.objects.order_by("-created_at", "path", "line", "pk"))
    slugs = set(
        Note.objects.filter(slug__in={slug_for(r.path) for r in rows}).values_list(
            "slug", flat=True
        )
    )
    for row in rows:
        slug = slug_for(row.path)
        row.note_slug = slug if slug in slugs else ""
    errors = sum(1 for r in rows if r.level == "error")
    context = {"rows": rows, "errors": errors, "warnings": len(rows) - errors}
    return render(request, "authoring/problems.html", context)


@authoring_page
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def preview(request: HttpRequest) -> HttpResponse:
    # Nothing is saved, so a POST answers with the page itself rather than redirecting.
    form = PreviewForm(request.POST or None, request.FILES or None)
    result: Preview | None = None
    if request.method == "POST" and form.is_valid() and form.source is not None:
        result = build_preview(form.source, form.path, _stored_notes())
    context = {"form": form, "preview": result}
    template = "authoring/_preview.html" if request.htmx else "authoring/preview.html"
    return render(request, template, context)


def _stored_notes() -> list[ParsedNote]:
    """The imported notes, re-read from their stored text: the source of wrong choices."""
    notes = Note.objects.only("path", "source_text").order_by("slug")
    return [parse_note(note.source_text, note.path) for note in notes]
