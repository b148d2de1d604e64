"""The benchmark's database: content/ imported, learners with a believable history, sessions.

Runs inside the benchmark's own process after django.setup() (bench.settings). Histories are
simulated with the app's scheduler (studyapp.review.scheduling), answer by answer, so cards,
review logs and their before/after states agree the way the study loop would have left them;
rows are written with bulk_create.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db.models import Prefetch

from studyapp.accounts.sessions import SessionStore
from studyapp.questions.models import Choice, Question
from studyapp.review import scheduling
from studyapp.review.models import Card, ReviewLog, StudySettings, stage_of
from studyapp.review.scheduling import CardState, Rating

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-not-secret"  # noqa: S105 (a throwaway database's learners)
TIME_ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
# How a learner rates a card: Again, Hard, Good, Easy.
RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)
RATING_WEIGHTS = (0.15, 0.1, 0.65, 0.1)
LOGIN_BACKEND = "studyapp.accounts.backends.ModelBackend"


@dataclass(frozen=True)
class Built:
    learners: list[str]
    sessions: dict[str, str]  # learner -> session key
    answers: dict[str, frozenset[str]]  # question uid -> texts of its right choices
    note_slugs: list[str]
    review_logs: int
    cards_due: int


def migrate_and_import() -> None:
    call_command("migrate", verbosity=0)
    call_command("import_notes", str(ROOT / "content"), verbosity=0)


def build_learners(count: int, now: datetime, seed: int = 8) -> Built:
    """`count` learners, each with a history of some weeks of study that ends before today."""
    rng = random.Random(seed)
    questions = list(
        Question.objects.current().prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "pk"))
        )
    )
    users = get_user_model()
    # One real hash for all: hashing 200 passwords would take a minute for nothing.
    hashed = make_password(PASSWORD)
    users.objects.bulk_create(
        users(username=_name(n), password=hashed, date_joined=now - timedelta(days=200))
        for n in range(count)
    )
    learners = list(users.objects.filter(username__in=[_name(n) for n in range(count)]))
    StudySettings.objects.bulk_create(
        StudySettings(learner=learner, time_zone=rng.choice(TIME_ZONES)) for learner in learners
    )
    # History stops at the start of today (UTC): today's counts and limits start fresh.
    history_end = datetime.combine(now.astimezone(UTC).date(), time.min, tzinfo=UTC)
    logs = due = 0
    for learner in learners:
        cards, rows = _history(rng, learner, questions, history_end)
        Card.objects.bulk_create(cards, batch_size=1000)
        for row in rows:
            row.card_id = row.card.pk
        ReviewLog.objects.bulk_create(rows, batch_size=1000)
        logs += len(rows)
        due += sum(1 for card in cards if card.due <= now)
    answers = {
        q.uid: frozenset(c.text.strip() for c in q.choices.all() if c.correct) for q in questions
    }
    slugs = sorted({q.note.slug for q in Question.objects.select_related("note")})
    sessions = {learner.username: create_session(learner) for learner in learners}
    names = [learner.username for learner in learners]
    return Built(names, sessions, answers, slugs, logs, due)


def _name(n: int) -> str:
    return f"learner{n:03d}"


def _history(
    rng: random.Random, learner: object, questions: list[Question], end: datetime
) -> tuple[list[Card], list[ReviewLog]]:
    """A learner who met 40–90 questions over the last 10–100 days and came back to each
    roughly when it was due (a little late, as people are)."""
    cards, rows = [], []
    seen = rng.sample(questions, min(len(questions), rng.randint(40, 90)))
    for question in seen:
        moment = end - timedelta(days=rng.uniform(10, 100))
        state = CardState.new(moment)
        card = Card(learner=learner, question=question, created_at=moment)
        choices = list(question.choices.all())
        while moment < end:
            rating = rng.choices(RATINGS, RATING_WEIGHTS)[0]
            after = scheduling.review(state, rating, moment)
            rows.append(_log(rng, learner, card, question, choices, state, after, rating, moment))
            state = after
            moment = after.due + _lateness(rng, after.due - moment)
        card.set_memory(state)
        cards.append(card)
    return cards, rows


def _lateness(rng: random.Random, interval: timedelta) -> timedelta:
    # A few minutes late for a learning step, up to a day and a half for a long interval.
    if interval < timedelta(hours=1):
        return timedelta(minutes=rng.uniform(0, 30))
    return timedelta(hours=rng.uniform(0, 36))


def _log(
    rng: random.Random,
    learner: object,
    card: Card,
    question: Question,
    choices: list[Choice],
    before: CardState,
    after: CardState,
    rating: Rating,
    moment: datetime,
) -> ReviewLog:
    right = [c.text for c in choices if c.correct]
    wrong = [c.text for c in choices if not c.correct]
    picked = right if rating != Rating.Again or not wrong else [rng.choice(wrong)]
    return ReviewLog(
        learner=learner,
        card=card,
        question=question,
        rating=int(rating),
        reviewed_at=moment,
        duration_ms=rng.randint(2_000, 25_000),
        chosen=picked,
        correct=rating != Rating.Again,
        source="study",
        moves_schedule=True,
        stage=stage_of(before),
        state_before=before.to_json(),
        state_after=after.to_json(),
        # History has tokens like real answers, kept apart from the run's by their prefix.
        token=f"hist-{learner.pk}-{rng.getrandbits(64):x}",
    )


def create_session(user: object) -> str:
    """A logged-in session, as django.contrib.auth.login() stores it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = LOGIN_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def build_heavy_learner(logs: int) -> str:
    """The statistics page's worst case: one learner with `logs` review logs (another
    engineer's bench/stats_page.py builds it; this only adds a session). Returns the key."""
    from bench import stats_page

    learner = stats_page.build(logs)
    return create_session(learner)


def review_rows_since(moment: datetime) -> dict[str, list[str | None]]:
    """Study answers recorded since `moment`, by learner: their tokens."""
    found: dict[str, list[str | None]] = {}
    rows = ReviewLog.objects.filter(
        source="study", reviewed_at__gte=moment, undoes__isnull=True
    ).values_list("learner__username", "token")
    for name, token in rows:
        found.setdefault(name, []).append(token)
    return found
