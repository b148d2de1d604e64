"""The schema's indexes: every foreign key is indexed, and no index repeats the start of another."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db

REVIEW_HISTORY_TABLES = ("review_card", "review_reviewlog")
migration = importlib.import_module("studyapp.review.migrations.0003_drop_redundant_fk_indexes")


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
    unindexed = []
    for model in _our_models():
        leading = {columns[0] for columns, _ in _indexes(model._meta.db_table) if columns}
        unindexed += [
            f"{model._meta.db_table}.{field.column}"
            for field in model._meta.concrete_fields
            if (field.many_to_one or field.one_to_one) and field.column not in leading
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


def _single_column_indexes() -> set[tuple[str, str]]:
    return {
        (table, columns[0])
        for table in REVIEW_HISTORY_TABLES
        for columns, unique in _indexes(table)
        if len(columns) == 1 and not unique
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_only_the_redundant_indexes_and_can_be_reversed() -> None:
    kept = _single_column_indexes()  # question_id's, which no composite index starts with
    everything_else = {t: _indexes(t) for t in REVIEW_HISTORY_TABLES}
    redundant = {
        ("review_card", "learner_id"),
        ("review_reviewlog", "learner_id"),
        ("review_reviewlog", "card_id"),
    }
    assert not kept & redundant

    with connection.schema_editor() as editor:
        migration.create_indexes(apps, editor)  # as migrating back to review 0002 does
    try:
        assert _single_column_indexes() == kept | redundant
    finally:
        with connection.schema_editor() as editor:
            migration.drop_indexes(apps, editor)

    assert _single_column_indexes() == kept
    assert {t: _indexes(t) for t in REVIEW_HISTORY_TABLES} == everything_else
