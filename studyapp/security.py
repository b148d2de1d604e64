"""Security glue the settings point at: the CSP header, and the address a request came from."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Everything from this server, nothing inline: templates use no inline scripts, styles or event
# handlers, and base.html tells htmx not to inject its indicator <style> (htmx-config meta tag).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Send CONTENT_SECURITY_POLICY with every response (Django 5.2 has no CSP of its own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's debug error pages are styled inline; they only exist with DEBUG on.
        if not (settings.DEBUG and response.status_code >= 400):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


def client_ip(request: HttpRequest) -> str:
    """The address a request came from, for login throttling (AXES_CLIENT_IP_CALLABLE).

    Behind the reverse proxy (DJANGO_BEHIND_PROXY), REMOTE_ADDR is the proxy's own address for
    every visitor, and locking "this username from this address" would lock the user out from
    everywhere. The proxy appends the address it saw to X-Forwarded-For, so the last entry is
    the one it vouches for; entries before it come from the client and could be forged.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")
