"""URLs of the statistics page, included at /stats/."""

from __future__ import annotations

from django.urls import path

from studyapp.stats import views

app_name = "stats"
urlpatterns = [path("", views.index, name="index")]
