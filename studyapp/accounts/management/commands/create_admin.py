"""`manage.py create_admin --username NAME --team "TEAM"`: the server's first admin and team."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from studyapp.teams.models import Team


class Command(BaseCommand):
    help = (
        "Create a superuser and a team with them as its admin. The password is read from "
        "standard input with --password-stdin, otherwise asked for twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--team", required=True, help='The team\'s name, e.g. "Platform".')
        parser.add_argument("--email", default="", help="For password reset links.")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input (for scripts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        username, team_name = options["username"].strip(), options["team"].strip()
        if not username or not team_name:
            raise CommandError("Both --username and --team need a value.")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} exists already.")
        user = User(username=username, email=options["email"], is_staff=True, is_superuser=True)
        password = self._read_password(options["password_stdin"])
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        with transaction.atomic():
            user.save()
            team = Team.create_with_admin(team_name, user)
        self.stdout.write(
            f"Created admin {user.username!r} and team {team.name!r} (/teams/{team.slug}/)."
        )

    def _read_password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        if not password:
            raise CommandError("The password is empty.")
        return password
