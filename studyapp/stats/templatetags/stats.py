"""Template filters for the statistics page."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """A share (0–1) as a percentage ("87 %"), or a dash when there is nothing to measure."""
    if value is None:
        return "—"
    return f"{100 * value:.{int(digits)}f} %"
