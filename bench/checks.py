"""The benchmark's correctness checks, pure so tests/test_bench_checks.py can run them alone.

Review log: exactly one row per answer the server acknowledged. The client knows, per learner,
the nonce of each acknowledged answer's token; the database knows each row's token. Missing
rows are lost answers; extra rows are doubles (or, when a worker was killed mid-request,
answers recorded whose acknowledgement never reached the client).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Every key bench/results.json must hold, each a number (issue #8).
RESULT_KEYS = (
    "baseline_rps",
    "study_rps",
    "ratio",
    "study_p50_ms",
    "study_p99_ms",
    "errors",
    "lost_reviews",
    "fault_lost_reviews",
    "import_1000_s",
    "reimport_s",
    "study_page_kb",
    "stats_100k_ms",
)


@dataclass(frozen=True)
class ReviewCheck:
    """How the review log compares with the acknowledged answers."""

    acknowledged: int
    logged: int
    lost: int  # acknowledged, with no row
    extra: int  # rows beyond the acknowledged answers: doubles, or unacknowledged answers
    learners_off: tuple[str, ...]  # learners whose rows differ from their acknowledgements

    @property
    def exact(self) -> bool:
        return self.lost == 0 and self.extra == 0


def check_reviews(
    acknowledged: Mapping[str, Iterable[str]], logged: Mapping[str, Iterable[str | None]]
) -> ReviewCheck:
    """Compare acknowledged answers with review log rows, learner by learner.

    Both map a learner to the tokens (nonces) of their answers; a row may have no token. A row
    counts once for one acknowledged answer: a second row with the same token is extra.
    """
    lost = extra = acked_total = logged_total = 0
    off = []
    for learner in sorted(set(acknowledged) | set(logged)):
        acked = Counter(acknowledged.get(learner, ()))
        rows = Counter(logged.get(learner, ()))
        acked_total += sum(acked.values())
        logged_total += sum(rows.values())
        missing = sum((acked - rows).values())
        beyond = sum((rows - acked).values())
        lost += missing
        extra += beyond
        if missing or beyond:
            off.append(learner)
    return ReviewCheck(acked_total, logged_total, lost, extra, tuple(off))


def errors_stopped(errors_by_second: list[int], last_seconds: int) -> bool:
    """True when the last `last_seconds` seconds of a run had no error."""
    if last_seconds <= 0 or len(errors_by_second) < last_seconds:
        return False
    return sum(errors_by_second[-last_seconds:]) == 0


def missing_result_keys(results: Mapping[str, object]) -> list[str]:
    """The keys of RESULT_KEYS that results.json lacks or holds as something not a number."""
    return [
        key
        for key in RESULT_KEYS
        if not isinstance(results.get(key), int | float) or isinstance(results.get(key), bool)
    ]
