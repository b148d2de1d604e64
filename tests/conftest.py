"""Shared pytest fixtures and hooks for the whole suite; each concern has its own section."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.fixture(scope="session")
def in_ci() -> bool:
    """True when the suite runs under CI, where a missing tool is a failure, not a skip."""
    return _in_ci()


# ---------------------------------------------------------------------------------------------
# Forked worker pools (studyapp/bulk.py), recorded.
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker pools started during the test, by their number of workers."""
    from concurrent.futures import ProcessPoolExecutor

    from studyapp import bulk

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: everything runs in this process")
    started: list[int] = []
    real = bulk.ProcessPoolExecutor

    def pool_of(workers: int, **kwargs: object) -> ProcessPoolExecutor:
        started.append(workers)
        return real(workers, **kwargs)

    monkeypatch.setattr(bulk, "ProcessPoolExecutor", pool_of)
    # The suite's own threads (the browser tests' live server) would keep work in-process.
    monkeypatch.setattr(bulk, "_single_threaded", lambda: True)
    return started


# ---------------------------------------------------------------------------------------------
# A copy of content/ to import, and to edit as an author would.
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def notes_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    for note in (Path(__file__).resolve().parent.parent / "content").glob("*.md"):
        shutil.copy(note, folder / note.name)
    return folder


# ---------------------------------------------------------------------------------------------
# Per-process caches start empty in every test (studyapp/questions/version.py).
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_question_caches() -> Iterator[None]:
    from studyapp.questions.version import clear_caches

    clear_caches()
    yield
    clear_caches()


# ---------------------------------------------------------------------------------------------
# Harness: which database a test belongs to, and "no silent skips under CI".
# ---------------------------------------------------------------------------------------------

# A test marked for one database is deselected (reported, not skipped) on the other one:
# `make test` runs the suite once on each, so every such test still runs somewhere.
_ONLY_ON = {"sqlite": "sqlite", "postgres": "postgresql"}


@pytest.hookimpl(tryfirst=True)  # before `-m` filtering, so `-m "not browser"` sees our marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept, deselected = [], []
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        wanted = [vendor for mark, vendor in _ONLY_ON.items() if item.get_closest_marker(mark)]
        if wanted and connection.vendor not in wanted:
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # An expected failure is reported as "skipped" with wasxfail; that one is not a skip.
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(f"{report.nodeid}: {_skip_reason(report)}")


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.skipped:
        _skipped.append(f"{report.nodeid}: {_skip_reason(report)}")


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    return longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    if _in_ci() and _skipped:
        terminalreporter.section("skipped tests fail the run under CI", sep="!", red=True)
        for line in _skipped:
            terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # CI must prove everything ran: a skip there means a missing tool or a forgotten marker.
    if _in_ci() and _skipped and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# ---------------------------------------------------------------------------------------------
# Browser tests: Playwright driving Debian's chromium against pytest-django's live_server.
# ---------------------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Debian chromium for the session (never a browser Playwright downloads)."""
    executable = _chromium_path()
    if executable is None:
        if _in_ci():
            pytest.fail(
                "Debian's chromium is missing: .ci/run should have installed it "
                "(apt-get install chromium)",
                pytrace=False,
            )
        pytest.skip("install Debian's chromium: apt-get install chromium")

    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an asyncio loop in this thread, which makes Django refuse
        # ORM calls from test code; the tests are synchronous, so the check does not apply.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture
def blocked_requests() -> list[str]:
    """URLs the page tried to fetch from anywhere but this machine (they were aborted)."""
    return []


@pytest.fixture
def page(browser, blocked_requests: list[str]) -> Iterator[object]:
    """A page in a fresh browser context that can reach only loopback addresses."""
    context = browser.new_context()

    def only_loopback(route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            blocked_requests.append(url)
            route.abort()

    context.route("**/*", only_loopback)
    try:
        yield context.new_page()
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------
# Study (studyapp.review): personas. Builders for notes and questions are in tests/study_data.py.
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def alice(db):
    """A learner with the default study settings (UTC)."""
    from tests.study_data import make_learner

    return make_learner("alice")


@pytest.fixture
def client_alice(client, alice):
    """The test client, signed in as alice."""
    client.force_login(alice)
    return client


@pytest.fixture
def mallory(db):
    """Another learner, who must never reach alice's cards or answers."""
    from tests.study_data import make_learner

    return make_learner("mallory")


# ---------------------------------------------------------------------------------------------
# Teams (studyapp.teams): personas. A team with its admin and a member, and an outsider who is
# in another team. All log in with PASSWORD.
# ---------------------------------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


def _user(username: str) -> object:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        username, email=f"{username}@example.com", password=PASSWORD
    )


@pytest.fixture
def team(db):
    from studyapp.teams.models import Team

    return Team.objects.create(name="Platform team", slug="platform")


@pytest.fixture
def team_admin(team):
    """Ana runs the team: she invites and removes members."""
    from studyapp.teams.models import Membership

    ana = _user("ana")
    Membership.objects.create(team=team, user=ana, role=Membership.Role.ADMIN)
    return ana


@pytest.fixture
def team_member(team):
    """Ben is an ordinary member of Ana's team."""
    from studyapp.teams.models import Membership

    ben = _user("ben")
    Membership.objects.create(team=team, user=ben)
    return ben


@pytest.fixture
def outsider(db):
    """Olga is the admin of another team on the same server, and in none of Ana's."""
    from studyapp.teams.models import Membership, Team

    olga = _user("olga")
    other = Team.objects.create(name="Other team", slug="other")
    Membership.objects.create(team=other, user=olga, role=Membership.Role.ADMIN)
    return olga
