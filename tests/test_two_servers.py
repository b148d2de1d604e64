"""Two gunicorn servers on one PostgreSQL database: learners answer through both at once, and
every acknowledged answer is recorded exactly once.

Each learner is a thread with its own cookies, talking plain HTTP (CSRF on, as in production)
to two servers on two loopback ports, the way a proxy would spread their requests. Every
answer and every grade is also sent to both servers at the same moment, like a double click
landing on two app servers: the second copy must find the first one's record, not add its own.
"""

from __future__ import annotations

import html
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from studyapp.review.models import ReviewLog
from tests.conftest import PASSWORD
from tests.study_data import make_note, make_question, make_topic

ROOT = Path(__file__).resolve().parent.parent
LEARNERS = 6
ANSWERS_EACH = 5
WORKERS_PER_SERVER = 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = urllib.parse.quote(db["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _server_env(port: int) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STUDYAPP_"))}
    return keep | {
        # Debug on is allowed for this test (no HTTPS here); CSRF stays on regardless.
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # shared, as production requires
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS_PER_SERVER),
    }


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.stdout.read()}")
        try:
            with urllib.request.urlopen(url + "/accounts/login/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn at {url} did not answer within {timeout} s")


@pytest.fixture
def two_servers() -> Iterator[list[str]]:
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "studyapp.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=_server_env(port),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, server in zip(urls, servers, strict=True):
            _wait_until_up(url, server)
        yield urls
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer worth looking at, not something to follow


class Browser:
    """One learner's cookies, shared by both servers (same host, as behind one proxy)."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirects()
        )

    def request(self, url: str, data: dict[str, object] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=30) as response:
                return response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Location", "")

    def both(self, urls: list[str], path: str, data: dict) -> list[tuple[int, str, str]]:
        """The same POST to both servers at the same moment."""
        with ThreadPoolExecutor(len(urls)) as pool:
            return list(pool.map(lambda url: self.request(url + path, data), urls))


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} field in the page"
    return html.unescape(found.group(1))


def _log_in(browser: Browser, server: str, username: str) -> None:
    status, page, _ = browser.request(server + "/accounts/login/")
    assert status == 200
    form = {"csrfmiddlewaretoken": _field(page, "csrfmiddlewaretoken")}
    status, _, location = browser.request(
        server + "/accounts/login/", form | {"username": username, "password": PASSWORD}
    )
    assert status == 302, f"login of {username} failed"


def _stem(page: str) -> str:
    found = re.search(r'data-testid="question"[^>]*>([^<]*)<', page)
    assert found, "no question in the page"
    return html.unescape(found.group(1)).strip()


def _study(username: str, urls: list[str], seed: int) -> list[str]:
    """Answer ANSWERS_EACH questions through alternating servers; the questions acknowledged."""
    chooser = random.Random(seed)
    browser = Browser()
    _log_in(browser, urls[0], username)
    acknowledged = []
    for n in range(ANSWERS_EACH):
        server = urls[n % 2]
        status, page, _ = browser.request(server + "/study/")
        assert status == 200
        choices = re.findall(r'name="choice" value="(\d+)"', page)
        form = {
            "csrfmiddlewaretoken": _field(page, "csrfmiddlewaretoken"),
            "token": _field(page, "token"),
            "choice": chooser.choice(choices),
        }
        answered = browser.both(urls, "/study/answer/", form)
        assert all(status == 302 for status, _, _ in answered), answered
        status, feedback, _ = browser.request(server + answered[0][2])
        assert status == 200 and 'data-testid="feedback"' in feedback
        if 'name="ticket"' in feedback:  # right: recorded once the learner grades it
            grade = {
                "csrfmiddlewaretoken": _field(feedback, "csrfmiddlewaretoken"),
                "ticket": _field(feedback, "ticket"),
                "grade": "good",
            }
            graded = browser.both(urls, "/study/grade/", grade)
            assert all(status == 302 for status, _, _ in graded), graded
        acknowledged.append(_stem(page))
    return acknowledged


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_answers_through_two_servers_are_recorded_exactly_once(two_servers) -> None:
    note = make_note("compute", "Compute")
    topic = make_topic(note, "Serverless")
    for n in range(ANSWERS_EACH * 2):
        make_question(note, f"Which service fits case {n}?", right="AWS Lambda", topic=topic)
    users = get_user_model()
    names = [f"learner{n}" for n in range(LEARNERS)]
    # The servers run the real settings, which do not know the suite's fast MD5 hasher.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, "two-servers", iterations=1000)
    users.objects.bulk_create(users(username=name, password=hashed) for name in names)

    with ThreadPoolExecutor(LEARNERS) as pool:
        studied = pool.map(_study, names, [two_servers] * LEARNERS, range(LEARNERS))
        results = dict(zip(names, studied, strict=True))

    for name, acknowledged in results.items():
        logs = ReviewLog.objects.filter(learner__username=name)
        assert len(acknowledged) == ANSWERS_EACH
        # Each acknowledged answer once: no more rows than answers (the duplicates sent to the
        # other server found the first record) and none missing.
        assert sorted(logs.values_list("question__stem", flat=True)) == sorted(acknowledged), name
        assert len(set(logs.values_list("token", flat=True))) == ANSWERS_EACH
