"""Template filters for the exam pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def clock(seconds: int) -> str:
    """A countdown as the timer shows it: "1:05:09" or "19:59"."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
