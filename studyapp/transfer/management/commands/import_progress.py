"""`manage.py import_progress FILE --user USERNAME`: load a learner's exported progress."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from studyapp.transfer.progress import ProgressImportError, import_progress


class Command(BaseCommand):
    help = (
        "Import a progress file downloaded from /study/export/ into a learner's account, which "
        "must have no study progress yet. The notes must be imported first: questions are "
        "matched by their uid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The .json file from /study/export/.")
        parser.add_argument("--user", required=True, help="Username of the learner.")
        parser.add_argument(
            "--create-user",
            action="store_true",
            help="Create the learner (with an unusable password) if there is no such user.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = json.loads(options["file"].read_bytes().decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"cannot read {options['file']}: {error}") from error
        try:
            # One transaction: a learner created here is not left behind by a failed import.
            with transaction.atomic():
                learner = self._learner(options["user"], create=options["create_user"])
                counts = import_progress(learner, document)
        except ProgressImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{learner}: imported {counts['cards']} card(s) and {counts['reviews']} review(s)"
        )

    def _learner(self, username: str, *, create: bool) -> Any:
        users = get_user_model()
        found = users.objects.filter(**{users.USERNAME_FIELD: username}).first()
        if found is not None:
            return found
        if not create:
            raise CommandError(f"no user {username!r} (add --create-user to create one)")
        return users.objects.create_user(username)
