"""URLs of the study pages, included at /study/."""

from __future__ import annotations

from django.urls import path

from studyapp.review import views

app_name = "review"
urlpatterns = [
    path("", views.study, name="study"),
    path("answer/", views.answer, name="answer"),
    path("feedback/", views.feedback, name="feedback"),
    path("grade/", views.grade, name="grade"),
    path("undo/", views.undo, name="undo"),
    path("settings/", views.study_settings, name="settings"),
    path("local-login/", views.local_login, name="local_login"),
    path("cram-again/", views.cram_restart, name="cram_restart"),
    path("cram/<slug:slug>/", views.cram_note, name="cram_note"),
    path("cram/<slug:slug>/<str:anchor>/", views.cram_topic, name="cram_topic"),
]
