"""A learner's own data, out and in: progress as JSON, the review log as CSV, and an import form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from studyapp.transfer.forms import ProgressUploadForm
from studyapp.transfer.progress import (
    ProgressImportError,
    csv_lines,
    export_progress,
    import_progress,
    review_log_rows,
)


@login_required
@require_safe
def progress_json(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(export_progress(request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = _attachment(request, "json")
    return response


@login_required
@require_safe
def review_log_csv(request: HttpRequest) -> HttpResponse:
    # Streamed: a learner of some years has hundreds of thousands of reviews.
    response = StreamingHttpResponse(
        csv_lines(review_log_rows(request.user)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _attachment(request, "csv")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def progress_upload(request: HttpRequest) -> HttpResponse:
    form = ProgressUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            counts = import_progress(request.user, form.cleaned_data["file"])
        except ProgressImportError as error:
            form.add_error("file", str(error))
        else:
            messages.success(
                request,
                f"Imported {counts['cards']} cards and {counts['reviews']} reviews.",
            )
            return redirect("transfer:import")
    return render(request, "transfer/import.html", {"form": form})


def _attachment(request: HttpRequest, extension: str) -> str:
    day = timezone.now().date().isoformat()
    name = "".join(ch for ch in request.user.get_username() if ch.isalnum() or ch in "-_.")
    kind = "progress" if extension == "json" else "reviews"
    return f'attachment; filename="studyapp-{kind}-{name or "learner"}-{day}.{extension}"'
