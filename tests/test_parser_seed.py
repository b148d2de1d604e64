"""The parser on the real notes in content/: the damaged ECS seed note and the four after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.notes.parsed import ParsedNote
from studyapp.notes.parser import parse_note

CONTENT = Path(__file__).resolve().parent.parent / "content"
SEED = CONTENT / "amazon-ecs.md"
OTHER_NOTES = ["aws-lambda.md", "amazon-eks.md", "aws-batch.md", "aws-fargate.md"]


@pytest.fixture(scope="module")
def ecs() -> ParsedNote:
    return parse_note(SEED.read_bytes(), str(SEED))


@pytest.fixture(scope="module")
def ecs_lines(ecs: ParsedNote) -> list[str]:
    """The seed note's lines as the parser read them (repaired), numbered like the file."""
    return ecs.text.split("\n")


def _topic(note: ParsedNote, title: str):
    return next(t for t in note.topics if t.title == title)


def _fact(facts, term: str):
    return next(f for f in facts if f.term == term)


def _rules(note: ParsedNote) -> dict[str, str]:
    return {r.when: r.choose for s in note.signals for r in s.rules}


# --- The note itself -----------------------------------------------------------------------


def test_seed_note_parses_without_errors(ecs: ParsedNote) -> None:
    assert ecs.errors == ()


def test_repaired_text_keeps_the_file_line_numbering(ecs: ParsedNote) -> None:
    assert len(ecs.text.split("\n")) == len(SEED.read_bytes().split(b"\n"))


def test_title_is_read_with_its_emoji_repaired(ecs: ParsedNote) -> None:
    assert ecs.title == "📘 Amazon ECS – Elastic Container Service"


def test_service_and_short_name_come_from_the_title(ecs: ParsedNote) -> None:
    assert ecs.service == "Amazon ECS"
    assert ecs.short_name == "ECS"


def test_intro_is_the_paragraph_under_the_title(ecs: ParsedNote) -> None:
    assert ecs.intro.startswith("Amazon ECS is a fully managed container orchestration service")
    assert ecs.intro.endswith("using Docker containers.")


def test_repair_is_reported_as_a_warning_only(ecs: ParsedNote) -> None:
    assert any("repaired" in w.message for w in ecs.warnings)


def test_no_mojibake_survives_in_anything_extracted(ecs: ParsedNote) -> None:
    texts = [ecs.title, ecs.intro]
    texts += [t.title for t in ecs.topics]
    texts += [f.full_text for f in ecs.facts] + [s.text for s in ecs.signals]
    texts += [d.service_option for d in ecs.decisions] + [r.option for r in ecs.summary]
    for text in texts:
        for damage in ("ğŸ", "â€", "âœ", "âŒ", "⌠"):
            assert damage not in text, (damage, text)


# --- Topics --------------------------------------------------------------------------------


def test_topics_are_in_order_without_numbers_or_emoji(ecs: ParsedNote) -> None:
    assert [t.title for t in ecs.topics] == [
        "Deployment Models",
        "Container Orchestration & Scheduling",
        "Integration with AWS Services",
        "Networking Modes",
        "Scaling & Availability",
        "Use Cases",
        "ECS vs Alternatives",
        "Summary Table",
        "Exam Focus",
    ]


def test_topics_remember_their_heading_line_and_level(ecs: ParsedNote, ecs_lines) -> None:
    assert _topic(ecs, "Deployment Models").line == 7
    assert _topic(ecs, "Summary Table").level == 1
    assert _topic(ecs, "Exam Focus").level == 2
    for topic in ecs.topics:
        assert ecs_lines[topic.line - 1].lstrip().startswith("#")
        assert topic.title in ecs_lines[topic.line - 1]


def test_topics_have_anchors_for_the_table_of_contents(ecs: ParsedNote) -> None:
    assert _topic(ecs, "Deployment Models").anchor == "deployment-models"


# --- Facts ---------------------------------------------------------------------------------


def test_term_and_description_are_split(ecs: ParsedNote) -> None:
    fact = _fact(_topic(ecs, "Networking Modes").facts, "AWSVPC Mode")
    assert fact.text.startswith("Assigns each task an elastic network interface (ENI)")
    assert fact.text.endswith("required for Fargate")
    assert fact.line == 47


def test_a_bullet_without_a_term_keeps_its_whole_text(ecs: ParsedNote) -> None:
    facts = _topic(ecs, "Integration with AWS Services").facts
    assert facts[0].term == ""
    assert facts[0].text == "Natively integrates with CloudWatch for logs and metrics"
    assert len(facts) == 5


def test_nested_bullets_belong_to_their_parent(ecs: ParsedNote) -> None:
    parent = _topic(ecs, "Container Orchestration & Scheduling").facts[0]
    assert parent.text == "Supports multiple scheduling strategies"
    assert parent.line == 20
    assert [(c.term, c.text, c.line) for c in parent.children] == [
        ("REPLICA", "Maintain desired count of tasks", 21),
        ("DAEMON", "Run one task per cluster instance", 22),
    ]


def test_sibling_facts_share_a_family(ecs: ParsedNote) -> None:
    facts = _topic(ecs, "Deployment Models").facts
    assert {f.family for f in facts} == {"Deployment Models"}
    parent = _topic(ecs, "Container Orchestration & Scheduling").facts[0]
    assert {c.family for c in parent.children} == {"Supports multiple scheduling strategies"}


def test_use_case_table_rows_become_facts(ecs: ParsedNote) -> None:
    rows = [f for f in _topic(ecs, "Use Cases").facts if f.kind == "row"]
    assert [(r.term, r.line) for r in rows] == [
        ("Running microservices", 70),
        ("Batch jobs and task automation", 71),
        ("Web applications with load balancing", 72),
        ("Hybrid workloads", 73),
        ("CI/CD pipeline deployments", 74),
    ]
    assert rows[0].text == "Containerize microservices for easy deployment and scaling"


def test_every_fact_points_at_its_own_line(ecs: ParsedNote, ecs_lines) -> None:
    def all_facts(facts):
        for fact in facts:
            yield fact
            yield from all_facts(fact.children)

    for fact in all_facts(ecs.facts):
        words = (fact.term or fact.text).split()[:2]
        assert " ".join(words) in ecs_lines[fact.line - 1], fact


# --- Exam signals --------------------------------------------------------------------------


def test_every_signal_is_found_at_its_marker_line(ecs: ParsedNote, ecs_lines) -> None:
    assert [s.line for s in ecs.signals] == [13, 26, 39, 50, 61, 76, 91]
    for signal in ecs.signals:
        assert "Exam Signal" in ecs_lines[signal.line - 1]


def test_signals_keep_their_original_sentence(ecs: ParsedNote) -> None:
    first = ecs.signals[0]
    assert first.text == (
        "If managing infrastructure is required → EC2 launch type; "
        "if you want serverless container deployment → Fargate."
    )


def test_signals_are_split_into_rules(ecs: ParsedNote) -> None:
    rules = _rules(ecs)
    assert rules["managing infrastructure is required"] == "EC2 launch type"
    assert rules["you want serverless container deployment"] == "Fargate"
    assert rules["isolated networking or IP-level control per container is needed"] == (
        "AWSVPC mode"
    )
    assert (
        rules["containerized apps requiring high availability and load balancing"]
        == "ECS with ALB/NLB"
    )


def test_sentences_without_an_arrow_still_name_a_choice(ecs: ParsedNote) -> None:
    rules = _rules(ecs)
    assert rules["managing Docker containers at scale with AWS integration"] == "ECS"
    assert rules["managed Docker container orchestration with flexible launch types"] == "ECS"
    assert (
        rules["containerized app scenarios requiring secure, scalable, and monitored deployments"]
        == "ECS"
    )


def test_at_least_six_signals_have_rules(ecs: ParsedNote) -> None:
    assert sum(1 for s in ecs.signals if s.rules) >= 6


def test_signals_belong_to_their_topic(ecs: ParsedNote) -> None:
    signals = _topic(ecs, "Networking Modes").signals
    assert [r.choose for s in signals for r in s.rules] == ["AWSVPC mode"]


# --- Decisions, summary, exam focus --------------------------------------------------------


def test_the_five_decision_rows_are_read(ecs: ParsedNote) -> None:
    assert [(d.scenario, d.fits, d.alternative, d.line) for d in ecs.decisions] == [
        ("Serverless containers", True, "AWS Lambda", 85),
        ("Full control over infrastructure", True, "Kubernetes (EKS)", 86),
        ("Simple event-driven functions", False, "Lambda", 87),
        ("Managed Kubernetes cluster", False, "EKS", 88),
        ("Batch processing or workflows", True, "AWS Batch", 89),
    ]


def test_decision_keeps_the_service_option_without_the_check_mark(ecs: ParsedNote) -> None:
    serverless = ecs.decisions[0]
    assert serverless.service_option == "Fargate launch type"
    assert ecs.decisions[3].service_option == "ECS is not Kubernetes"
    assert {d.topic for d in ecs.decisions} == {"ECS vs Alternatives"}


def test_the_six_summary_rows_are_read(ecs: ParsedNote) -> None:
    assert [(r.keyword, r.option, r.line) for r in ecs.summary] == [
        ("Serverless container execution", "Fargate launch", 100),
        ("Managed container clusters", "EC2 launch with cluster management", 101),
        ("Fine-grained task permissions", "IAM Roles for Tasks", 102),
        ("Network isolation per container", "AWSVPC networking mode", 103),
        ("Auto scaling container tasks", "Service Auto Scaling", 104),
        ("Integration with CI/CD pipelines", "CodePipeline + CodeBuild + ECR", 105),
    ]


def test_exam_focus_choose_items_are_read(ecs: ParsedNote) -> None:
    choose = [f for f in ecs.focus if f.polarity == "choose"]
    assert len(choose) == 6
    assert choose[0].text == "You need managed container orchestration with Docker containers"
    assert choose[0].line == 112
    assert {f.subject for f in choose} == {"Amazon ECS"}


def test_exam_focus_avoid_items_name_their_alternative(ecs: ParsedNote) -> None:
    avoid = [(f.text, f.alternative, f.line) for f in ecs.focus if f.polarity == "avoid"]
    assert avoid == [
        ("You want simple event-driven functions", "AWS Lambda", 120),
        ("You need managed Kubernetes clusters", "EKS", 121),
    ]


def test_exam_focus_bullets_are_not_also_facts(ecs: ParsedNote) -> None:
    assert _topic(ecs, "Exam Focus").facts == ()


# --- The other notes -----------------------------------------------------------------------


@pytest.fixture(scope="module", params=OTHER_NOTES)
def other(request) -> ParsedNote:
    path = CONTENT / request.param
    return parse_note(path.read_bytes(), str(path))


def test_other_notes_parse_without_errors(other: ParsedNote) -> None:
    assert other.errors == (), [str(p) for p in other.errors]


def test_other_notes_have_a_title_service_and_topics(other: ParsedNote) -> None:
    assert other.title and other.service and other.short_name
    assert len(other.topics) >= 7


def test_other_notes_have_decisions_with_a_verdict_and_alternative(other: ParsedNote) -> None:
    assert len(other.decisions) >= 3
    for decision in other.decisions:
        assert decision.fits is not None, decision
        assert decision.alternative, decision


def test_other_notes_have_signals_with_rules(other: ParsedNote) -> None:
    assert len(other.signals) >= 6
    assert all(s.rules for s in other.signals), [s.text for s in other.signals if not s.rules]


def test_other_notes_have_a_summary_and_exam_focus(other: ParsedNote) -> None:
    assert len(other.summary) >= 4
    assert any(f.polarity == "choose" for f in other.focus)
    assert all(f.alternative for f in other.focus if f.polarity == "avoid")
