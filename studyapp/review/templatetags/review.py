"""Template tags other pages use to lead into study."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils import timezone

from studyapp.review.services import Scope, progress_step

register = template.Library()


@register.inclusion_tag("review/_start.html", takes_context=True)
def study_start(context: template.Context) -> dict[str, Any]:
    """A "Start studying" button: one POST click logs in the local learner in local mode.

    For someone signed in it also says what today holds (due, new, done, days to the exam), so
    the first page answers "how much is there to do?".
    """
    user = context.get("user")
    step = None
    if user is not None and user.is_authenticated:
        step = progress_step(user, Scope(), timezone.now())
    return {
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "local_mode": settings.LOCAL_MODE,
        "step": step,
    }
