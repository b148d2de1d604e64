"""URLs of our own account pages, included at /accounts/ next to Django's auth views."""

from __future__ import annotations

from django.urls import path

from studyapp.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("signup/", views.signup, name="signup"),
]
