"""Settings for the test suite: the app's own settings, made fast and self-contained."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# These must be in the environment before studyapp.settings reads it. setdefault, so a run can
# still point the suite elsewhere (tests/run_on_postgres.py sets DATABASE_URL this way).
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("STUDYAPP_LOCAL_MODE", "false")

from studyapp.settings import *  # noqa: E402, F403
from studyapp.settings import DATABASES  # noqa: E402

# Hashing with a real hasher costs ~100 ms per user created; MD5 is only acceptable here.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "studyapp.sqlite_backend":
    # A file, not Django's default in-memory test database: WAL, synchronous=NORMAL and
    # IMMEDIATE transactions only mean something on a file, and that is what production uses.
    # One folder per process, so engineers and xdist workers sharing a checkout never collide.
    _SQLITE_TEST_DIR = tempfile.mkdtemp(prefix="studyapp-test-db-")
    atexit.register(shutil.rmtree, _SQLITE_TEST_DIR, ignore_errors=True)
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_SQLITE_TEST_DIR, "test.sqlite3")}

# A misspelt name in the study card's Jinja2 templates fails a test instead of rendering empty.
import jinja2  # noqa: E402

TEMPLATES[1]["OPTIONS"]["undefined"] = jinja2.StrictUndefined  # noqa: F405
