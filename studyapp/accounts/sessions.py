"""Django's database sessions, with the look-up every request makes written in plain SQL.

SESSION_ENGINE points here. Only `_get_session_from_db` differs from Django's own store: the
ORM spent ten times longer building that one query than the database took to answer it, on
every signed-in request (studyapp/sql.py, docs/performance.md). Saving, expiry and clearing
are Django's.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from studyapp import sql

_FIELDS = sql.all_fields(Session)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Session | None:
        query = f"""
            SELECT {sql.columns(Session, "s", _FIELDS)} FROM {sql.table(Session)} s
            WHERE s.session_key = %s AND s.expire_date > %s
        """
        found = sql.rows(query, [self.session_key, sql.moment(timezone.now())])
        if not found:
            self._session_key = None  # as Django's store does: a new session, a new key
            return None
        return sql.build(Session, _FIELDS, found[0])
