"""Reads in plain SQL for the per-request hot path, returned as model instances.

Why: building and compiling a query with the ORM costs 0.2–2 ms of CPU, ten to twenty times
what SQLite or PostgreSQL take to run it, and a study step runs several (docs/performance.md).
The few queries every study request runs are written by hand with these helpers
(studyapp/review/queries.py, the session and user look-ups in studyapp/accounts), and so are
the two writes of a recorded answer (`insert`, `update`). Imports write tens of thousands of
rows in plain SQL of their own for the same reason (studyapp/notes/importer.py,
studyapp/questions/sync.py). Everything else goes through the ORM.

SQL text is built only from models' own table and column names and "%s" placeholders; values
always go as parameters. Instances come from `Model.from_db()`, so fields a query does not read
are deferred (loaded on access) as with `.only()`, never silently empty.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


# Names are quoted once per process: there is one database, so one way to quote them.
@cache
def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def columns(model: type[models.Model], alias: str, names: tuple[str, ...]) -> str:
    """ "alias"."column", … for the fields `names` (attnames) of `model`."""
    return ", ".join(f"{alias}.{connection.ops.quote_name(_column(model, n))}" for n in names)


def _column(model: type[models.Model], attname: str) -> str:
    return _fields(model)[attname].column


@cache
def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields}


@cache
def all_fields(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields)


def in_model_order(model: type[models.Model], names: Iterable[str]) -> tuple[str, ...]:
    """`names` in the model's field order, the order `Model.from_db()` takes a subset in."""
    wanted = set(names)
    return tuple(name for name in all_fields(model) if name in wanted)


def moment(value: datetime) -> Any:
    """A datetime parameter as the database stores it (SQLite: naive UTC text, like the ORM)."""
    return connection.ops.adapt_datetimefield_value(value)


def aware(value: datetime | str | None) -> datetime | None:
    """A datetime read back: SQLite gives naive UTC (text for an aggregate), PostgreSQL aware."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def placeholders(values: Collection[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def build(model: type[M], names: Sequence[str], values: Sequence[Any]) -> M:
    """A model instance from a row of the fields `names` (model order); the rest deferred."""
    fields = _fields(model)
    return model.from_db(
        connection.alias,
        list(names),
        [_python(fields[name], value) for name, value in zip(names, values, strict=True)],
    )


def _python(field: models.Field, value: Any) -> Any:
    """What the ORM's converters make of a column's value."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return aware(value)
    if isinstance(field, models.BooleanField):
        return bool(value)
    if hasattr(field, "from_db_value"):  # JSONField: text on SQLite and PostgreSQL alike
        return field.from_db_value(value, None, connection)
    return value


def insert(instance: models.Model) -> None:
    """INSERT a new instance, as `save()` would (values prepared by their fields), and set its
    pk. No signals are sent: only for models nothing listens to."""
    model = type(instance)
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.pk]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    query = f"INSERT INTO {table(model)} ({names}) VALUES ({placeholders(params)})"
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            pk_column = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"{query} RETURNING {pk_column}", params)
            instance.pk = cursor.fetchone()[0]
        else:
            cursor.execute(query, params)
            instance.pk = cursor.lastrowid
    instance._state.adding = False
    instance._state.db = connection.alias


def update(instance: models.Model, names: Sequence[str]) -> None:
    """UPDATE the fields `names` of a stored instance, as `save(update_fields=names)` would."""
    model = type(instance)
    fields = [_fields(model)[name] for name in names]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    params = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(model)} SET {assignments} WHERE {pk_column} = %s",
            [*params, instance.pk],
        )
