"""The team page, /teams/<team>/: each member's numbers, weak topics, confusions, leaderboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyapp.review import services
from studyapp.teams.models import Membership, Team
from tests.study_data import (
    answer_right,
    answer_wrong,
    make_learner,
    make_note,
    make_question,
    make_topic,
    numbers_for,
    show,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def platform() -> Team:
    return Team.objects.create(name="Platform team", slug="platform")


def join(team: Team, username: str, *, shown: bool = False, admin: bool = False, **prefs):
    learner = make_learner(username, **prefs)
    role = Membership.Role.ADMIN if admin else Membership.Role.MEMBER
    Membership.objects.create(team=team, user=learner, role=role, show_on_leaderboard=shown)
    return learner


@pytest.fixture
def bank() -> list:
    """Two topics of one note, five questions each."""
    note = make_note("compute", "Compute")
    lambda_topic, ecs_topic = make_topic(note, "Lambda", 0), make_topic(note, "ECS", 1)
    questions = []
    for topic in (lambda_topic, ecs_topic):
        for n in range(5):
            questions.append(
                make_question(
                    note,
                    f"{topic.title} question {n}",
                    right="AWS Lambda" if topic is lambda_topic else "Amazon ECS",
                    wrong=("AWS Batch", "Amazon EKS", "AWS Fargate"),
                    topic=topic,
                    position=n,
                )
            )
    return questions


def page(client, learner, team: Team, now: datetime = NOW):
    """The team page as `learner` sees it at `now`, as its dashboard."""
    with time_machine.travel(now, tick=False):
        client.force_login(learner)  # in the frozen time, or the session has long expired
        response = client.get(reverse("teams:detail", args=[team.slug]))
    assert response.status_code == 200
    return response.context["dashboard"]


def rows_by_label(dashboard) -> dict:
    return {row.label: row for row in dashboard.members}


def test_each_member_has_due_today_answers_retention_and_streak(client, platform, bank) -> None:
    ana = join(platform, "ana", admin=True)
    ben = join(platform, "ben", shown=True)
    # Ben studies three days running: 4 answers, one of them wrong (Again).
    for day in (2, 1, 0):
        moment = NOW - timedelta(days=day, hours=1)
        answer_right(ben, moment)
    answer_wrong(ben, NOW - timedelta(minutes=30))
    rows = rows_by_label(page(client, ana, platform))
    assert rows["ben"].reviews_7d == 4
    assert rows["ben"].retention == 0.75
    assert rows["ben"].streak == 3
    # The wrong answer is due again within minutes: due today.
    assert rows["ben"].due_today >= 1
    assert rows["ana"].reviews_7d == 0 and rows["ana"].retention is None
    assert rows["ana"].streak == 0


def test_streaks_follow_each_members_own_time_zone(client, platform, bank) -> None:
    ana = join(platform, "ana", admin=True)
    kiri = join(platform, "kiri", shown=True, time_zone="Pacific/Auckland")
    # 10:30 and 11:30 UTC on March 8th are two days in Auckland (UTC+13): the 8th and the 9th.
    answer_right(kiri, datetime(2030, 3, 8, 10, 30, tzinfo=UTC))
    answer_right(kiri, datetime(2030, 3, 8, 11, 30, tzinfo=UTC))
    # Seen on the 10th in Auckland, early in the morning there.
    rows = rows_by_label(page(client, ana, platform, datetime(2030, 3, 9, 13, 0, tzinfo=UTC)))
    assert rows["kiri"].streak == 2


def test_members_who_hide_their_name_are_shown_by_number(client, platform, bank) -> None:
    ana = join(platform, "ana", admin=True)
    join(platform, "ben")
    join(platform, "cleo", shown=True)
    labels = [row.label for row in page(client, ana, platform).members]
    # Ana always sees herself; Ben did not opt in; Cleo did.
    assert labels == ["ana", "Member 2", "cleo"]
    assert "ben" not in page(client, ana, platform).members[1].label


def test_the_leaderboard_ranks_by_retention_not_volume(client, platform, bank) -> None:
    ana = join(platform, "ana", admin=True)
    busy = join(platform, "busy", shown=True)
    careful = join(platform, "careful", shown=True)
    shy = join(platform, "shy")
    for learner, right, wrong in [(busy, 7, 5), (careful, 10, 0), (shy, 10, 0)]:
        for n in range(right + wrong):
            moment = NOW - timedelta(days=2, minutes=n * 10)
            (answer_right if n < right else answer_wrong)(learner, moment)
    board = page(client, ana, platform).leaderboard
    # Careful answered less than Busy but remembered more; Shy did not opt in; Ana has too
    # few answers to be ranked.
    assert [row.name for row in board] == ["careful", "busy"]


def test_the_weakest_topics_have_the_lowest_average_recall(client, platform, bank) -> None:
    ana = join(platform, "ana", admin=True)
    ben = join(platform, "ben")
    # (py-fsrs counts whole days since the last review: three days, so time has told.)
    start = NOW - timedelta(days=3)
    # Five Lambda questions right; then an ECS question wrong, again and again.
    for n in range(10):
        (answer_right if n < 5 else answer_wrong)(ben, start + timedelta(minutes=n))
    weak = page(client, ana, platform).weakest_topics
    assert [t.title for t in weak] == ["ECS", "Lambda"]
    assert weak[0].average < weak[1].average
    assert weak[0].cards == 1 and weak[1].cards == 5
    assert weak[0].url == reverse("review:cram_topic", args=["compute", "ecs"])


def test_the_most_confused_pairs_are_counted(client, platform, bank) -> None:
    ana = join(platform, "ana", admin=True)
    ben = join(platform, "ben")
    moment = NOW - timedelta(days=1)
    for n in range(3):
        step = show(ben, moment + timedelta(minutes=n))
        question = step.shown.question
        picked = "AWS Batch" if n < 2 else "Amazon EKS"
        services.answer(ben, step.shown.token, numbers_for(question, ben, [picked]), False, moment)
    confusions = page(client, ana, platform).confusions
    assert [(c.answer, c.picked, c.count) for c in confusions] == [
        ("AWS Lambda", "AWS Batch", 2),
        ("AWS Lambda", "Amazon EKS", 1),
    ]


def test_leaving_the_leaderboard_hides_the_name_again(client, platform, bank) -> None:
    ana = join(platform, "ana", admin=True)
    ben = join(platform, "ben")
    client.force_login(ben)
    client.post(reverse("teams:leaderboard", args=["platform"]), {"show": "1"})
    client.logout()
    assert "ben" in [row.label for row in page(client, ana, platform).members]
    client.force_login(ben)
    client.post(reverse("teams:leaderboard", args=["platform"]), {"show": "0"})
    assert "ben" not in [row.label for row in page(client, ana, platform).members]


def _queries_for_team_of(client, size: int) -> int:
    team = Team.objects.create(name=f"Team of {size}", slug=f"team-{size}")
    zones = ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/Chicago"]
    members = [
        join(team, f"m{size}-{n}", shown=n % 2 == 0, admin=n == 0, time_zone=zones[n % 4])
        for n in range(size)
    ]
    for n, learner in enumerate(members):
        answer_right(learner, NOW - timedelta(days=1, minutes=n))
        answer_wrong(learner, NOW - timedelta(days=1, minutes=n, seconds=-30))
    with time_machine.travel(NOW, tick=False):
        client.force_login(members[0])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("teams:detail", args=[team.slug]))
    assert response.status_code == 200
    assert len(response.context["dashboard"].members) == size
    return len(queries)


def test_the_page_runs_the_same_queries_for_2_members_as_for_10(
    client, bank, django_assert_num_queries
) -> None:
    for_two = _queries_for_team_of(client, 2)
    for_ten = _queries_for_team_of(client, 10)
    assert for_two == for_ten
    # And the number itself: session, user, membership, then the page's fixed handful.
    assert for_two <= 10
