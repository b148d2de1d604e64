"""The app's URLs plus the benchmark's baseline view, `/bench/ping/` (bench.settings only)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

if not getattr(settings, "BENCH", False):
    raise ImproperlyConfigured("bench.urls is only served with STUDYAPP_BENCH=true")


def ping(request: HttpRequest) -> HttpResponse:
    """A bare Django view: what a request costs before the app does anything."""
    return HttpResponse("pong", content_type="text/plain")


urlpatterns = [
    path("bench/ping/", ping),
    path("", include("studyapp.urls")),
]
