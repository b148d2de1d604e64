"""The statistics page: the database aggregates give the hand-computed values of
tests/test_stats_compute.py, the page shows each statistic, and its queries do not grow with
the number of review logs (10 or 100,000)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyapp.exams.models import ExamAttempt
from studyapp.review.models import Card, ReviewLog, StudySettings
from studyapp.review.scheduling import CardState, State
from studyapp.stats import compute, days, queries
from studyapp.stats.compute import Confusion, Retention, Share
from studyapp.stats.models import ReviewDay, ReviewDayRollup
from tests.study_data import make_learner, make_note, make_question, make_topic
from tests.test_stats_compute import BERLIN, HISTORY, NOW, TODAY, utc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def berliner():
    return make_learner("berliner", time_zone="Europe/Berlin")


@pytest.fixture
def questions():
    """Eight questions: ECS (two topics) and Lambda; question 3 is Select TWO of five."""
    ecs, lam = make_note("amazon-ecs", "Amazon ECS"), make_note("aws-lambda", "AWS Lambda")
    launch, network = make_topic(ecs, "Launch types", 1), make_topic(ecs, "Networking", 2)
    limits = make_topic(lam, "Limits", 1)
    made = [
        make_question(ecs, "Q1?", "Fargate", ["EC2", "External", "Anywhere"], topic=launch),
        make_question(ecs, "Q2?", "EC2", ["Fargate", "External", "Anywhere"], topic=launch),
        make_question(ecs, "Q3?", ["awsvpc", "host"], ["bridge", "none", "default"], topic=network),
        make_question(
            lam, "Q4?", "AWS Lambda", ["AWS Batch", "Amazon EKS", "AWS Fargate"], topic=limits
        ),
    ]
    made += [make_question(lam, f"Q{n}?", f"Right {n}", topic=limits) for n in range(5, 9)]
    return made


def memory(interval_days: float | None, reviewed_at: datetime, reps: int = 3) -> dict:
    if interval_days is None:
        return CardState.new(reviewed_at).to_json()
    last = reviewed_at - timedelta(days=interval_days)
    return CardState(
        State.Review, None, 10.0, 5.0, last + timedelta(days=interval_days), last, reps
    ).to_json()


def card_for(learner, question, **fields) -> Card:
    defaults = {"due": NOW, "created_at": NOW - timedelta(days=400), "reps": 0}
    return Card.objects.create(learner=learner, question=question, **(defaults | fields))


def log(learner, card, at, rating, stage="review", interval=None, **fields) -> ReviewLog:
    return ReviewLog(
        learner=learner,
        card=card,
        question_id=card.question_id,
        rating=rating,
        reviewed_at=at,
        correct=rating > 1,
        source="study",
        stage=stage,
        state_before=memory(interval, at),
        **fields,
    )


@pytest.fixture
def history(berliner, questions):
    """tests/test_stats_compute.HISTORY in the database: card n is question n's card."""
    cards = {n: card_for(berliner, q) for n, q in enumerate(questions, start=1)}
    ReviewLog.objects.bulk_create(
        log(berliner, cards[e.card_id], e.reviewed_at, e.rating, e.stage, e.interval_days)
        for e in HISTORY
    )
    return cards


def window() -> days.Window:
    return days.Window.around("Europe/Berlin", NOW)


# The aggregates agree with the definitions ---------------------------------------------------


def test_heatmap_from_the_database_matches_the_hand_computed_days(berliner, history) -> None:
    counts = days.reviews_per_day(berliner, window())

    assert counts == compute.reviews_per_day(HISTORY, BERLIN, TODAY)
    assert counts[date(2025, 4, 10)] == 3 and counts[date(2025, 3, 30)] == 1
    assert counts[date(2025, 3, 31)] == 1 and sum(counts.values()) == 12


def test_undone_answers_and_undo_rows_are_not_counted(berliner, history) -> None:
    answer = log(berliner, history[1], utc(2025, 4, 8, 10, 0), 3, interval=30)
    answer.save()
    ReviewLog.objects.create(
        learner=berliner,
        card=history[1],
        question_id=history[1].question_id,
        reviewed_at=utc(2025, 4, 8, 10, 1),
        undoes=answer,
    )

    assert days.reviews_per_day(berliner, window())[date(2025, 4, 8)] == 0
    assert days.true_retention(berliner, window())[0].mature == Share(2, 2)


def test_true_retention_from_the_database_matches_the_hand_computed_shares(
    berliner, history
) -> None:
    rows = days.true_retention(berliner, window())

    assert rows == compute.true_retention(HISTORY, BERLIN, TODAY)
    assert rows == [
        Retention(7, young=Share(1, 2), mature=Share(2, 2)),
        Retention(30, young=Share(1, 2), mature=Share(3, 3)),
        Retention(365, young=Share(1, 3), mature=Share(3, 4)),
    ]


def test_forecast_from_the_database_matches_the_hand_computed_days(berliner, questions) -> None:
    dues = [
        utc(2025, 4, 8, 12, 0),
        utc(2025, 4, 10, 21, 59),
        utc(2025, 4, 10, 22, 30),
        utc(2025, 5, 9, 21, 0),
        utc(2025, 5, 10, 8, 0),
    ]
    for question, due in zip(questions, dues, strict=False):
        card_for(berliner, question, due=due, reps=2, state=State.Review)
    card_for(berliner, questions[6], due=utc(2025, 4, 11, 8, 0), reps=0)  # never seen

    result = queries.forecast(berliner, window())

    assert result == compute.forecast(dues, BERLIN, TODAY)
    assert {day: n for day, n in result.items() if n} == {
        date(2025, 4, 10): 2,
        date(2025, 4, 11): 1,
        date(2025, 5, 9): 1,
    }


def seen(learner, question, stability: float, last_review: datetime) -> Card:
    return card_for(
        learner,
        question,
        state=State.Review,
        stability=stability,
        difficulty=5.0,
        last_review=last_review,
        due=last_review + timedelta(days=stability),
        reps=3,
    )


def test_mastery_and_readiness_from_the_database(berliner, questions) -> None:
    seen(berliner, questions[0], 10.0, utc(2025, 3, 31, 10, 0))  # R = 0.9
    seen(berliner, questions[2], 10.0, utc(2025, 4, 10, 9, 0))  # R = 1.0

    stats = queries.for_learner(berliner, NOW)

    by_note = {m.label: (m.questions, m.seen, m.recall) for m in stats.mastery_by_note}
    assert by_note == {
        "Amazon ECS": (3, 2, pytest.approx(0.95)),
        "AWS Lambda": (5, 0, None),
    }
    by_topic = {(m.note, m.label): (m.seen, m.unseen) for m in stats.mastery_by_topic}
    assert by_topic == {
        ("Amazon ECS", "Launch types"): (1, 1),
        ("Amazon ECS", "Networking"): (1, 0),
        ("AWS Lambda", "Limits"): (0, 5),
    }
    # Seen: 0.9 and 1.0; unseen: 1/4 for six questions (Q3, Select TWO, is seen).
    assert stats.readiness == pytest.approx((0.9 + 1.0 + 6 * 0.25) / 8)


def test_an_unseen_select_two_question_counts_as_one_guess_in_ten(berliner, questions) -> None:
    assert queries.for_learner(berliner, NOW).readiness == pytest.approx((7 * 0.25 + 0.1) / 8)


def test_the_exam_date_gives_days_left_and_the_forecast_on_that_day(berliner, questions) -> None:
    seen(berliner, questions[0], 10.0, utc(2025, 3, 31, 10, 0))
    StudySettings.objects.filter(learner=berliner).update(exam_date=date(2025, 4, 20))

    outlook = queries.for_learner(berliner, NOW).outlook

    assert outlook.days_left == 10
    decay, factor = 0.1542, 0.9 ** (-1 / 0.1542) - 1
    at_exam = (1 + factor * 20 / 10) ** -decay
    # Question 1 at exam-day noon (20 days after its review); Q3 a guess in ten; six more a
    # guess in four.
    assert outlook.predicted == pytest.approx((at_exam + 0.1 + 6 * 0.25) / 8)


def test_most_confused_pairs_from_wrong_answers(berliner, questions) -> None:
    lambda_card = card_for(berliner, questions[3])
    network_card = card_for(berliner, questions[2])
    lambda_answer, network_answer = ["AWS Lambda"], ["awsvpc", "host"]
    wrong = [
        (lambda_card, ["AWS Batch"], lambda_answer),
        (lambda_card, ["AWS Batch"], lambda_answer),
        (lambda_card, ["Amazon EKS"], lambda_answer),
        (network_card, ["awsvpc", "bridge"], network_answer),
    ]
    ReviewLog.objects.bulk_create(
        log(berliner, card, NOW - timedelta(hours=n), 1, chosen=chosen, answer=answer)
        for n, (card, chosen, answer) in enumerate(wrong)
    )
    ReviewLog.objects.bulk_create(
        [log(berliner, lambda_card, NOW, 3, chosen=["AWS Lambda"], answer=lambda_answer)]
    )

    assert compute.confused_pairs(queries.wrong_answers(berliner)) == [
        Confusion("AWS Lambda", "AWS Batch", 2),
        Confusion("AWS Lambda", "Amazon EKS", 1),
        Confusion("host", "bridge", 1),
    ]


# Past days are summed once, and again when something changes them -----------------------------


def test_past_days_are_summed_once_and_read_back(berliner, history) -> None:
    first = days.day_counts(berliner, window())
    assert ReviewDay.objects.filter(learner=berliner).count() == 7  # days with reviews, not today
    with CaptureQueriesContext(connection) as captured:
        again = days.day_counts(berliner, window())

    assert again == first
    assert not any(q["sql"].startswith(("INSERT", "DELETE")) for q in captured)


def test_an_undo_of_an_answer_from_a_summed_day_is_taken_into_account(berliner, history) -> None:
    days.day_counts(berliner, window())
    target = ReviewLog.objects.get(card=history[3])  # Apr 5, mature, passed
    ReviewLog.objects.create(
        learner=berliner,
        card=history[3],
        question_id=history[3].question_id,
        reviewed_at=NOW,
        undoes=target,
    )

    counted = days.day_counts(berliner, window())

    assert counted[date(2025, 4, 5)].reviews == 2
    assert days.true_retention(berliner, window())[0].mature == Share(1, 1)


def test_a_log_written_later_about_a_summed_day_is_counted(berliner, history) -> None:
    days.day_counts(berliner, window())
    log(berliner, history[5], utc(2025, 3, 20, 11, 0), 3, interval=40).save()  # an import

    assert days.reviews_per_day(berliner, window())[date(2025, 3, 20)] == 2


def test_todays_answers_join_the_sums_when_the_day_is_over(berliner, history, frozen) -> None:
    days.day_counts(berliner, window())
    log(berliner, history[7], NOW + timedelta(hours=1), 3, stage="new").save()
    frozen.shift(timedelta(days=1))
    tomorrow = days.Window.around("Europe/Berlin", NOW + timedelta(days=1))

    counted = days.reviews_per_day(berliner, tomorrow)

    assert counted[date(2025, 4, 10)] == 4
    assert ReviewDayRollup.objects.get(learner=berliner).through_day == date(2025, 4, 10)


def test_a_new_time_zone_sums_the_days_again(berliner, history) -> None:
    days.day_counts(berliner, window())
    utc_window = days.Window.around("UTC", NOW)

    counted = days.reviews_per_day(berliner, utc_window)

    # 21:30 and 22:30 UTC on Apr 9 are both Apr 9 in UTC.
    assert counted[date(2025, 4, 9)] == 2 and counted[date(2025, 4, 10)] == 2
    assert counted == compute.reviews_per_day(HISTORY, ZoneInfo("UTC"), TODAY)
    assert set(ReviewDay.objects.values_list("time_zone", flat=True)) == {"UTC"}


# The page ------------------------------------------------------------------------------------


def test_the_stats_page_shows_every_statistic(client, berliner, history) -> None:
    StudySettings.objects.filter(learner=berliner).update(exam_date=date(2025, 4, 20))
    ExamAttempt.objects.create(
        learner=berliner,
        length=10,
        time_limit=timedelta(minutes=20),
        started_at=NOW - timedelta(days=1),
        submitted_at=NOW - timedelta(days=1) + timedelta(minutes=15),
        right=7,
        scaled_score=730,
        passed=True,
    )
    client.force_login(berliner)

    body = client.get(reverse("stats:index")).content.decode()

    for testid in ("heatmap", "retention", "forecast", "mastery", "readiness"):
        assert f'data-testid="{testid}"' in body
    assert "<title>Thu 2025-04-10: 3 reviews</title>" in body
    assert "12 reviews in the last 365 days" in body
    assert "50.0 %" in body and "(1/2)" in body and "(3/4)" in body
    assert "<strong>10</strong> days left" in body
    assert "7/10 (70 %), estimate 730" in body
    assert "<script" not in body.split("</head>")[1]


def test_the_stats_page_needs_a_learner(client, db) -> None:
    assert client.get(reverse("stats:index")).status_code == 302


def test_another_learners_reviews_are_not_counted(client, berliner, history, mallory) -> None:
    client.force_login(mallory)

    body = client.get(reverse("stats:index")).content.decode()

    assert "0 reviews in the last 365 days" in body


# Queries do not grow with history ------------------------------------------------------------

# Session, user, settings; questions, cards; the roll-up mark, logs written since it, the past
# days summed, today's logs; forecast; wrong answers with the answer of their time; recent exams.
STATS_PAGE_QUERIES = 12
# The first visit also sums the past days: a lock, the newest log, the count, a delete, the
# inserts (SQLite takes at most ~120 days per insert, so up to 4 for a year), the mark.
FIRST_VISIT_MAX_QUERIES = STATS_PAGE_QUERIES + 13


def build_history(learner, questions, logs: int) -> None:
    """`logs` review logs over the last year, spread over the learner's cards."""
    rng = random.Random(logs)
    cards = [
        card_for(
            learner,
            q,
            reps=5,
            state=State.Review,
            stability=20.0,
            difficulty=5.0,
            last_review=NOW - timedelta(days=3),
            due=NOW + timedelta(days=rng.randint(0, 40)),
        )
        for q in questions
    ]
    batch = []
    for n in range(logs):
        at = NOW - timedelta(seconds=rng.randint(0, 365 * 86400))
        stage = rng.choice(["review", "review", "learning", "new"])
        rating = rng.choice([1, 3, 3, 3, 4])
        entry = log(learner, cards[n % len(cards)], at, rating, stage, rng.choice([3, 30]))
        entry.chosen = ["Wrong one"] if rating == 1 else []
        batch.append(entry)
    ReviewLog.objects.bulk_create(batch, batch_size=5000)


def test_the_stats_page_runs_the_same_queries_for_10_and_100000_reviews(
    client, questions, django_assert_num_queries
) -> None:
    few = make_learner("few", time_zone="Europe/Berlin")
    many = make_learner("many", time_zone="America/New_York", exam_date=date(2025, 6, 1))
    build_history(few, questions, 10)
    build_history(many, questions, 100_000)
    assert ReviewLog.objects.filter(learner=many).count() == 100_000

    first_visits = []
    for learner in (few, many):
        client.force_login(learner)
        # The first visit sums the past year once; later visits read the sums.
        with CaptureQueriesContext(connection) as first:
            assert client.get(reverse("stats:index")).status_code == 200
        first_visits.append(len(first))
        with django_assert_num_queries(STATS_PAGE_QUERIES):
            assert client.get(reverse("stats:index")).status_code == 200
    assert max(first_visits) <= FIRST_VISIT_MAX_QUERIES


def test_no_query_reads_review_logs_row_by_row(client, questions) -> None:
    many = make_learner("many")
    build_history(many, questions, 2_000)
    client.force_login(many)

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("stats:index"))

    log_queries = [q["sql"] for q in captured if "review_reviewlog" in q["sql"]]
    # Aggregates, or a subquery naming which questions to read the right answers of.
    aggregated = ("GROUP BY", "COUNT(", "MIN(", "MAX(", " IN (SELECT ")
    assert log_queries
    assert all(any(word in sql for word in aggregated) for sql in log_queries)


def test_confused_pairs_keep_the_answer_of_their_time_after_a_re_import_changes_it(
    berliner, questions
) -> None:
    card = card_for(berliner, questions[3])
    ReviewLog.objects.bulk_create(
        [log(berliner, card, NOW, 1, chosen=["AWS Batch"], answer=["AWS Lambda"])]
    )
    # A re-import now says AWS Batch is right: the old mistake stays "Lambda, picked Batch".
    questions[3].choices.update(correct=False)
    questions[3].choices.filter(text="AWS Batch").update(correct=True)

    assert compute.confused_pairs(queries.wrong_answers(berliner)) == [
        Confusion("AWS Lambda", "AWS Batch", 1),
    ]
