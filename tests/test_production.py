"""Production settings: refusing to start half-configured, static files, security headers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from studyapp.security import CONTENT_SECURITY_POLICY, client_ip
from tests.production_env import ROOT, documented_env, manage, production_env

SETUP = "import django; django.setup()"


def _start(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SETUP], env=env, cwd=ROOT, capture_output=True, text=True
    )


def test_documented_environment_turns_debug_off_and_sets_what_production_needs() -> None:
    env = documented_env()
    assert env["DJANGO_DEBUG"] == "false"
    for name in ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"]:
        assert env[name]
    assert int(env["DJANGO_SECURE_HSTS_SECONDS"]) >= 31536000


def test_app_starts_with_the_production_environment(tmp_path: Path) -> None:
    result = _start(production_env(tmp_path))
    assert result.returncode == 0, result.stderr


def test_app_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = _start(env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_app_refuses_to_start_without_allowed_hosts(tmp_path: Path) -> None:
    result = _start(production_env(tmp_path, DJANGO_ALLOWED_HOSTS=""))
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_junk_in_a_yes_no_setting_stops_the_app(tmp_path: Path) -> None:
    result = _start(production_env(tmp_path, DJANGO_BEHIND_PROXY="maybe"))
    assert result.returncode != 0
    assert "DJANGO_BEHIND_PROXY must be one of" in result.stderr


# A script run under the production settings: fetch a page over "HTTPS" (as the proxy says) and
# the hashed stylesheet it links to, served by whitenoise from STATIC_ROOT.
FETCH = """
import json, re, django
django.setup()
from django.test import Client
client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="study.example.com")
page = client.get("/accounts/login/")
css = re.search(r'href="(/static/css/app\\.[0-9a-f]+\\.css)"', page.content.decode()).group(1)
style = client.get(css, HTTP_ACCEPT_ENCODING="gzip")
plain = Client(HTTP_HOST="study.example.com").get("/accounts/login/")
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "cookies": {name: dict(morsel) for name, morsel in page.cookies.items()},
    "css": css,
    "css_status": style.status_code,
    "css_headers": dict(style.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
}))
"""


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """collectstatic, run once under the production environment."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    result = manage(["collectstatic", "--noinput"], env)
    assert result.returncode == 0, result.stderr
    return tmp_path, env


def test_collectstatic_writes_hashed_and_compressed_files(collected) -> None:
    tmp_path, _env = collected
    static = tmp_path / "static"
    manifest = json.loads((static / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/app.css"]
    assert hashed != "css/app.css"
    assert (static / hashed).is_file()
    assert (static / f"{hashed}.gz").is_file()


def test_production_pages_send_the_security_headers_and_hashed_static_files(collected) -> None:
    tmp_path, env = collected
    env = {k: v for k, v in env.items() if k != "DATABASE_URL"}  # SQLite; nothing is queried
    result = subprocess.run(
        [sys.executable, "-c", FETCH], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert seen["cookies"]["csrftoken"]["secure"] is True
    # Plain HTTP is sent to HTTPS.
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://study.example.com/accounts/login/"
    # The stylesheet under its hashed name, compressed, cached for good.
    assert seen["css_status"] == 200
    assert seen["css_headers"]["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in seen["css_headers"]["Cache-Control"]


def test_every_response_carries_the_content_security_policy(client, db) -> None:
    response = client.get("/accounts/login/")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for directive in ["default-src 'self'", "object-src 'none'", "base-uri 'none'"]:
        assert directive in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_throttling_uses_the_address_the_proxy_saw(settings) -> None:
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.2"
    settings.BEHIND_PROXY = True
    # The last entry is the one the proxy appended; earlier ones are the client's word.
    assert client_ip(request) == "203.0.113.9"
