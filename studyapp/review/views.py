"""The study pages: one question card that htmx swaps in place, and plain forms underneath.

Every view answers a normal request with the full page and an htmx request with the card
fragment alone; every form posts to a real URL and, without htmx, redirects (POST/redirect/GET).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from studyapp.notes.models import Note
from studyapp.review import services
from studyapp.review.forms import StudySettingsForm
from studyapp.review.models import StudySettings
from studyapp.review.services import Scope, Step

LOCAL_LEARNER = "learner"


def _render_step(request: HttpRequest, step: Step, status: int = 200) -> HttpResponse:
    # The card is a Jinja2 template (studyapp/jinja.py says why); the page around it is not.
    # One CSRF field for all the card's forms: each `csrf_input` Django hands a template masks
    # the token anew (32 random characters): 4% of a study step's CPU when done once per form.
    context = {"step": step, "csrf_field": csrf_input(request)}
    card = render_to_string("review/_card.html", context, request, using="jinja2")
    if request.htmx:
        return HttpResponse(card, status=status)
    page: dict[str, Any] = {"step": step, "card": mark_safe(card)}  # noqa: S308 (escaped by Jinja2)
    if step.scope.is_cram:
        page["scope_title"] = _scope_title(step.scope)
    return render(request, "review/study.html", page, status=status)


def _scope_title(scope: Scope) -> str:
    # The title of what is crammed, for the page heading (a query or two, on cram pages only).
    note = Note.objects.filter(slug=scope.note_slug).only("title").first()
    if note is None:
        return scope.note_slug
    if scope.topic_anchor:
        topic = note.topics.current().filter(anchor=scope.topic_anchor).only("title").first()
        if topic is not None:
            return f"{note.title}: {topic.title}"
    return note.title


def _cram_since(request: HttpRequest, scope: Scope) -> datetime | None:
    value = request.session.get(_cram_key(scope))
    return datetime.fromisoformat(value) if value else None


def _cram_key(scope: Scope) -> str:
    return f"review:cram:{scope.key}"


@login_required
@require_safe
@vary_on_headers("HX-Request")
def study(request: HttpRequest) -> HttpResponse:
    step = services.next_step(request.user, Scope(), timezone.now())
    return _render_step(request, step)


@login_required
@require_safe
@vary_on_headers("HX-Request")
def cram_note(request: HttpRequest, slug: str) -> HttpResponse:
    get_object_or_404(Note, slug=slug)
    return _cram(request, Scope(slug))


@login_required
@require_safe
@vary_on_headers("HX-Request")
def cram_topic(request: HttpRequest, slug: str, anchor: str) -> HttpResponse:
    note = get_object_or_404(Note, slug=slug)
    if not note.topics.current().filter(anchor=anchor).exists():
        raise Http404("No such topic.")
    return _cram(request, Scope(slug, anchor))


def _cram(request: HttpRequest, scope: Scope) -> HttpResponse:
    since = _cram_since(request, scope)
    step = services.next_step(request.user, scope, timezone.now(), since=since)
    step.schedule = request.GET.get("schedule") == "1"
    return _render_step(request, step)


@login_required
@require_POST
def cram_restart(request: HttpRequest) -> HttpResponse:
    """Start a new round of cramming a note or topic: everything in it comes round again."""
    scope = Scope.from_key(request.POST.get("scope", ""))
    if not scope.is_cram:
        return HttpResponseBadRequest("Not a cram scope.")
    request.session[_cram_key(scope)] = timezone.now().isoformat()
    return _after_post(request, scope)


def _after_post(request: HttpRequest, scope: Scope, query: str = "") -> HttpResponse:
    """Show the scope's next step: directly to htmx, by redirect to a plain browser."""
    url = scope.url() + query
    if request.htmx:
        since = _cram_since(request, scope) if scope.is_cram else None
        step = services.next_step(request.user, scope, timezone.now(), since=since)
        step.schedule = query == "?schedule=1"
        return _render_step(request, step)
    return redirect(url)


@login_required
@require_POST
def answer(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    token = request.POST.get("token", "")
    try:
        feedback = services.answer(
            request.user,
            token,
            request.POST.getlist("choice"),
            request.POST.get("schedule") == "1",
            now,
        )
    except services.InvalidToken:
        return HttpResponseBadRequest("This question's form is not valid; reload the page.")
    except services.NothingPicked as nothing:
        scope = Scope.from_key(services.read_token(token, request.user.pk).scope_key)
        step = services.progress_step(request.user, scope, now, since=_cram_since(request, scope))
        step.shown = nothing.shown
        step.error = "Pick an answer first."
        step.schedule = request.POST.get("schedule") == "1"
        return _render_step(request, step, status=422 if not request.htmx else 200)
    if not request.htmx:
        return redirect(reverse("review:feedback") + "?ticket=" + feedback.ticket)
    return _render_feedback(request, feedback, now)


def _render_feedback(
    request: HttpRequest, feedback: services.Feedback, now: datetime
) -> HttpResponse:
    scope = feedback.scope
    step = services.progress_step(request.user, scope, now, since=_cram_since(request, scope))
    step.feedback = feedback
    step.schedule = scope.is_cram and feedback.schedule
    # Undo takes back this answer, once it is recorded; not one before it.
    recorded = feedback.log is not None and not feedback.undone
    step.undo_log_id = feedback.log.pk if recorded else None
    return _render_step(request, step)


@login_required
@require_safe
@vary_on_headers("HX-Request")
def feedback(request: HttpRequest) -> HttpResponse:
    """The feedback after an answer, for the plain-form path (nothing is written here)."""
    try:
        found = services.feedback(request.user, request.GET.get("ticket", ""))
    except services.InvalidToken:
        return redirect("review:study")
    return _render_feedback(request, found, timezone.now())


@login_required
@require_POST
def grade(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    try:
        found = services.grade(
            request.user, request.POST.get("ticket", ""), request.POST.get("grade", ""), now
        )
    except services.InvalidToken:
        return HttpResponseBadRequest("This answer's form is not valid; reload the page.")
    if found.status == "stale":
        if not request.htmx:
            return redirect(reverse("review:feedback") + "?ticket=" + found.ticket)
        return _render_feedback(request, found, now)
    query = "?schedule=1" if found.scope.is_cram and found.schedule else ""
    return _after_post(request, found.scope, query)


@login_required
@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    scope = Scope.from_key(request.POST.get("scope", ""))
    try:
        log_id = int(request.POST.get("log", ""))
    except ValueError:
        return HttpResponseBadRequest("Which answer to undo is missing.")
    try:
        services.undo(request.user, log_id, timezone.now())
    except services.CannotUndo:
        messages.warning(request, "Only your latest answer can be undone.")
    return _after_post(request, scope)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def study_settings(request: HttpRequest) -> HttpResponse:
    prefs = StudySettings.for_learner(request.user)
    form = StudySettingsForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("review:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "review/settings.html", {"form": form}, status=status)


@require_POST
def local_login(request: HttpRequest) -> HttpResponse:
    """Log in as the local learner with one click; only on a developer's own machine."""
    if not settings.LOCAL_MODE:
        raise Http404("Local mode is off.")
    learner = get_object_or_404(get_user_model(), username=LOCAL_LEARNER)
    login(request, learner, backend="studyapp.accounts.backends.ModelBackend")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("review:study")
    return redirect(target)
