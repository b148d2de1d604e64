"""Time the statistics page for a learner with 100,000 review logs, on a throwaway SQLite file.

    .venv/bin/python bench/stats_page.py [--logs 100000] [--runs 15]

Imports the notes in content/ (the real question bank), gives one learner a card for every
question and `--logs` review logs spread over the last year, then renders /stats/ through
Django's test client: once cold (the first visit sums the past days, stats/days.py), then
`--runs` times, and prints the median, the fastest and the slowest render and the number of
queries. The goal (issue 6) is a median under 200 ms.
Nothing is asserted: timings belong in a benchmark, not in the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(folder: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    os.environ["STUDYAPP_SQLITE_PATH"] = os.path.join(folder, "bench.sqlite3")
    # DEBUG at import picks the static files storage that needs no collectstatic; measure()
    # turns DEBUG off afterwards, so Django does not record every query while timing.
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")
    import django

    django.setup()


def build(logs: int) -> object:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from studyapp.questions.models import Question
    from studyapp.review.models import Card, ReviewLog, StudySettings
    from studyapp.review.scheduling import CardState, State

    call_command("migrate", verbosity=0)
    call_command("import_notes", str(ROOT / "content"), verbosity=0)
    learner = get_user_model().objects.create_user("bench")
    StudySettings.objects.create(learner=learner, time_zone="Europe/Berlin")
    now, rng = timezone.now(), random.Random(6)
    cards = []
    for question in Question.objects.filter(retired_at__isnull=True):
        last = now - timedelta(days=rng.randint(0, 30))
        memory = CardState(
            State.Review,
            None,
            rng.uniform(1, 60),
            5.0,
            last + timedelta(days=rng.randint(1, 40)),
            last,
            5,
        )
        card = Card(learner=learner, question=question, created_at=now - timedelta(days=365))
        card.set_memory(memory)
        cards.append(card)
    Card.objects.bulk_create(cards)
    # Logs are appended as answers come, so the table holds them in time order.
    times = sorted(now - timedelta(seconds=rng.randint(0, 365 * 86400)) for _ in range(logs))
    batch = []
    for at in times:
        card = cards[rng.randrange(len(cards))]
        rating = rng.choice([1, 3, 3, 3, 4])
        before = card.memory.to_json()
        batch.append(
            ReviewLog(
                learner=learner,
                card=card,
                question_id=card.question_id,
                rating=rating,
                reviewed_at=at,
                correct=rating > 1,
                chosen=["a wrong choice"] if rating == 1 else [],
                source=rng.choice(["study", "study", "exam"]),
                stage=rng.choice(["review", "review", "learning", "new"]),
                state_before=before,
                state_after=before,
            )
        )
    ReviewLog.objects.bulk_create(batch, batch_size=5000)
    print(f"{len(cards)} questions with cards, {logs} review logs")
    return learner


def measure(learner: object, runs: int) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(learner)
    settings.DEBUG = False
    started = time.perf_counter()
    response = client.get("/stats/")
    first = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    print(f"/stats/ first visit (sums the past year of logs once): {first:.1f} ms")
    with CaptureQueriesContext(connection) as captured:
        client.get("/stats/")
    queries = len(captured)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get("/stats/")
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"/stats/: median {statistics.median(timings):.1f} ms, "
        f"fastest {min(timings):.1f} ms, slowest {max(timings):.1f} ms "
        f"over {runs} runs; {queries} queries per render"
    )
    import time_machine

    with time_machine.travel(timedelta(days=1)):
        started = time.perf_counter()
        client.get("/stats/")
        next_day = (time.perf_counter() - started) * 1000
    print(f"/stats/ first visit the next day (sums one more day): {next_day:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="studyapp-bench-") as folder:
        configure(folder)
        learner = build(args.logs)
        measure(learner, args.runs)


if __name__ == "__main__":
    main()
