"""URLs of the mock exams, included at /exams/."""

from __future__ import annotations

from django.urls import path

from studyapp.exams import views

app_name = "exams"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<int:attempt_id>/", views.resume, name="resume"),
    path("<int:attempt_id>/q/<int:number>/", views.question, name="question"),
    path("<int:attempt_id>/q/<int:number>/answer/", views.answer, name="answer"),
    path("<int:attempt_id>/result/", views.result, name="result"),
    path("<int:attempt_id>/review/", views.review, name="review"),
]
