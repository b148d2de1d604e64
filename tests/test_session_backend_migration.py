"""An upgrade keeps learners signed in: sessions move to the app's auth backend."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

from studyapp.accounts.sessions import SessionStore
from tests.study_data import make_learner

migration = importlib.import_module(
    "studyapp.accounts.migrations.0001_sessions_use_the_app_backend"
)


def session_signed_in_with(backend: str, user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    store.save()
    return store.session_key


def test_a_session_from_before_the_upgrade_stays_signed_in(client, db) -> None:
    learner = make_learner("early")
    key = session_signed_in_with(migration.DJANGO_BACKEND, learner)
    client.cookies["sessionid"] = key
    assert client.get("/study/").status_code == 302  # signed out: the old backend is gone

    assert migration.rename_backend(apps, migration.DJANGO_BACKEND, migration.APP_BACKEND) == 1

    assert SessionStore(key).load()[BACKEND_SESSION_KEY] == migration.APP_BACKEND
    assert client.get("/study/").status_code == 200


def test_other_sessions_are_left_alone(db) -> None:
    learner = make_learner("other")
    key = session_signed_in_with("some.other.Backend", learner)

    assert migration.rename_backend(apps, migration.DJANGO_BACKEND, migration.APP_BACKEND) == 0
    assert SessionStore(key).load()[BACKEND_SESSION_KEY] == "some.other.Backend"
