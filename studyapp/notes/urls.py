"""URLs of the notes pages, included at /notes/."""

from __future__ import annotations

from django.urls import path

from studyapp.notes import views

app_name = "notes"
urlpatterns = [
    path("", views.note_list, name="list"),
    path("<slug:slug>/", views.note_detail, name="detail"),
]
