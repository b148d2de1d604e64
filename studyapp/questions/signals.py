"""Signals the question bank sends, so that apps above it can react without being imported."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the sync's transaction when re-imported notes changed what is correct for some
# questions. Arguments: `question_ids` (list of Question pks) and `when` (the sync's time).
answers_changed = Signal()
