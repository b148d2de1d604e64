"""What django-axes needs from us: the page it shows during a lockout, and the username it
records for an attempt."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The length of axes' AccessAttempt.username column (and of its logs'). Django's login form does
# not enforce the username's max_length (it only sets the widget's maxlength), so a longer one
# reaches axes, and PostgreSQL refuses the row: a 500 instead of "wrong username or password".
AXES_USERNAME_LENGTH = 255


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: say how long the pause is, in minutes, with 429 Too Many Requests."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)


def username_of(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: axes' own choice of username, cut to fit its columns.

    No account's username is that long (Django's limit is 150), so cutting changes no real
    user's count of failures.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(field)
    return username[:AXES_USERNAME_LENGTH] if isinstance(username, str) else username
