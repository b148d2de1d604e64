"""Account pages of our own: open sign-up and the profile (Django's auth views do the rest)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from studyapp.accounts.forms import EmailForm, ProfileForm, SignupForm
from studyapp.review.models import StudySettings

# Sign-up logs the new user in directly; their password was just checked by the form.
MODEL_BACKEND = "studyapp.accounts.backends.ModelBackend"


def _get_settings_for_user(request: HttpRequest) -> StudySettings:
    # Reached only through the logged-in learner: there is no id to guess.
    return StudySettings.for_learner(request.user)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    email_form = EmailForm(data, instance=request.user, prefix="account")
    profile_form = ProfileForm(data, instance=_get_settings_for_user(request), prefix="study")
    if data is not None and email_form.is_valid() and profile_form.is_valid():
        with transaction.atomic():
            email_form.save()
            profile_form.save()
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile")
    memberships = request.user.memberships.select_related("team").order_by("team__name")
    context = {"email_form": email_form, "profile_form": profile_form, "memberships": memberships}
    return render(request, "accounts/profile.html", context, status=400 if data else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Anyone may create an account, but only on a server that allows it (off by default)."""
    if not settings.OPEN_SIGNUP:
        raise Http404("Sign-up is by invitation only.")
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        user = form.save()
        login(request, user, backend=MODEL_BACKEND)
        return redirect("accounts:profile")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/signup.html", {"form": form}, status=status)
