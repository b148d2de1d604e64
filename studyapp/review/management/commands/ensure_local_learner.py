"""Create the local learner the home page's one-click "Start studying" logs in (idempotent)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from studyapp.review.models import StudySettings
from studyapp.review.views import LOCAL_LEARNER


class Command(BaseCommand):
    help = 'Create the user "learner" (no usable password) for local, single-person use.'

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        learner, created = user_model.objects.get_or_create(username=LOCAL_LEARNER)
        if created:
            # Nobody can log in as it with a password; only the local-mode button logs it in.
            learner.set_unusable_password()
            learner.save(update_fields=["password"])
        StudySettings.objects.get_or_create(learner=learner)
        verb = "Created" if created else "Found"
        self.stdout.write(f'{verb} the local learner "{LOCAL_LEARNER}".')
