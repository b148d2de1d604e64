"""The mock exam pages: starting, taking (full page, htmx and plain forms), the server's clock,
resuming, the result, review mode, and that nobody else reaches an attempt."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studyapp.exams.models import ExamAttempt
from studyapp.questions.models import Choice
from tests.exam_data import item_at, make_bank, right_answer, wrong_answer

NOW = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)
HTMX = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def bank():
    return make_bank()


def start(client, length: int = 10, notes: tuple[str, ...] = ()) -> ExamAttempt:
    response = client.post(reverse("exams:start"), {"length": length, "notes": list(notes)})
    assert response.status_code == 302, response.content
    return ExamAttempt.objects.latest("pk")


def question_url(attempt: ExamAttempt, number: int) -> str:
    return reverse("exams:question", args=[attempt.pk, number])


def answer_url(attempt: ExamAttempt, number: int) -> str:
    return reverse("exams:answer", args=[attempt.pk, number])


def post_answer(client, attempt, number, choices, **extra):
    data = {"choice": choices, **{k: v for k, v in extra.items() if not k.startswith("HTTP_")}}
    headers = {k: v for k, v in extra.items() if k.startswith("HTTP_")}
    return client.post(answer_url(attempt, number), data, **headers)


# Starting ------------------------------------------------------------------------------------


def test_exams_need_a_logged_in_learner(client, bank) -> None:
    response = client.get(reverse("exams:index"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_start_page_offers_three_lengths_and_the_notes(client_alice, bank) -> None:
    body = client_alice.get(reverse("exams:index")).content.decode()

    assert 'data-testid="exam-start"' in body
    for length in (10, 20, 65):
        assert f'name="length" value="{length}"' in body
    assert 'value="amazon-ecs"' in body and 'value="aws-lambda"' in body
    assert "(20 minutes)" in body and "(130 minutes)" in body


def test_starting_an_exam_draws_its_questions_and_opens_the_first(client, alice, bank) -> None:
    client.force_login(alice)
    response = client.post(reverse("exams:start"), {"length": 10})

    attempt = ExamAttempt.objects.get(learner=alice)
    assert response["Location"] == question_url(attempt, 1)
    assert attempt.length == 10 and attempt.items.count() == 10
    assert attempt.time_limit == timedelta(minutes=20)
    assert attempt.started_at == NOW and attempt.submitted_at is None
    notes = [item.question.note.slug for item in attempt.items.select_related("question__note")]
    assert notes.count("aws-lambda") == 4, "drawn across notes: all 4 Lambda questions"


def test_an_exam_over_a_small_bank_asks_what_there_is(client_alice, bank) -> None:
    attempt = start(client_alice, 20)

    assert attempt.length == 12
    assert attempt.time_limit == timedelta(minutes=24)


def test_an_exam_can_be_drawn_from_the_notes_picked(client_alice, bank) -> None:
    attempt = start(client_alice, 10, notes=("aws-lambda",))

    assert attempt.note_slugs == ["aws-lambda"]
    assert {i.question.note.slug for i in attempt.items.select_related("question__note")} == {
        "aws-lambda"
    }


def test_a_length_other_than_10_20_or_65_is_refused(client_alice, bank) -> None:
    response = client_alice.post(reverse("exams:start"), {"length": 12}, follow=True)

    assert ExamAttempt.objects.count() == 0
    assert "Pick an exam length" in response.content.decode()


def test_a_note_that_does_not_exist_is_refused_not_widened_to_all_notes(client_alice, bank) -> None:
    response = client_alice.post(
        reverse("exams:start"), {"length": 10, "notes": ["no-such-note"]}, follow=True
    )

    assert ExamAttempt.objects.count() == 0
    assert "Pick notes from the list" in response.content.decode()


def test_an_empty_bank_says_so(client_alice) -> None:
    response = client_alice.post(reverse("exams:start"), {"length": 10}, follow=True)

    assert ExamAttempt.objects.count() == 0
    assert "import some notes first" in response.content.decode()


# One question at a time ----------------------------------------------------------------------


def test_a_question_page_in_full_and_as_an_htmx_fragment(client_alice, bank) -> None:
    attempt = start(client_alice)

    full = client_alice.get(question_url(attempt, 1)).content.decode()
    fragment = client_alice.get(question_url(attempt, 2), **HTMX).content.decode()

    assert "<html" in full and 'id="exam-question"' in full and 'id="exam-timer"' in full
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert 'id="exam-timer"' not in fragment
    for body, number in ((full, 1), (fragment, 2)):
        item = item_at(attempt, number)
        assert item.question.stem in body
        assert body.count('data-testid="choice"') == len(item.choice_order)
        for testid in ("exam-question", "flag", "exam-next", "exam-submit", "exam-navigator"):
            assert f'data-testid="{testid}"' in body


def test_htmx_restoring_history_gets_the_whole_page(client_alice, bank) -> None:
    attempt = start(client_alice)

    body = client_alice.get(
        question_url(attempt, 2), **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    ).content.decode()

    assert "<html" in body and 'id="exam-timer"' in body


def test_the_exams_page_submits_attempts_whose_time_ran_out(client_alice, bank, frozen) -> None:
    attempt = start(client_alice)
    post_answer(client_alice, attempt, 1, right_answer(item_at(attempt, 1)))
    frozen.shift(timedelta(hours=1))

    body = client_alice.get(reverse("exams:index")).content.decode()

    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.raw_score == "1/10"
    assert "<td>1/10</td>" in body and "time ran out" in body
    assert 'data-testid="exam-resume"' not in body


def test_the_last_question_has_no_next_button_but_saves(client_alice, bank) -> None:
    attempt = start(client_alice)

    body = client_alice.get(question_url(attempt, 10)).content.decode()

    assert 'data-testid="exam-next"' not in body
    assert 'value="stay"' in body


def test_a_question_that_does_not_exist_is_404(client_alice, bank) -> None:
    attempt = start(client_alice)

    assert client_alice.get(question_url(attempt, 11)).status_code == 404


def test_exam_pages_never_hold_the_answers_before_submission(client_alice, bank) -> None:
    attempt = start(client_alice, 20)
    items = list(attempt.items.select_related("question"))
    why_wrong = [w for w in Choice.objects.values_list("why_wrong", flat=True) if w]

    for item in items:
        for extra in ({}, HTMX):
            body = client_alice.get(question_url(attempt, item.position), **extra).content.decode()
            assert item.question.explanation not in body
            assert not any(text in body for text in why_wrong)
            assert "correct" not in body.lower()
            assert "<!--" not in body
            # Choices are named by their place on screen, never by id.
            values = set(re.findall(r'name="choice" value="([^"]+)"', body))
            assert values == {str(n) for n in range(1, len(item.choice_order) + 1)}
            # No hidden fields but the CSRF token; data attributes only for layout and tests.
            hidden = re.findall(r'<input type="hidden" name="([^"]+)"', body)
            assert set(hidden) <= {"csrfmiddlewaretoken"}
            attributes = set(re.findall(r"\b(data-[a-z-]+)=", body))
            assert attributes <= {"data-testid", "data-key", "data-state", "data-remaining-seconds"}
            assert body.count("data-remaining-seconds") == (0 if extra else 1)
            assert 'id="exam-timer"' in body or extra


def test_choices_are_named_by_place_not_by_id(client_alice, bank) -> None:
    attempt = start(client_alice)
    item = item_at(attempt, 1)

    body = client_alice.get(question_url(attempt, 1)).content.decode()

    for n, pk in enumerate(item.choice_order, start=1):
        text = Choice.objects.get(pk=pk).text
        assert re.search(rf'value="{n}"[^>]*><kbd>{n}</kbd><span class="choice-text">{text}<', body)


# Saving answers ------------------------------------------------------------------------------


def test_an_answer_is_saved_as_it_is_picked_and_the_navigator_updates(client_alice, bank) -> None:
    attempt = start(client_alice)
    headers = {**HTMX, "HTTP_HX_TARGET": "exam-nav"}

    response = post_answer(client_alice, attempt, 1, ["2"], **headers)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<nav") and 'id="exam-nav"' in body
    assert "1 of 10 answered" in body
    assert 'aria-label="Question 1: answered"' in body
    item = item_at(attempt, 1)
    assert item.picked_numbers() == [2] and item.answered_at == NOW


def test_without_javascript_next_saves_and_redirects_to_the_next_question(
    client_alice, bank
) -> None:
    attempt = start(client_alice)

    response = post_answer(client_alice, attempt, 1, ["3"], go="next")

    assert response.status_code == 302
    assert response["Location"] == question_url(attempt, 2)
    assert item_at(attempt, 1).picked_numbers() == [3]


def test_with_htmx_next_saves_and_swaps_in_the_next_question(client_alice, bank) -> None:
    attempt = start(client_alice)

    response = post_answer(client_alice, attempt, 1, ["3"], go="next", **HTMX)

    body = response.content.decode()
    assert body.lstrip().startswith("<section")
    assert item_at(attempt, 2).question.stem in body
    assert response["HX-Push-Url"] == question_url(attempt, 2)
    assert item_at(attempt, 1).picked_numbers() == [3]


def test_previous_and_the_navigator_save_and_go_there(client_alice, bank) -> None:
    attempt = start(client_alice)

    back = post_answer(client_alice, attempt, 5, ["1"], go="previous")
    jump = post_answer(client_alice, attempt, 4, ["2"], go="9")

    assert back["Location"] == question_url(attempt, 4)
    assert jump["Location"] == question_url(attempt, 9)
    assert item_at(attempt, 5).picked_numbers() == [1]
    assert item_at(attempt, 4).picked_numbers() == [2]


def test_answers_can_be_changed_until_submitting(client_alice, bank) -> None:
    attempt = start(client_alice)

    post_answer(client_alice, attempt, 1, ["1"])
    post_answer(client_alice, attempt, 1, ["4"])

    assert item_at(attempt, 1).picked_numbers() == [4]


def test_a_single_response_question_keeps_one_choice(client_alice, bank) -> None:
    attempt = start(client_alice, notes=("aws-lambda",))

    post_answer(client_alice, attempt, 1, ["1", "3"])

    assert item_at(attempt, 1).picked_numbers() == [1]


@pytest.mark.parametrize("junk", ["²", "1" * 5000, "x", "-1"])
def test_junk_choice_and_go_values_are_ignored(client_alice, bank, junk) -> None:
    attempt = start(client_alice, notes=("aws-lambda",))

    response = post_answer(client_alice, attempt, 2, [junk, "1"], go=junk)

    assert response.status_code == 302
    assert response["Location"] == question_url(attempt, 2)
    assert item_at(attempt, 2).picked_numbers() == [1]


def test_a_select_two_question_has_checkboxes_and_keeps_both(client_alice, bank) -> None:
    attempt = start(client_alice, 20)
    item = next(i for i in attempt.items.select_related("question") if i.question.multiple)

    body = client_alice.get(question_url(attempt, item.position)).content.decode()
    post_answer(client_alice, attempt, item.position, ["2", "5"])

    assert body.count('type="checkbox" name="choice"') == 5
    assert item_at(attempt, item.position).picked_numbers() == [2, 5]


def test_flag_for_review_and_unflag(client_alice, bank) -> None:
    attempt = start(client_alice)

    flagged = post_answer(client_alice, attempt, 2, [], flag="1", **HTMX).content.decode()
    assert item_at(attempt, 2).flagged
    assert 'aria-label="Question 2: unanswered, flagged"' in flagged
    assert "Unflag" in flagged and 'aria-pressed="true"' in flagged

    post_answer(client_alice, attempt, 2, [], flag="0")
    assert not item_at(attempt, 2).flagged


# Resuming ------------------------------------------------------------------------------------


def test_a_reload_shows_the_answers_and_flags_given(client_alice, bank) -> None:
    attempt = start(client_alice)
    post_answer(client_alice, attempt, 3, ["2"], flag="1")

    body = client_alice.get(question_url(attempt, 3)).content.decode()

    assert re.search(r'type="(radio|checkbox)" name="choice" value="2" checked', body)
    assert body.count(" checked") == 1
    assert 'aria-pressed="true"' in body and "Flagged" in body
    assert "1 of 10 answered · 1 flagged" in body


def test_a_closed_tab_resumes_at_the_question_it_was_on(client_alice, bank) -> None:
    attempt = start(client_alice)
    post_answer(client_alice, attempt, 1, ["1"], go="next")
    client_alice.get(question_url(attempt, 2))
    post_answer(client_alice, attempt, 2, ["1"], go="6", **HTMX)

    index = client_alice.get(reverse("exams:index")).content.decode()
    response = client_alice.get(reverse("exams:resume", args=[attempt.pk]))

    assert reverse("exams:resume", args=[attempt.pk]) in index
    assert response["Location"] == question_url(attempt, 6)


# The clock -----------------------------------------------------------------------------------


def test_the_timer_counts_down_from_the_seconds_the_server_says_are_left(
    client_alice, bank, frozen
) -> None:
    attempt = start(client_alice)
    frozen.shift(timedelta(minutes=5, seconds=30))

    body = client_alice.get(question_url(attempt, 1)).content.decode()

    assert 'data-remaining-seconds="870"' in body
    assert '<span class="exam-timer-value">14:30</span>' in body


def test_past_the_time_limit_the_next_page_submits_the_attempt_itself(
    client_alice, alice, bank, frozen
) -> None:
    attempt = start(client_alice)
    post_answer(client_alice, attempt, 1, right_answer(item_at(attempt, 1)))
    frozen.shift(timedelta(minutes=20))

    response = client_alice.get(question_url(attempt, 2))

    assert response["Location"] == reverse("exams:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.auto_submitted
    assert attempt.submitted_at == NOW + timedelta(minutes=20)
    assert attempt.raw_score == "1/10"


def test_a_second_before_the_limit_the_exam_is_still_open(client_alice, bank, frozen) -> None:
    attempt = start(client_alice)
    frozen.shift(timedelta(minutes=20) - timedelta(seconds=1))

    response = client_alice.get(question_url(attempt, 2))

    assert response.status_code == 200
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_an_answer_after_the_limit_is_not_saved_and_htmx_is_sent_to_the_result(
    client_alice, bank, frozen
) -> None:
    attempt = start(client_alice)
    frozen.shift(timedelta(hours=3))

    response = post_answer(client_alice, attempt, 1, ["1"], **HTMX)

    assert response["HX-Redirect"] == reverse("exams:result", args=[attempt.pk])
    assert not item_at(attempt, 1).answered
    attempt.refresh_from_db()
    assert attempt.auto_submitted
    # The attempt ended at its deadline, not when someone next looked.
    assert attempt.submitted_at == NOW + timedelta(minutes=20)


def test_the_result_page_itself_closes_an_expired_attempt(client_alice, bank, frozen) -> None:
    attempt = start(client_alice)
    frozen.shift(timedelta(minutes=25))

    body = client_alice.get(reverse("exams:result", args=[attempt.pk])).content.decode()

    assert '<strong data-testid="exam-score">0/10</strong>' in body
    assert "Time ran out" in body


def test_a_submitted_exam_cannot_be_changed(client_alice, bank) -> None:
    attempt = start(client_alice)
    post_answer(client_alice, attempt, 1, ["1"], go="submit")

    response = post_answer(client_alice, attempt, 1, ["2"])

    assert response["Location"] == reverse("exams:result", args=[attempt.pk])
    assert item_at(attempt, 1).picked_numbers() == [1]


# Submitting and the result -------------------------------------------------------------------


def answer_all(client, attempt, wrong: int = 0, skip: int = 0) -> None:
    """Answer every question right, except the last `wrong` (wrong) and `skip` (unanswered)."""
    for item in attempt.items.select_related("question"):
        if item.position > attempt.length - skip:
            continue
        if item.position > attempt.length - skip - wrong:
            choices = wrong_answer(item)
        else:
            choices = right_answer(item)
        post_answer(client, attempt, item.position, choices)


def test_submitting_shows_the_raw_score_the_scaled_estimate_and_the_pass_line(
    client_alice, bank
) -> None:
    attempt = start(client_alice)
    answer_all(client_alice, attempt, wrong=2, skip=1)

    response = post_answer(client_alice, attempt, 10, [], go="submit")
    assert response["Location"] == reverse("exams:result", args=[attempt.pk])
    body = client_alice.get(response["Location"]).content.decode()

    assert '<strong data-testid="exam-score">7/10</strong>' in body
    assert "Scaled score <strong>730</strong>" in body
    assert "estimate" in body
    assert "Pass line 720" in body and "above the pass line" in body
    assert "Unanswered: 1" in body


def test_submitting_with_htmx_redirects_the_browser_to_the_result(client_alice, bank) -> None:
    attempt = start(client_alice)

    response = post_answer(client_alice, attempt, 1, [], go="submit", **HTMX)

    assert response["HX-Redirect"] == reverse("exams:result", args=[attempt.pk])


def test_the_result_breaks_the_score_down_per_note_and_topic(client_alice, bank) -> None:
    attempt = start(client_alice, 20)  # all 12 questions
    for item in attempt.items.select_related("question"):
        if item.question.multiple:
            choices = right_answer(item)[:1]  # half of Select TWO: wrong
        elif item.question.stem.startswith("Lambda question 1"):
            choices = wrong_answer(item)
        elif item.question.stem.startswith("Lambda question 2"):
            choices = []
        else:
            choices = right_answer(item)
        post_answer(client_alice, attempt, item.position, choices)
    post_answer(client_alice, attempt, 1, item_at(attempt, 1).picked_numbers(), go="submit")
    attempt.refresh_from_db()
    body = client_alice.get(reverse("exams:result", args=[attempt.pk])).content.decode()

    assert attempt.raw_score == "9/12"
    assert attempt.scaled_score == 775 and attempt.passed
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    assert "Amazon ECS 7/8 88 %" in text
    assert "AWS Lambda 2/4 50 %" in text
    assert "Amazon ECS Launch types 4/4 100 %" in text
    assert "Amazon ECS Networking modes 3/4 75 %" in text
    assert "AWS Lambda Limits 2/4 50 %" in text


def test_the_history_lists_every_attempt_with_a_line_of_scores(client_alice, bank) -> None:
    for wrong in (5, 2):
        attempt = start(client_alice)
        answer_all(client_alice, attempt, wrong=wrong)
        post_answer(client_alice, attempt, 1, right_answer(item_at(attempt, 1)), go="submit")

    body = client_alice.get(reverse("exams:index")).content.decode()

    assert 'data-testid="exam-history"' in body
    assert "<td>5/10</td>" in body and "<td>8/10</td>" in body
    assert "<polyline" in body and body.count('class="score-point"') == 2


# Review mode ---------------------------------------------------------------------------------


@pytest.fixture
def reviewed(client_alice, bank):
    """A submitted exam: 7 right, question 8 wrong, 9 and 10 unanswered; 2 and 8 flagged."""
    attempt = start(client_alice)
    answer_all(client_alice, attempt, wrong=1, skip=2)
    post_answer(client_alice, attempt, 2, right_answer(item_at(attempt, 2)), flag="1")
    post_answer(client_alice, attempt, 8, wrong_answer(item_at(attempt, 8)), flag="1")
    post_answer(client_alice, attempt, 10, [], go="submit")
    return attempt


def review_items(client, attempt, show: str = "") -> list[str]:
    url = reverse("exams:review", args=[attempt.pk]) + (f"?show={show}" if show else "")
    body = client.get(url).content.decode()
    return re.findall(r'data-testid="review-item"', body)


def test_review_mode_shows_every_question_with_answer_explanation_and_source(
    client_alice, reviewed, bank
) -> None:
    body = client_alice.get(reverse("exams:review", args=[reviewed.pk])).content.decode()

    assert body.count('data-testid="review-item"') == 10
    wrong = item_at(reviewed, 8)
    question = wrong.question
    assert question.stem in body and question.explanation in body
    right = Choice.objects.filter(question=question, correct=True).first()
    picked = Choice.objects.get(pk=wrong.selected[0])
    assert re.search(rf"{re.escape(right.text)}</span>\s*<span class=\"mark\">right answer<", body)
    assert re.search(rf"{re.escape(picked.text)}</span>\s*<span class=\"mark\">your answer<", body)
    assert picked.why_wrong in body
    topic = question.topic
    assert f'href="/notes/{question.note.slug}/#{topic.anchor}"' in body


@pytest.mark.parametrize(
    ("show", "count"), [("", 10), ("all", 10), ("wrong", 3), ("flagged", 2), ("unanswered", 2)]
)
def test_review_mode_filters_wrong_flagged_and_unanswered(
    client_alice, reviewed, show, count
) -> None:
    assert len(review_items(client_alice, reviewed, show)) == count


def test_review_filters_show_their_counts(client_alice, reviewed) -> None:
    body = client_alice.get(reverse("exams:review", args=[reviewed.pk])).content.decode()

    for label in ("All (10)", "Wrong (3)", "Flagged (2)", "Unanswered (2)"):
        assert label in body


def test_neither_result_nor_review_exist_before_submitting(client_alice, bank) -> None:
    attempt = start(client_alice)
    post_answer(client_alice, attempt, 4, ["1"], go="stay")

    for name in ("exams:result", "exams:review"):
        response = client_alice.get(reverse(name, args=[attempt.pk]))
        assert response["Location"] == question_url(attempt, 4)


# Queries -------------------------------------------------------------------------------------


def queries_for(client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **extra).status_code == 200
    return len(captured)


def test_exam_pages_run_the_same_queries_for_4_and_12_questions(client_alice, bank) -> None:
    small, large = start(client_alice, 10, notes=("aws-lambda",)), start(client_alice, 20)
    for attempt in (small, large):
        client_alice.get(question_url(attempt, 2))  # a first visit, as a learner makes

    assert queries_for(client_alice, question_url(small, 2)) == queries_for(
        client_alice, question_url(large, 2)
    )
    assert queries_for(client_alice, question_url(small, 2), **HTMX) == queries_for(
        client_alice, question_url(large, 2), **HTMX
    )
    for attempt in (small, large):
        post_answer(client_alice, attempt, 1, ["1"], go="submit")
    for name in ("exams:result", "exams:review"):
        assert queries_for(client_alice, reverse(name, args=[small.pk])) == queries_for(
            client_alice, reverse(name, args=[large.pk])
        )
    history = queries_for(client_alice, reverse("exams:index"))
    start(client_alice)
    assert queries_for(client_alice, reverse("exams:index")) == history


# Ownership -----------------------------------------------------------------------------------


def test_another_learners_attempt_is_404_everywhere(client, alice, mallory, bank) -> None:
    client.force_login(alice)
    attempt = start(client)
    client.force_login(mallory)

    for url in (
        reverse("exams:resume", args=[attempt.pk]),
        question_url(attempt, 1),
        reverse("exams:result", args=[attempt.pk]),
        reverse("exams:review", args=[attempt.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(answer_url(attempt, 1), {"choice": ["1"], "go": "submit"}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not item_at(attempt, 1).answered


def test_nothing_changes_on_get(client_alice, bank) -> None:
    attempt = start(client_alice)

    assert client_alice.get(answer_url(attempt, 1)).status_code == 405
    assert client_alice.get(reverse("exams:start")).status_code == 405


def test_an_exam_question_does_not_name_its_note(client_alice, bank) -> None:
    # "AWS Lambda – …" above "which service fits?" would give the answer away.
    attempt = start(client_alice)

    for number in range(1, attempt.length + 1):
        fragment = client_alice.get(question_url(attempt, number), **HTMX).content.decode()
        assert "Amazon ECS" not in fragment and "AWS Lambda" not in fragment
