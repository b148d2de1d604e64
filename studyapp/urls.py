"""The site's URLs: each app brings its own under its prefix."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from studyapp.notes import views as notes_views

urlpatterns = [
    path("", notes_views.home, name="home"),
    path("notes/", include("studyapp.notes.urls")),
    path("admin/", admin.site.urls),
]
