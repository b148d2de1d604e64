"""URLs of a learner's data export and import, included at /study/ next to the study pages."""

from __future__ import annotations

from django.urls import path

from studyapp.transfer import views

app_name = "transfer"
urlpatterns = [
    path("export/", views.progress_json, name="export"),
    path("export.csv", views.review_log_csv, name="export_csv"),
    path("import/", views.progress_upload, name="import"),
]
