"""`{% can_author as x %}`: whether the nav shows the authoring pages to this visitor."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def can_author(context: template.Context) -> bool:
    """The same rule as studyapp.authoring.access: staff, or anyone in local mode."""
    user = context.get("user")
    return bool(settings.LOCAL_MODE or (user is not None and user.is_staff))
