"""Who may use the authoring pages: staff on a team server, anyone in local mode."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def authoring_page(view: View) -> View:
    """Staff only, except in LOCAL_MODE, where the one person on the machine is the author."""
    staff_view = staff_member_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # Read per request, not at import: settings may change under tests.
        if settings.LOCAL_MODE:
            return view(request, *args, **kwargs)
        return staff_view(request, *args, **kwargs)

    return wrapper
