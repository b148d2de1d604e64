"""Logging in and out, passwords, open sign-up, the profile, and the first admin."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from studyapp.teams.models import Membership, Team
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_logging_in_rotates_the_session(client, team_member) -> None:
    client.get(reverse("login"))
    session = client.session
    session["before"] = "login"
    session.save()
    before = session.session_key
    response = log_in(client, "ben")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(team_member.pk)
    # A session fixed by someone before the login is worth nothing after it.
    assert client.session.session_key != before


def test_wrong_password_shows_the_form_again(client, team_member) -> None:
    response = log_in(client, "ben", "not the password")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_username_longer_than_any_account_is_a_form_error(client, db) -> None:
    response = client.post(reverse("login"), {"username": "x" * 300, "password": "y"})

    assert response.status_code == 200
    assert b'class="errorlist' in response.content


def test_log_out_needs_a_post(client, team_member) -> None:
    client.force_login(team_member)
    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_changing_the_password_checks_the_password_rules(client, team_member) -> None:
    client.force_login(team_member)
    weak = {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}
    response = client.post(reverse("password_change"), weak)
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    strong = "a much longer passphrase 42"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong},
    )
    assert response.status_code == 302
    team_member.refresh_from_db()
    assert team_member.check_password(strong)


def test_password_reset_sends_a_link_that_sets_a_new_password(client, team_member) -> None:
    response = client.post(reverse("password_reset"), {"email": "ben@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session-held one
    new = "another long passphrase 7"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    team_member.refresh_from_db()
    assert team_member.check_password(new)


def test_password_reset_prints_to_the_console_without_a_mail_server() -> None:
    from django.conf import settings

    # The test run swaps in the in-memory backend; the app's own setting is the console.
    from studyapp import settings as app_settings

    assert app_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


def test_sign_up_is_closed_unless_the_server_opens_it(client, settings) -> None:
    settings.OPEN_SIGNUP = False
    assert client.get(reverse("accounts:signup")).status_code == 404
    settings.OPEN_SIGNUP = True
    assert client.get(reverse("accounts:signup")).status_code == 200


def test_open_sign_up_creates_an_account_in_no_team(client, settings) -> None:
    settings.OPEN_SIGNUP = True
    password = "a fine long passphrase"
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "cleo",
            "email": "cleo@example.com",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    cleo = get_user_model().objects.get(username="cleo")
    assert client.session[SESSION_KEY] == str(cleo.pk)
    assert not cleo.memberships.exists()


def test_sign_up_refuses_a_password_like_the_username(client, settings) -> None:
    settings.OPEN_SIGNUP = True
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "cleopatra",
            "email": "c@example.com",
            "password1": "cleopatra1",
            "password2": "cleopatra1",
        },
    )
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="cleopatra").exists()


def test_profile_saves_time_zone_exam_date_and_email(client, team_member) -> None:
    from studyapp.review.models import StudySettings

    client.force_login(team_member)
    assert client.get(reverse("accounts:profile")).status_code == 200
    response = client.post(
        reverse("accounts:profile"),
        {
            "account-email": "ben@new.example.com",
            "study-time_zone": "Europe/Berlin",
            "study-exam_date": "2030-05-04",
        },
    )
    assert response.status_code == 302
    prefs = StudySettings.objects.get(learner=team_member)
    assert (prefs.time_zone, str(prefs.exam_date)) == ("Europe/Berlin", "2030-05-04")
    team_member.refresh_from_db()
    assert team_member.email == "ben@new.example.com"


def test_profile_refuses_an_unknown_time_zone(client, team_member) -> None:
    client.force_login(team_member)
    response = client.post(
        reverse("accounts:profile"),
        {"account-email": "", "study-time_zone": "Mars/Olympus", "study-exam_date": ""},
    )
    assert response.status_code == 400


def test_profile_needs_a_login(client) -> None:
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_create_admin_makes_a_superuser_who_runs_a_new_team(monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a very long admin passphrase\n"))
    out = io.StringIO()
    call_command(
        "create_admin",
        "--username",
        "root",
        "--team",
        "Platform",
        "--password-stdin",
        stdout=out,
    )
    root = get_user_model().objects.get(username="root")
    assert root.is_superuser and root.is_staff
    assert root.check_password("a very long admin passphrase")
    team = Team.objects.get(slug="platform")
    assert Membership.objects.get(team=team, user=root).is_admin
    assert "/teams/platform/" in out.getvalue()


def test_create_admin_applies_the_password_rules(monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("12345\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command("create_admin", "--username", "root", "--team", "T", "--password-stdin")
    assert not get_user_model().objects.exists()


def test_create_admin_refuses_an_existing_username(monkeypatch, team_member) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a very long admin passphrase\n"))
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_admin", "--username", "ben", "--team", "T", "--password-stdin")


def test_create_admin_asks_twice_when_not_given_the_password(monkeypatch) -> None:
    answers = iter(["first long passphrase", "second long passphrase"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="differ"):
        call_command("create_admin", "--username", "root", "--team", "T")


def test_team_slugs_never_shadow_the_invite_url() -> None:
    assert Team.free_slug("Join") == "join-2"
