"""Template tags for the study card, and for other pages to lead into study."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
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


@register.simple_tag(takes_context=True)
def card_url(context: template.Context, name: str, *args: Any) -> str:
    """`{% url %}` for the study card, reversed once per process: reverse() took 28 µs, and
    every card has one to three links, on the path learners take thousands of times a day.

    A URL depends only on the URLconf, the script prefix, the name and the arguments, so those
    are the cache's key (no app namespace here is mounted twice, so current_app plays no part).
    """
    urlconf = getattr(context.get("request"), "urlconf", None)
    return _reversed(urlconf, get_script_prefix(), name, args)


@lru_cache(maxsize=4096)
def _reversed(urlconf: str | None, prefix: str, name: str, args: tuple[Any, ...]) -> str:
    return reverse(name, urlconf=urlconf, args=args)
