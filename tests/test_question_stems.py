"""How generated questions are worded: exam-style stems that keep the note's meaning.

Pure: no database. The phrasing functions are checked on conditions, scenarios and focus items
of the shapes notes use; one note written for the test checks a whole signal end to end.
"""

from __future__ import annotations

import pytest

from studyapp.notes.parser import parse_note
from studyapp.questions.generator import generate_questions
from studyapp.questions.phrasing import condition_stem, focus_stem, scenario_stem

ASK = "Which option fits best"


def _signal_stem(condition: str, **kwargs: object) -> str:
    return condition_stem(condition, f"If {condition} → X.", **kwargs)


@pytest.mark.parametrize(
    ("condition", "stem"),
    [
        # A clause with its own subject stays a condition.
        (
            "managing infrastructure is required",
            f"{ASK} when managing infrastructure is required?",
        ),
        ("jobs fail due to Spot interruptions", f"{ASK} when jobs fail due to Spot interruptions?"),
        # "You" and "the team" are a team with a need.
        ("you want serverless deployment", f"A team wants serverless deployment. {ASK}?"),
        ("the team needs a managed scheduler", f"A team needs a managed scheduler. {ASK}?"),
        (
            "you need retries without building your own scheduler",
            f"A team needs retries without building its own scheduler. {ASK}?",
        ),
        # The exam question itself is not part of the scenario.
        (
            "the question is about automated scaling of tasks",
            f"A team needs automated scaling of tasks. {ASK}?",
        ),
        (
            "the scenario mentions Helm, kubectl or portability",
            f"{ASK} when the requirements mention Helm, kubectl or portability?",
        ),
        ("the scenario stresses simplicity", f"{ASK} when the requirements stress simplicity?"),
    ],
)
def test_a_signal_condition_reads_as_an_exam_scenario(condition, stem):
    assert _signal_stem(condition) == stem


def test_it_is_what_the_rule_before_it_was_about():
    stem = _signal_stem("it needs more scratch space", earlier=["a build task needs shared files"])

    assert stem == f"{ASK} when a build task needs more scratch space?"


@pytest.mark.parametrize(
    ("earlier", "stem"),
    [
        ("an order process pauses for approval", f"{ASK} when an order process runs for hours?"),
        ("the daily sales report needs data", f"{ASK} when the daily sales report runs for hours?"),
        ("the scenario mentions Helm", f"{ASK} when the requirements run for hours?"),
    ],
)
def test_the_subject_of_the_rule_before_ends_at_its_verb(earlier, stem):
    assert _signal_stem("it runs for hours", earlier=[earlier]) == stem


def test_it_with_nothing_before_it_is_the_workload():
    assert _signal_stem("it runs for hours") == f"{ASK} when the workload runs for hours?"


@pytest.mark.parametrize(
    ("sentence", "condition", "stem"),
    [
        # "For …" and "Look for …" introduce a workload with needs, or a need.
        (
            "For web apps requiring global low latency → use X.",
            "web apps requiring global low latency",
            f"A team has web apps requiring global low latency. {ASK}?",
        ),
        (
            "Look for web app scenarios requiring global low latency.",
            "web app scenarios requiring global low latency",
            f"A team has web apps requiring global low latency. {ASK}?",
        ),
        (
            "Choose X for managed message queues with dead-letter support.",
            "managed message queues with dead-letter support",
            f"A team needs managed message queues with dead-letter support. {ASK}?",
        ),
        (
            "X is preferred when streaming records at scale.",
            "streaming records at scale",
            f"A team is streaming records at scale. {ASK}?",
        ),
    ],
)
def test_a_need_introduced_by_the_signal_reads_as_a_team_with_that_need(sentence, condition, stem):
    assert condition_stem(condition, sentence) == stem


@pytest.mark.parametrize(
    ("scenario", "stem"),
    [
        (
            "team with no database experience wanting the simplest setup",
            f"A team with no database experience wants the simplest setup. {ASK}?",
        ),
        (
            "developers needing a local emulator",
            f"Developers need a local emulator. {ASK}?",
        ),
        ("running pods without nodes", f"A team is running pods without nodes. {ASK}?"),
        (
            "managed Kubernetes cluster",
            f"A team has this requirement: managed Kubernetes cluster. {ASK}?",
        ),
    ],
)
def test_a_decision_row_reads_as_a_team_and_its_need(scenario, stem):
    assert scenario_stem(scenario) == stem


@pytest.mark.parametrize(
    ("item", "stem"),
    [
        (
            "You want retries without building your own scheduler",
            f"A team wants retries without building its own scheduler. {ASK}?",
        ),
        (
            "Your workloads require per-task roles",
            f"A team's workloads require per-task roles. {ASK}?",
        ),
    ],
)
def test_an_exam_focus_item_is_about_a_team_not_the_reader(item, stem):
    assert focus_stem(item) == stem


STEP_FUNCTIONS = """\
# 📘 AWS Step Functions – Serverless Workflows

AWS Step Functions coordinates AWS services into serverless workflows.

## ✅ 1. Workflow Types

* Standard Workflows: Exactly-once runs that can last up to a year
* Express Workflows: At-least-once runs of up to five minutes at high event rates
* Synchronous Express Workflows: Express runs that return their result to the caller

## ✅ 2. Integration Patterns

* Request Response: Call a service and move on without waiting for it
* Run a Job: Wait for the called job to finish before the next step
* Wait for Callback: Pause until an external process returns a task token

**📌 Exam Signal:**
If an order pauses for an approval → Wait for Callback; if it runs for months → Standard Workflows.
"""


def test_each_rule_of_a_signal_becomes_a_question_of_its_own_scenario():
    note = parse_note(STEP_FUNCTIONS, "content/aws-step-functions.md")
    signals = [q for q in generate_questions([note]) if q.kind == "signal"]

    assert [(q.stem, q.correct_texts) for q in signals] == [
        (f"{ASK} when an order pauses for an approval?", ("Wait for Callback",)),
        (f"{ASK} when an order runs for months?", ("Standard Workflows",)),
    ]


EMR = """\
# 📘 Amazon EMR – Big Data Platform

Amazon EMR runs Apache Spark, Hive and other big data frameworks on managed clusters.

## ✅ 1. EMR vs Alternatives

| Scenario / Need | Use EMR | Use Alternative |
| --- | --- | --- |
| Real-time processing of each click event | ❌ Batch oriented | Amazon Kinesis |
| A data warehouse for BI dashboards | ❌ No warehouse | Amazon Redshift |
| Serverless SQL queries on files in S3 | ❌ Clusters to size | Amazon Athena |
| Visual data preparation without code | ❌ Code first | AWS Glue DataBrew |

**📌 Exam Signal:**
If the workload is Spark jobs on petabytes → Amazon EMR; if it is ad hoc SQL on S3 → Amazon Athena.

**📌 Exam Signal:**
If the workload is ad hoc SQL on S3 → Amazon Athena.
"""


def test_two_rules_that_ask_the_same_question_give_it_once():
    note = parse_note(EMR, "content/amazon-emr.md")
    stems = [q.stem for q in generate_questions([note])]

    assert stems.count(f"{ASK} when the workload is ad hoc SQL on S3?") == 1
    assert f"A team has this requirement: a data warehouse for BI dashboards. {ASK}?" in stems
