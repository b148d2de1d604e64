"""Who may reach what: a team admin, a member and an outsider against every URL that names
something, CSRF on every POST, login throttling, and `check --deploy` in production.

The outsider (Olga) is a real user of the same server with a team of her own: she is logged in,
so a 404 here is ownership at work, not the login wall.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from studyapp.teams.models import Invite, Membership
from tests.conftest import PASSWORD
from tests.production_env import manage, production_env

# ---------------------------------------------------------------------------------------------
# Every URL pattern, and which of them name something a learner or a team owns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern as written, e.g. "teams/<slug:slug>/"
    arguments: tuple[str, ...]


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            arguments = tuple(getattr(entry.pattern, "converters", {})) or tuple(
                entry.pattern.regex.groupindex
            )
            yield Route(f"{namespace}{entry.name}", route, arguments)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


# URLs that take an argument but name nothing a learner or team owns, and why.
NOT_OWNED = {
    "notes:detail": "notes are the server's shared content, readable by every user",
    "questions:note_questions": "a note's questions: shared content",
    "review:cram_note": "a note's slug: shared content (the answers go through owned tokens)",
    "review:cram_topic": "a note's topic: shared content",
    "password_reset_confirm": "the signed reset token is the credential itself",
    "teams:join": "the invite token is the credential itself (tests/test_invites.py)",
}


@dataclass
class World:
    """The personas' objects: Ana's team, Ben's membership in it, an open invite, Ben's exam."""

    team_slug: str
    member_id: int
    invite_id: int
    attempt_id: int
    own_slug: str = "other"  # the outsider's own team, to try Ana's ids through its URLs


def _url(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def _slug(w: World) -> str:
    return w.team_slug


def _attempt(w: World) -> int:
    return w.attempt_id


def _one(w: World) -> int:
    return 1


# (method, url) per URL name; every owned route must be here (see the first test).
OWNED: dict[str, tuple[str, Callable[[World], str]]] = {
    "teams:detail": ("get", _url("teams:detail", _slug)),
    "teams:leaderboard": ("post", _url("teams:leaderboard", _slug)),
    "teams:members": ("get", _url("teams:members", _slug)),
    "teams:create_invite": ("post", _url("teams:create_invite", _slug)),
    "teams:remove_member": ("post", _url("teams:remove_member", _slug, lambda w: w.member_id)),
    "teams:revoke_invite": ("post", _url("teams:revoke_invite", _slug, lambda w: w.invite_id)),
    "exams:resume": ("get", _url("exams:resume", _attempt)),
    "exams:question": ("get", _url("exams:question", _attempt, _one)),
    "exams:answer": ("post", _url("exams:answer", _attempt, _one)),
    "exams:result": ("get", _url("exams:result", _attempt)),
    "exams:review": ("get", _url("exams:review", _attempt)),
}
# The same objects reached through a URL of the outsider's own team, where she is admin.
THROUGH_OWN_TEAM: dict[str, Callable[[World], str]] = {
    "teams:remove_member": lambda w: reverse("teams:remove_member", args=[w.own_slug, w.member_id]),
    "teams:revoke_invite": lambda w: reverse("teams:revoke_invite", args=[w.own_slug, w.invite_id]),
}


@pytest.fixture
def world(team, team_admin, team_member, outsider) -> World:
    from studyapp.exams.models import ExamAttempt

    now = timezone.now()
    invite, _token = Invite.create(team, team_admin, now)
    member = Membership.objects.get(team=team, user=team_member)
    attempt = ExamAttempt.objects.create(
        learner=team_member, length=10, time_limit=timedelta(minutes=20), started_at=now
    )
    return World(team.slug, member.pk, invite.pk, attempt.pk)


def test_every_url_with_an_argument_is_checked_here_or_says_why_not() -> None:
    taking_arguments = {
        route.name
        for route in all_routes()
        if route.arguments and not route.name.startswith("admin:")
    }
    unaccounted = taking_arguments - set(OWNED) - set(NOT_OWNED)
    assert not unaccounted, f"add these to OWNED or NOT_OWNED in {__name__}: {unaccounted}"


@pytest.mark.parametrize("name", sorted(OWNED))
def test_an_outsider_gets_404_for_every_owned_url(client, world, outsider, name) -> None:
    method, url = OWNED[name]
    client.force_login(outsider)
    assert getattr(client, method)(url(world)).status_code == 404


@pytest.mark.parametrize("name", sorted(THROUGH_OWN_TEAM))
def test_an_outsider_cannot_reach_other_teams_objects_through_her_own_team(
    client, world, outsider, name
) -> None:
    client.force_login(outsider)
    assert client.post(THROUGH_OWN_TEAM[name](world)).status_code == 404
    assert Membership.objects.filter(pk=world.member_id).exists()
    assert Invite.objects.get(pk=world.invite_id).expires_at > timezone.now()


def test_an_outsider_cannot_use_a_learners_study_ids_and_tokens(
    client, team_member, outsider
) -> None:
    """The study loop carries owned ids in its forms, not its URLs: a review log to undo, a
    question's one-time token, an answer's ticket. Someone else's are 404."""
    from studyapp.review import services
    from tests.study_data import answer_wrong, make_note, make_question, show

    note = make_note("compute")
    for n in range(3):
        make_question(note, f"Question {n}", position=n)
    now = timezone.now()
    log = answer_wrong(team_member, now).log
    shown = show(team_member, now).shown
    checked = services.answer(team_member, shown.token, ["1"], False, now)
    client.force_login(outsider)
    probes = [
        (reverse("review:undo"), {"log": log.pk, "scope": ""}),
        (reverse("review:answer"), {"token": shown.token, "choice": "1"}),
        (reverse("review:grade"), {"ticket": checked.ticket, "grade": "good"}),
    ]
    for url, data in probes:
        assert client.post(url, data).status_code == 404, url
    feedback = client.get(reverse("review:feedback"), {"ticket": checked.ticket})
    assert feedback.status_code == 404
    assert not outsider.review_logs.exists()
    assert not type(log).objects.filter(undoes=log).exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, world) -> None:
    for method, url in OWNED.values():
        response = getattr(client, method)(url(world))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


ADMIN_ONLY = ["teams:members", "teams:create_invite", "teams:remove_member", "teams:revoke_invite"]


@pytest.mark.parametrize("name", ADMIN_ONLY)
def test_a_member_is_refused_the_admin_pages(client, world, team_member, name) -> None:
    method, url = OWNED[name]
    client.force_login(team_member)
    assert getattr(client, method)(url(world)).status_code == 403


def test_the_team_admin_and_members_see_the_team(client, world, team_admin, team_member) -> None:
    for persona in [team_admin, team_member]:
        client.force_login(persona)
        assert client.get(reverse("teams:detail", args=[world.team_slug])).status_code == 200
    client.force_login(team_admin)
    assert client.get(reverse("teams:members", args=[world.team_slug])).status_code == 200


# ---------------------------------------------------------------------------------------------
# CSRF: every URL refuses a POST without the token, logged in or not
# ---------------------------------------------------------------------------------------------

SAMPLES = {"slug": "platform", "int": "1", "str": "x", "path": "x/y"}


def _sample_url(route: Route) -> str | None:
    path = "/" + route.route
    for argument in route.arguments:
        pattern = next(
            (part for part in path.split("<")[1:] if part.split(">")[0].endswith(argument)),
            None,
        )
        if pattern is None:
            return None  # a regular-expression route: admin's app index only
        converter = pattern.split(">")[0].split(":")[0] if ":" in pattern else "str"
        path = path.replace(f"<{pattern.split('>')[0]}>", SAMPLES.get(converter, "x"))
    return path


def test_every_post_without_a_csrf_token_is_refused(world, team_admin) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(team_admin)
    anonymous = Client(enforce_csrf_checks=True)
    urls = {url for route in all_routes() if (url := _sample_url(route))}
    assert {"/accounts/login/", "/accounts/logout/", "/teams/platform/members/1/remove/"} <= urls
    for url in sorted(urls):
        for client in (strict, anonymous):
            response = client.post(url, {"username": "ana", "password": PASSWORD})
            assert response.status_code == 403, url
            assert b"CSRF verification failed" in response.content, url


# ---------------------------------------------------------------------------------------------
# Login throttling: username + address, released after the cool-off
# ---------------------------------------------------------------------------------------------

ATTACKER, HOME = "198.51.100.7", "203.0.113.5"


def _log_in(password: str, address: str) -> tuple[int, bool]:
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": "ben", "password": password})
    return response.status_code, SESSION_KEY in client.session


def test_login_locks_after_repeated_failures_then_releases(settings, team_member) -> None:
    start = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert _log_in("wrong", ATTACKER) == (200, False)
        assert _log_in("wrong", ATTACKER) == (429, False)
        # Locked from this address, even with the right password...
        assert _log_in(PASSWORD, ATTACKER) == (429, False)
        # ...but not from anywhere else: the attacker cannot lock Ben out of his own desk.
        assert _log_in(PASSWORD, HOME) == (302, True)
        clock.move_to(start + settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
        assert _log_in(PASSWORD, ATTACKER) == (429, False)
        clock.move_to(start + settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
        assert _log_in(PASSWORD, ATTACKER) == (302, True)


def test_the_lockout_page_says_how_long_it_lasts(settings, team_member) -> None:
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "ben", "password": "wrong"})
    assert response.status_code == 429
    assert "for 15 minutes" in response.content.decode()


def test_failures_for_one_user_do_not_lock_another(settings, team_member, team_admin) -> None:
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "ben", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "ana", "password": PASSWORD})
    assert response.status_code == 302


# ---------------------------------------------------------------------------------------------
# Production settings: `check --deploy` with the documented environment
# ---------------------------------------------------------------------------------------------


def test_check_deploy_passes_with_the_documented_production_environment(tmp_path: Path) -> None:
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_when_production_settings_are_weakened(tmp_path: Path) -> None:
    env = production_env(tmp_path, DJANGO_SECURE_HSTS_SECONDS="0", DJANGO_HTTPS="false")
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    for warning in ["security.W004", "security.W008", "security.W012", "security.W016"]:
        assert warning in result.stderr
