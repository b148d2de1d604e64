"""Django's ModelBackend, with the user look-up every signed-in request makes in plain SQL.

AUTHENTICATION_BACKENDS names this instead of django.contrib.auth.backends.ModelBackend;
passwords, permissions and `user_can_authenticate` are Django's. Why plain SQL: see
studyapp/sql.py.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends, get_user_model

from studyapp import sql


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        users = get_user_model()
        fields = sql.all_fields(users)
        query = f"""
            SELECT {sql.columns(users, "u", fields)} FROM {sql.table(users)} u
            WHERE {sql.columns(users, "u", (users._meta.pk.attname,))} = %s
        """
        found = sql.rows(query, [users._meta.pk.to_python(user_id)])
        if not found:
            return None
        user = sql.build(users, fields, found[0])
        return user if self.user_can_authenticate(user) else None
