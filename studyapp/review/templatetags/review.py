"""Template tags other pages use to lead into study."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("review/_start.html", takes_context=True)
def study_start(context: template.Context) -> dict[str, Any]:
    """A "Start studying" button: one POST click logs in the local learner in local mode."""
    return {
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),
        "local_mode": settings.LOCAL_MODE,
    }
