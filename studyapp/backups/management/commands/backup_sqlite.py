"""`manage.py backup_sqlite PATH`: a consistent copy of the SQLite database, server running."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from studyapp.backups.sqlite import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the SQLite database to PATH (a new file) while the server "
        "keeps running. Restoring it: docs/deploy.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to create.")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            raise CommandError(
                f"backup_sqlite backs up SQLite only, and this server uses {connection.vendor}; "
                "back PostgreSQL up with pg_dump (docs/deploy.md)."
            )
        source = Path(connection.settings_dict["NAME"])
        target: Path = options["path"]
        try:
            backup(source, target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up {source} to {target}.")
