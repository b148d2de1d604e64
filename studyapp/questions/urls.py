"""URLs of the question bank, included at /notes/ next to the notes' own."""

from __future__ import annotations

from django.urls import path

from studyapp.questions import views

app_name = "questions"
urlpatterns = [
    path("<slug:slug>/questions/", views.note_questions, name="note_questions"),
]
