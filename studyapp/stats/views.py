"""The statistics page: one learner's progress, drawn on the server."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from studyapp.exams.models import ExamAttempt
from studyapp.exams.scoring import PASS_LINE
from studyapp.review.models import StudySettings
from studyapp.stats import queries, svg

RECENT_EXAMS = 5


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    prefs = StudySettings.for_learner(request.user)
    stats = queries.for_learner(request.user, timezone.now(), prefs)
    recent_exams = (
        ExamAttempt.objects.filter(learner=request.user)
        .submitted()
        .order_by("-submitted_at", "-pk")[:RECENT_EXAMS]
    )
    context = {
        "stats": stats,
        "prefs": prefs,
        # svg escapes every text it draws.
        "heatmap_svg": mark_safe(svg.heatmap(stats.heatmap)),  # noqa: S308
        "forecast_svg": mark_safe(svg.bars(stats.forecast)),  # noqa: S308
        "forecast_total": sum(stats.forecast.values()),
        "recent_exams": list(recent_exams),
        "pass_line": PASS_LINE,
    }
    return render(request, "stats/index.html", context)
