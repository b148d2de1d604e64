"""URLs of the authoring pages, included at /authoring/."""

from __future__ import annotations

from django.urls import path

from studyapp.authoring import views

app_name = "authoring"
urlpatterns = [
    path("problems/", views.problems, name="problems"),
    path("preview/", views.preview, name="preview"),
]
