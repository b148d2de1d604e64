"""The benchmark's own checks (bench/): they must catch what they are there to catch.

Nothing here starts a server or times anything: the checks are pure and run on made-up data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core import signing

from bench import checks, flows, load, run
from bench.notes import generate_notes, service_of

# --- The review log against acknowledged answers --------------------------------------------


def test_the_review_check_passes_when_every_acknowledged_answer_has_one_row() -> None:
    found = checks.check_reviews(
        {"ada": ["n1", "n2"], "ben": ["n3"]}, {"ada": ["n2", "n1"], "ben": ["n3"]}
    )

    assert found.exact
    assert (found.acknowledged, found.logged, found.lost, found.extra) == (3, 3, 0, 0)


def test_the_review_check_finds_a_missing_row() -> None:
    found = checks.check_reviews({"ada": ["n1", "n2"]}, {"ada": ["n1"]})

    assert (found.lost, found.extra) == (1, 0)
    assert found.learners_off == ("ada",)
    assert not found.exact


def test_the_review_check_finds_a_doubled_row() -> None:
    found = checks.check_reviews({"ada": ["n1", "n2"]}, {"ada": ["n1", "n2", "n2"]})

    assert (found.lost, found.extra) == (0, 1)
    assert not found.exact


def test_the_review_check_counts_a_row_without_a_token_as_extra() -> None:
    found = checks.check_reviews({"ada": ["n1"]}, {"ada": ["n1", None]})

    assert (found.lost, found.extra) == (0, 1)


def test_the_review_check_finds_an_answer_recorded_for_the_wrong_learner() -> None:
    found = checks.check_reviews({"ada": ["n1"], "ben": []}, {"ben": ["n1"]})

    assert (found.lost, found.extra) == (1, 1)
    assert found.learners_off == ("ada", "ben")


def test_errors_have_stopped_only_when_the_last_seconds_had_none() -> None:
    assert checks.errors_stopped([0, 3, 1, 0, 0, 0], last_seconds=3)
    assert not checks.errors_stopped([0, 3, 1, 0, 1, 0], last_seconds=3)
    assert not checks.errors_stopped([0, 0], last_seconds=3)  # too short to tell


# --- Percentiles and figures ---------------------------------------------------------------


def test_the_percentile_is_the_nearest_rank() -> None:
    values = list(range(100, 0, -1))  # 100 … 1, unsorted on purpose

    assert load.percentile(values, 50) == 50
    assert load.percentile(values, 99) == 99
    assert load.percentile(values, 100) == 100
    assert load.percentile(values, 0) == 1
    assert load.percentile([7.0], 99) == 7.0
    assert load.percentile([1, 2, 3, 4], 50) == 2
    assert load.percentile([1, 2, 3, 4], 51) == 3
    assert load.percentile([], 99) == 0.0


def test_the_percentile_refuses_a_rank_outside_0_to_100() -> None:
    with pytest.raises(ValueError):
        load.percentile([1.0], 101)


def test_figures_count_failed_requests_and_flow_errors_as_errors() -> None:
    samples = [
        load.Sample("x", 0.1, 10.0, 200, True, server_ms=2.0, cpu_ms=1.0),
        load.Sample("x", 0.2, 30.0, 500, False, server_ms=4.0, cpu_ms=3.0),
        load.Sample("x", 0.3, 20.0, 0, False),
    ]

    found = load.figures(samples, seconds=2.0, flow_errors=1)

    assert (found.requests, found.rps, found.errors) == (3, 1.5, 3)
    assert (found.p50_ms, found.p99_ms) == (20.0, 30.0)
    assert (found.server_p50_ms, found.server_p95_ms, found.cpu_mean_ms) == (2.0, 4.0, 2.0)


def test_errors_are_counted_per_second_of_the_measured_window() -> None:
    done = load.Run(
        samples=[load.Sample("x", t, 1.0, 0, False) for t in (0.5, 1.2, 1.4, 4.9, 9.0)],
        flow_errors=[2.5],
        measured_from=1.0,
        measured_to=5.0,
    )

    assert load.errors_per_second(done) == [2, 1, 0, 1]


# --- What the client counts as acknowledged ---------------------------------------------------


def _token(nonce: str, uid: str = "q_1") -> str:
    return signing.dumps({"l": 1, "q": uid, "r": 0, "n": nonce, "t": 0, "s": ""}, salt="any")


def _card(state: str, body: str) -> str:
    return f'<section id="study-card" data-state="{state}">{body}</section>'


def _question(nonce: str) -> str:
    choices = "".join(
        f'<li><button type="submit" class="choice" name="choice" value="{n}" data-key="{n}">'
        f'<kbd>{n}</kbd><span class="choice-text">{text}</span></button></li>'
        for n, text in ((1, "AWS Lambda"), (2, "Amazon ECS &amp; Fargate"))
    )
    return _card(
        "question",
        '<input type="hidden" name="csrfmiddlewaretoken" value="csrf">'
        f'<input type="hidden" name="token" value="{_token(nonce)}">{choices}',
    )


def _page(card: str) -> str:
    return f'<body hx-headers=\'{{"x-csrftoken": "csrf"}}\'>{card}</body>'


@dataclass
class FakeClient:
    """Answers the study flow's requests from a script of (status, page)."""

    script: list[tuple[int, str]]
    sent: list[tuple[str, str, bytes | None]] = field(default_factory=list)

    def request(self, kind: str, method: str, path: str, **kwargs: object) -> load.Response | None:
        self.sent.append((kind, path, kwargs.get("body")))  # type: ignore[arg-type]
        status, page = self.script.pop(0)
        if status == 0:
            return None
        return load.Response(status, {}, {}, page.encode())


def _learner_studying(script: list[tuple[int, str]], right: frozenset[str]) -> tuple:
    acks = flows.Acks()
    learner = flows.Learner("ada", {"sessionid": "s"})
    user = flows.StudyUser([learner], {"q_1": right}, "http://127.0.0.1", acks, seed=1)
    client = FakeClient(script)
    results = [user.step(client) for _ in range(len(script))]
    return acks, client, results


def test_a_wrong_answer_is_acknowledged_by_its_feedback() -> None:
    script = [
        (200, _page(_question("n1"))),
        (200, _card("feedback", '<div data-testid="feedback" data-correct="false"></div>')),
    ]

    acks, client, results = _learner_studying(script, right=frozenset({"Nothing shown"}))

    assert results == [True, True]
    assert acks.by_learner == {"ada": ["n1"]}
    assert client.sent[1][:2] == ("study:answer", "/study/answer/")


def test_a_right_answer_is_acknowledged_by_its_grade_not_before() -> None:
    script = [
        (200, _page(_question("n1"))),
        (
            200,
            _card("feedback", '<input type="hidden" name="ticket" value="' + _token("n1") + '">'),
        ),
        (200, _question("n2")),
    ]

    acks, client, _ = _learner_studying(script, right=frozenset({"Amazon ECS & Fargate"}))

    assert b"choice=2" in client.sent[1][2]  # the right choice, read through its escaping
    assert client.sent[2][:2] == ("study:grade", "/study/grade/")
    assert acks.by_learner == {"ada": ["n1"]}


def test_an_answer_without_a_response_is_not_acknowledged() -> None:
    script = [(200, _page(_question("n1"))), (0, "")]

    acks, _, _ = _learner_studying(script, right=frozenset({"AWS Lambda"}))

    assert acks.count() == 0


def test_a_stale_answer_is_a_flow_error() -> None:
    stale = '<div data-testid="feedback"></div><p data-testid="stale"></p>'
    script = [(200, _page(_question("n1"))), (200, _card("feedback", stale))]

    acks, _, results = _learner_studying(script, right=frozenset({"AWS Lambda"}))

    assert results == [True, False]
    assert acks.count() == 0


def test_the_client_reads_a_tokens_nonce_and_question() -> None:
    assert flows.token_payload(_token("abc", "q_9"))["n"] == "abc"
    assert flows.token_payload(_token("abc", "q_9"))["q"] == "q_9"


# --- results.json --------------------------------------------------------------------------


def _figures(rps: float) -> load.Figures:
    return load.Figures(100, rps, 5.0, 9.0, 0, 1.0, 2.0, 1.0)


def test_the_headline_figures_hold_every_key_results_json_must_have() -> None:
    found = run.headline(
        baseline=_figures(1000.0),
        study=_figures(250.0),
        paced=_figures(250.0),
        steps={"study:answer": _figures(125.0), "study:grade": _figures(100.0)},
        reviews=checks.ReviewCheck(10, 10, 0, 0, ()),
        fault_lost=0,
        study_page_kb=25.0,
        stats_ms=30.0,
        imported={"cold": {"seconds": 4.0, "timed_out": False}, "again": {"seconds": 0.3}},
    )

    assert checks.missing_result_keys(found) == []
    assert found["ratio"] == 0.25
    assert set(run.TARGETS) <= set(found)


def test_missing_or_non_numeric_result_keys_are_reported() -> None:
    complete = dict.fromkeys(checks.RESULT_KEYS, 1.0)
    broken = complete | {"ratio": "0.2", "errors": True}
    del broken["lost_reviews"]

    assert checks.missing_result_keys(complete) == []
    assert checks.missing_result_keys(broken) == ["ratio", "errors", "lost_reviews"]


# --- The import run's notes ------------------------------------------------------------------


def test_generated_notes_each_name_a_service_of_their_own(tmp_path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "amazon-ecs.md").write_bytes(
        "# 📘 Amazon ECS – Elastic Container Service\n\nAmazon ECS runs containers.\n".encode()
    )

    written = generate_notes(content, tmp_path / "out", 3)

    assert [p.name for p in written] == [
        "amazon-ecs-0001.md",
        "amazon-ecs-0002.md",
        "amazon-ecs-0003.md",
    ]
    assert service_of(written[1].read_bytes()) == b"Amazon ECS 0002"
    assert b"Amazon ECS 0002 runs containers" in written[1].read_bytes()
