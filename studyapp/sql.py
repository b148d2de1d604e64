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

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

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
    return connections[DEFAULT_DB_ALIAS].ops.adapt_datetimefield_value(value)


def aware(value: datetime | str | None) -> datetime | None:
    """A datetime read back: SQLite gives naive UTC (text for an aggregate), PostgreSQL aware."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    db = connections[DEFAULT_DB_ALIAS]  # `connection` is a proxy: 2 µs an attribute
    if db.execute_wrappers or db.queries_logged:
        # Someone is watching (a test counting queries, DEBUG's query log): Django's cursor.
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # Otherwise straight to the driver: Django's cursor wrapper cost 8 µs a query, more than
    # SQLite took to run most of these, and a study step runs about ten. What the wrapper
    # does that matters is kept: connecting, refusing a broken transaction, Django's errors.
    db.close_if_health_check_failed()  # conn_health_checks: a dropped connection reconnects
    db.ensure_connection()
    db.validate_thread_sharing()
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        return db.connection.execute(_native(db.vendor, sql), params).fetchall()


# Django's own (django/db/backends/sqlite3/base.py): "%s" not preceded by "%".
_FORMAT_QMARK = re.compile(r"(?<!%)%s")


@lru_cache(maxsize=1024)
def _native(vendor: str, sql: str) -> str:
    """The query in the driver's own placeholders, as Django's SQLite cursor converts it:
    "?" for "%s", "%" for "%%". psycopg takes "%s" and "%%" itself."""
    if vendor == "sqlite":
        return _FORMAT_QMARK.sub("?", sql).replace("%%", "%")
    return sql


def placeholders(values: Collection[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def build(model: type[M], names: Sequence[str], values: Sequence[Any]) -> M:
    """A model instance from a row of the fields `names` (model order); the rest deferred."""
    converters = _converters(model, tuple(names))
    return model.from_db(
        DEFAULT_DB_ALIAS,
        list(names),
        [
            value if convert is None or value is None else convert(value)
            for convert, value in zip(converters, values, strict=True)
        ],
    )


@cache
def _converters(model: type[models.Model], names: tuple[str, ...]) -> list[Any]:
    """Per field, what turns its column's value into the ORM's (None: the value as it is)."""
    fields = _fields(model)
    return [_converter(fields[name]) for name in names]


def _converter(field: models.Field) -> Any:
    if isinstance(field, models.DateTimeField):
        return aware
    if isinstance(field, models.BooleanField):
        return bool
    if hasattr(field, "from_db_value"):  # JSONField: text on SQLite and PostgreSQL alike
        return lambda value: field.from_db_value(value, None, connection)
    return None


# --- Writes ---------------------------------------------------------------------------------
# Not `bulk_create` / `bulk_update` / `save()`: building a model instance per row and preparing
# every value through its field took 7x as long as the INSERT itself (2.0 s against 0.3 s for
# 70,000 rows of an import), and `bulk_update` adds a CASE WHEN per row. Here only the values
# that need it go through their field: JSON, and datetimes other than None. No signals are
# sent: only for models nothing listens to.

# Fields whose values go to the database as they are (str, int, bool, None).
_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


@dataclass(frozen=True)
class _Columns:
    """Some fields of a model, how their values are prepared, and their quoted columns."""

    fields: list[models.Field]
    plain: list[bool]  # values go as they are
    json: list[bool]  # None is JSON null there, not SQL NULL
    names: list[str]  # quoted column names

    @classmethod
    @cache
    def of(cls, vendor: str, model: type[models.Model], names: tuple[str, ...]) -> _Columns:
        # `vendor` is part of the cache's key: quoting is the database's.
        fields = [model._meta.get_field(name) for name in names]  # a name or an attname
        return cls(
            fields=fields,
            plain=[isinstance(f, _PLAIN_FIELDS) or f.is_relation for f in fields],
            json=[isinstance(f, models.JSONField) for f in fields],
            names=[connection.ops.quote_name(f.column) for f in fields],
        )

    def values(self, row: Iterable[Any]) -> Iterable[Any]:
        if all(self.plain):  # the common case of a big insert (choices): nothing to prepare
            return row
        return [
            value
            if is_plain or (value is None and not is_json)
            else field.get_db_prep_save(value, connection)
            for field, is_plain, is_json, value in zip(
                self.fields, self.plain, self.json, row, strict=True
            )
        ]


def insert_rows(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, pks: bool = True
) -> list[int]:
    """INSERT rows (dicts of the same fields, in the same order), in order; their pks, in
    order, unless `pks` is False (then nothing is returned, and nothing is read back)."""
    if not rows:
        return []
    columns = _Columns.of(connection.vendor, model, tuple(rows[0]))
    if not pks and connection.vendor == "postgresql":
        _copy(model, columns, rows)
        return []
    head = f"INSERT INTO {table(model)} ({', '.join(columns.names)}) VALUES "
    one = f"({placeholders(columns.names)})"
    returning = connection.ops.return_insert_columns([model._meta.pk])[0] if pks else ""
    found: list[int] = []
    # PostgreSQL takes any number of rows at once, but psycopg slows down on huge statements.
    size = min(connection.ops.bulk_batch_size(columns.fields, rows), 1000)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            values = [value for row in batch for value in columns.values(row.values())]
            cursor.execute(f"{head}{', '.join([one] * len(batch))} {returning}", values)
            if pks:
                # One statement gives its rows increasing ids in VALUES order; RETURNING
                # itself promises no order, so the ids are sorted rather than taken as they come.
                found.extend(sorted(pk for (pk,) in cursor.fetchall()))
    return found


def _copy(model: type[models.Model], columns: _Columns, rows: Sequence[Mapping[str, Any]]) -> None:
    """COPY rows in (PostgreSQL): 0.4 s for 140,000 choices, where INSERT's parameters take
    several seconds of psycopg's Python. Not seen by `connection.queries` (nor by tests that
    count queries)."""
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table(model)} ({', '.join(columns.names)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(list(columns.values(row.values())))


def update_rows(
    model: type[models.Model], changes: Sequence[tuple[int, Mapping[str, Any]]]
) -> None:
    """Set the given fields of each row, (pk, {attname: value}): one executemany per set."""
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for pk, values in changes:
        columns = _Columns.of(connection.vendor, model, tuple(values))
        groups.setdefault(tuple(values), []).append([*columns.values(values.values()), pk])
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        for names, params in groups.items():
            columns = _Columns.of(connection.vendor, model, names)
            assignments = ", ".join(f"{name} = %s" for name in columns.names)
            query = f"UPDATE {table(model)} SET {assignments} WHERE {pk_column} = %s"
            cursor.executemany(query, params)


def delete_rows(model: type[models.Model], pks: Sequence[int]) -> None:
    """DELETE rows by pk, 500 at a time: no signals, no cascade, so only for rows that
    nothing points at."""
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), 500):
            batch = list(pks[start : start + 500])
            cursor.execute(
                f"DELETE FROM {table(model)} WHERE {pk_column} IN ({placeholders(batch)})", batch
            )


def insert(instance: models.Model) -> None:
    """INSERT a new instance, as `save()` would, and set its pk."""
    model = type(instance)
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.pk]
    instance.pk = insert_rows(model, [{f.attname: f.pre_save(instance, True) for f in fields}])[0]
    instance._state.adding = False
    instance._state.db = connection.alias


def update(instance: models.Model, names: Sequence[str]) -> None:
    """UPDATE the fields `names` of a stored instance, as `save(update_fields=names)` would."""
    update_rows(type(instance), [(instance.pk, {name: getattr(instance, name) for name in names})])
