"""The documented production environment (docs/deploy.md), for tests that run the app under it."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
ENV_FILE_MARKER = "# /etc/studyapp/studyapp.env"


def documented_env() -> dict[str, str]:
    """The NAME=value lines of the env-file block in docs/deploy.md."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    block = text.split(ENV_FILE_MARKER, 1)[1].split("```", 1)[0]
    return dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", block, flags=re.MULTILINE))


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The documented environment with a real secret key and paths inside `tmp_path`.

    Everything else the test process has (PATH, the venv) is kept, but no DJANGO_ or STUDYAPP_
    variable leaks in from the test run itself.
    """
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "STUDYAPP_", "DATABASE_URL", "GUNICORN_"))
    }
    env = base | documented_env()
    env |= {
        "DJANGO_SETTINGS_MODULE": "studyapp.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "STUDYAPP_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    return env | overrides


def manage(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )
