"""Make a redirect to the login page take over the whole page when htmx made the request."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """A session that expired mid-study would otherwise swap the login page into the card.

    htmx follows redirects itself, so `login_required` on an htmx endpoint put a whole page
    inside a fragment, and its `next` pointed at a POST-only URL. Instead the browser is sent
    to the login page, with `next` set to the page the learner was on (HX-Current-URL).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or response.status_code != 302:
            return response
        login_path = resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path != login_path:
            return response
        current = urlsplit(request.htmx.current_url or "")
        # Only a path on this site goes into `next`: never an absolute URL from a header.
        next_path = current.path if current.path.startswith("/") else "/"
        if current.query:
            next_path += "?" + current.query
        return HttpResponseClientRedirect(f"{login_path}?{urlencode({'next': next_path})}")
