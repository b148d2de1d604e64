"""The schema's indexes: every foreign key is indexed, and no index repeats the start of another."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db

REVIEW_HISTORY_TABLES = ("review_card", "review_reviewlog")


def _our_models() -> list:
    return [m for m in apps.get_models() if m.__module__.startswith("studyapp.")]


def _indexes(table: str) -> list[tuple[list[str], bool]]:
    """(columns, unique) of each index, unique constraint and primary key of the table."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return [
        (list(info["columns"]), bool(info["unique"] or info["primary_key"]))
        for info in found.values()
        if info["index"] or info["unique"] or info["primary_key"]
    ]


def test_every_foreign_key_leads_an_index() -> None:
    # Look-ups by the key and the cascades and PROTECT checks of a delete stay index walks.
    unindexed = [
        f"{model._meta.db_table}.{field.column}"
        for model in _our_models()
        for field in model._meta.concrete_fields
        if field.many_to_one or field.one_to_one
        if not any(columns[:1] == [field.column] for columns, _ in _indexes(model._meta.db_table))
    ]
    assert unindexed == []


@pytest.mark.parametrize("table", REVIEW_HISTORY_TABLES)
def test_no_index_of_the_review_history_only_repeats_the_start_of_another(table: str) -> None:
    # Every answer writes a page of each of these tables' indexes: one that only repeats the
    # first columns of another index serves no look-up the longer one does not.
    indexes = _indexes(table)
    redundant = [
        columns
        for columns, unique in indexes
        if not unique
        and any(
            len(longer) > len(columns) and longer[: len(columns)] == columns
            for longer, _ in indexes
        )
    ]
    assert redundant == []
