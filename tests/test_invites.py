"""Joining a team by invite: made by an admin, single use (even when two race), expiring."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from studyapp.teams.models import INVITE_LIFETIME, Invite, InviteUnusable, Membership

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a fine long passphrase"


def signup_data(username: str) -> dict[str, str]:
    return {
        "username": username,
        "email": f"{username}@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }


def make_invite(team, admin) -> tuple[Invite, str]:
    return Invite.create(team, admin, timezone.now())


def test_an_admin_makes_an_invite_link_shown_once(client, team, team_admin) -> None:
    client.force_login(team_admin)
    response = client.post(reverse("teams:create_invite", args=[team.slug]))
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    token = re.search(r"/teams/join/([\w-]+)/", message).group(1)
    invite = Invite.objects.get()
    assert invite.team == team and invite.created_by == team_admin
    # Only a hash is stored: the database alone does not let anyone in.
    assert token not in invite.token_hash
    assert Invite.find(token) == invite


def test_a_new_colleague_creates_an_account_and_joins(client, team, team_admin) -> None:
    invite, token = make_invite(team, team_admin)
    assert client.get(reverse("teams:join", args=[token])).status_code == 200
    response = client.post(reverse("teams:join", args=[token]), signup_data("cleo"))
    assert response.status_code == 302
    assert response.url == team.get_absolute_url()
    cleo = get_user_model().objects.get(username="cleo")
    assert client.session[SESSION_KEY] == str(cleo.pk)
    membership = Membership.objects.get(team=team, user=cleo)
    assert membership.role == Membership.Role.MEMBER
    assert not membership.show_on_leaderboard
    invite.refresh_from_db()
    assert invite.used_by == cleo and invite.used_at is not None


def test_someone_with_an_account_joins_a_second_team(client, team, team_admin, outsider) -> None:
    _invite, token = make_invite(team, team_admin)
    client.force_login(outsider)
    assert client.get(reverse("teams:join", args=[token])).status_code == 200
    response = client.post(reverse("teams:join", args=[token]))
    assert response.status_code == 302
    assert set(outsider.memberships.values_list("team__slug", flat=True)) == {"other", "platform"}


def test_an_invite_works_only_once(client, team, team_admin) -> None:
    _invite, token = make_invite(team, team_admin)
    client.post(reverse("teams:join", args=[token]), signup_data("cleo"))
    other = type(client)()
    response = other.post(reverse("teams:join", args=[token]), signup_data("dave"))
    assert response.status_code == 410
    assert not get_user_model().objects.filter(username="dave").exists()


def test_an_invite_expires(client, team, team_admin) -> None:
    _invite, token = make_invite(team, team_admin)
    with time_machine.travel(timezone.now() + INVITE_LIFETIME + timedelta(seconds=1)):
        response = client.post(reverse("teams:join", args=[token]), signup_data("cleo"))
    assert response.status_code == 410
    assert not get_user_model().objects.filter(username="cleo").exists()


def test_a_revoked_invite_no_longer_works(client, team, team_admin) -> None:
    invite, token = make_invite(team, team_admin)
    client.force_login(team_admin)
    client.post(reverse("teams:revoke_invite", args=[team.slug, invite.pk]))
    client.logout()
    assert client.get(reverse("teams:join", args=[token])).status_code == 410


def test_an_unknown_token_is_404(client, db) -> None:
    assert client.get(reverse("teams:join", args=["made-up"])).status_code == 404


def test_a_member_opening_an_invite_does_not_use_it(client, team, team_admin, team_member) -> None:
    invite, token = make_invite(team, team_admin)
    client.force_login(team_member)
    assert client.post(reverse("teams:join", args=[token])).status_code == 302
    invite.refresh_from_db()
    assert invite.used_at is None


def test_a_rejected_sign_up_keeps_the_invite(client, team, team_admin) -> None:
    invite, token = make_invite(team, team_admin)
    weak = signup_data("cleo") | {"password1": "cleo", "password2": "cleo"}
    assert client.post(reverse("teams:join", args=[token]), weak).status_code == 400
    invite.refresh_from_db()
    assert invite.used_at is None


@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_one_invite_only_one_gets_in(team, team_admin) -> None:
    invite, _token = make_invite(team, team_admin)
    User = get_user_model()
    racers = [User.objects.create_user(name, password=NEW_PASSWORD) for name in ["cleo", "dave"]]
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def race(user) -> None:
        try:
            barrier.wait(5)
            Invite.objects.get(pk=invite.pk).redeem(user, timezone.now())
            outcomes.append("joined")
        except InviteUnusable:
            outcomes.append("refused")
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=race, args=[user]) for user in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["joined", "refused"]
    assert Membership.objects.filter(team=team, user__in=racers).count() == 1
    invite.refresh_from_db()
    assert invite.used_by in racers


def test_an_admin_removes_a_member_but_not_themselves(client, team, team_admin, team_member):
    client.force_login(team_admin)
    ben = Membership.objects.get(team=team, user=team_member)
    ana = Membership.objects.get(team=team, user=team_admin)
    client.post(reverse("teams:remove_member", args=[team.slug, ana.pk]))
    assert Membership.objects.filter(pk=ana.pk).exists()
    client.post(reverse("teams:remove_member", args=[team.slug, ben.pk]))
    assert not Membership.objects.filter(pk=ben.pk).exists()
    # Removed from the team, Ben keeps his account (and his own study history).
    assert get_user_model().objects.filter(pk=team_member.pk).exists()
