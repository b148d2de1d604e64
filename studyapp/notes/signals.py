"""Signals the notes app sends so other apps can react to an import."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once after an import run that added or updated at least one note (never on a dry run).
# Arguments: `notes`, the list of Note objects added or updated by the run, and `parsed`, a dict
# of slug -> ParsedNote for every valid note of the run, changed or not, so that receivers
# (the question bank) can rebuild from the whole picture without re-parsing.
notes_imported = Signal()
