"""The accounts app: logging in and out, passwords, sign-up, the profile, the first admin."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "studyapp.accounts"
    verbose_name = "Accounts"
