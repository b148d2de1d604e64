"""The site's URLs: each app brings its own under its prefix."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from studyapp.notes import views as notes_views

urlpatterns = [
    path("", notes_views.home, name="home"),
    path("notes/", include("studyapp.notes.urls")),
    path("notes/", include("studyapp.questions.urls")),
    path("study/", include("studyapp.transfer.urls")),
    path("study/", include("studyapp.review.urls")),
    path("authoring/", include("studyapp.authoring.urls")),
    path("exams/", include("studyapp.exams.urls")),
    path("stats/", include("studyapp.stats.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("studyapp.accounts.urls")),
    path("teams/", include("studyapp.teams.urls")),
    path("admin/", admin.site.urls),
]
