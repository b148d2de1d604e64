"""The parser on the ways real notes differ from the seed note: each variation in a small note."""

from __future__ import annotations

from textwrap import dedent

import pytest

from studyapp.notes.parsed import ParsedNote
from studyapp.notes.parser import parse_note


def parse(text: str) -> ParsedNote:
    """Parse an inline note; the test's indentation is removed, the first newline dropped."""
    return parse_note(dedent(text).lstrip("\n"), "note.md")


def clean(note: ParsedNote) -> ParsedNote:
    assert note.errors == (), [str(p) for p in note.errors]
    return note


def only_signal(note: ParsedNote):
    (signal,) = note.signals
    return signal


def rules_of(note: ParsedNote) -> list[tuple[str, str]]:
    return [(r.when, r.choose) for s in note.signals for r in s.rules]


NOTE_WITH_BULLET = "# Amazon ECS\n\n## Models\n\n* EC2 Launch Type: Run containers on EC2\n"


# --- Encodings and line endings ------------------------------------------------------------


def test_utf8_with_a_bom_reads_the_title_without_it() -> None:
    note = clean(parse_note(b"\xef\xbb\xbf" + NOTE_WITH_BULLET.encode(), "bom.md"))
    assert note.title == "Amazon ECS"
    assert note.facts[0].term == "EC2 Launch Type"


def test_a_bom_in_text_is_dropped_too() -> None:
    note = clean(parse_note("\ufeff" + NOTE_WITH_BULLET, "bom.md"))
    assert note.title == "Amazon ECS"


def test_crlf_line_endings_read_like_lf() -> None:
    note = clean(parse_note(NOTE_WITH_BULLET.replace("\n", "\r\n").encode(), "crlf.md"))
    assert note.title == "Amazon ECS"
    (fact,) = note.facts
    assert (fact.term, fact.text, fact.line) == ("EC2 Launch Type", "Run containers on EC2", 5)
    assert "\r" not in note.text


def test_crlf_in_text_keeps_line_numbers() -> None:
    note = clean(parse_note(NOTE_WITH_BULLET.replace("\n", "\r\n"), "crlf.md"))
    assert note.facts[0].line == 5


def test_utf8_emoji_in_bytes_are_kept() -> None:
    note = clean(parse_note("# 📘 Amazon ECS – Containers\n\n## ✅ 1. Models\n".encode(), "x.md"))
    assert note.title == "📘 Amazon ECS – Containers"
    assert note.service == "Amazon ECS"
    assert note.topics[0].title == "Models"


# --- Bullets -------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["*", "-", "+"])
def test_every_bullet_marker_makes_a_fact(marker: str) -> None:
    note = clean(
        parse(f"""
            # Amazon ECS

            ## Networking Modes

            {marker} Bridge Mode: Default Docker networking
            {marker} Host Mode: Container shares host network
            """)
    )
    assert [(f.term, f.line) for f in note.facts] == [("Bridge Mode", 5), ("Host Mode", 6)]


def test_mixed_bullet_markers_stay_one_list() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Models

            * EC2: You manage instances
            - Fargate: Serverless
            + External: Your own servers
            """)
    )
    assert [f.term for f in note.facts] == ["EC2", "Fargate", "External"]


def test_nested_bullets_with_blank_lines_between_belong_to_their_parent() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Scheduling

            * Supports multiple scheduling strategies:

              - REPLICA: Maintain desired count of tasks

              - DAEMON: Run one task per instance

            * Integrates with load balancers
            """)
    )
    parent, sibling = note.facts
    assert parent.text == "Supports multiple scheduling strategies"
    assert [(c.term, c.line) for c in parent.children] == [("REPLICA", 7), ("DAEMON", 9)]
    assert sibling.text == "Integrates with load balancers"
    assert sibling.children == ()


def test_bullets_nested_three_deep_keep_their_tree() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Tree

            - Level one
                - Level two
                    - Level three
            - Back to one
            """)
    )
    first, second = note.facts
    assert first.children[0].children[0].text == "Level three"
    assert second.text == "Back to one"


def test_a_wrapped_bullet_line_continues_the_bullet() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Models

            * Fargate: Serverless containers
              without managing servers
            """)
    )
    assert note.facts[0].text == "Serverless containers without managing servers"


@pytest.mark.parametrize(
    "bullet",
    ["**AWSVPC Mode**: Each task gets an ENI", "**AWSVPC Mode:** Each task gets an ENI"],
    ids=["colon-outside-bold", "colon-inside-bold"],
)
def test_a_bold_term_is_split_from_its_description(bullet: str) -> None:
    note = clean(parse(f"# Amazon ECS\n\n## Networking\n\n* {bullet}\n"))
    (fact,) = note.facts
    assert (fact.term, fact.text) == ("AWSVPC Mode", "Each task gets an ENI")


def test_a_sentence_with_a_colon_late_in_it_is_not_a_term() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Notes

            * Containers on ECS are grouped into tasks that run together and share: network
            """)
    )
    assert note.facts[0].term == ""


# --- Exam signal markers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "marker",
    [
        "**📌 Exam Signal:**",
        "📌 **Exam Signal:**",
        "**Exam Signal**:",
        "Exam Signal:",
        "**📌 Exam Signal**:",
        "> **📌 Exam Signal:**",
        "* **Exam Signal:**",
        "__Exam Signal:__",
        "*Exam Signal:*",
    ],
)
def test_every_form_of_the_marker_is_read_with_the_sentence_on_the_next_line(
    marker: str,
) -> None:
    note = clean(parse(f"# Amazon ECS\n\n## Models\n\n{marker}\nIf you need control → EC2.\n"))
    signal = only_signal(note)
    assert (signal.text, signal.line) == ("If you need control → EC2.", 5)
    assert rules_of(note) == [("you need control", "EC2")]


@pytest.mark.parametrize(
    "marker",
    ["**📌 Exam Signal:**", "📌 **Exam Signal:**", "**Exam Signal**:", "Exam Signal:"],
)
def test_every_form_of_the_marker_is_read_with_the_sentence_on_its_line(marker: str) -> None:
    note = clean(parse(f"# Amazon ECS\n\n## Models\n\n{marker} If you need control → EC2.\n"))
    signal = only_signal(note)
    assert (signal.text, signal.line) == ("If you need control → EC2.", 5)
    assert rules_of(note) == [("you need control", "EC2")]


def test_exam_tip_is_a_synonym_of_exam_signal() -> None:
    note = clean(parse("# Amazon ECS\n\n## Models\n\n**💡 Exam Tip:** Serverless → Fargate\n"))
    assert rules_of(note) == [("Serverless", "Fargate")]


def test_the_signal_sentence_may_wrap_over_several_lines() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Models

            **📌 Exam Signal:**
            If you need full control
            of the instances → EC2 launch type.

            * Next fact: after the blank line
            """)
    )
    assert only_signal(note).text == "If you need full control of the instances → EC2 launch type."
    assert note.facts[0].term == "Next fact"


def test_a_signal_after_trailing_spaces_on_the_marker_line_is_read() -> None:
    note = clean(parse("# Amazon ECS\n\n## Models\n\n**📌 Exam Signal:**  \nA → B.\n"))
    assert rules_of(note) == [("A", "B")]


def test_prose_that_mentions_an_exam_tip_midsentence_is_not_a_marker() -> None:
    note = clean(parse("# Amazon ECS\n\n## Models\n\nThis is no exam tip: really.\n"))
    assert note.signals == ()


@pytest.mark.parametrize("arrow", ["→", "->", "=>"])
def test_every_arrow_splits_a_rule(arrow: str) -> None:
    note = clean(
        parse(f"# Amazon ECS\n\n## Models\n\nExam Signal: If you need control {arrow} EC2\n")
    )
    assert rules_of(note) == [("you need control", "EC2")]


def test_semicolons_separate_rules() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Models

            **📌 Exam Signal:**
            If you manage servers → EC2; if you want serverless → Fargate; on premises -> External
            """)
    )
    assert rules_of(note) == [
        ("you manage servers", "EC2"),
        ("you want serverless", "Fargate"),
        ("on premises", "External"),
    ]


def test_use_before_the_choice_is_dropped() -> None:
    note = clean(parse("# Amazon ECS\n\n## M\n\nExam Signal: For batch jobs → use AWS Batch.\n"))
    assert rules_of(note) == [("batch jobs", "AWS Batch")]


def test_bold_inside_a_signal_is_removed_from_its_rules() -> None:
    note = clean(parse("# Amazon ECS\n\n## M\n\nExam Signal: **Serverless** → `Fargate`\n"))
    assert only_signal(note).text == "Serverless → Fargate"
    assert rules_of(note) == [("Serverless", "Fargate")]


# --- Headings ------------------------------------------------------------------------------


def test_h1_h2_and_h3_headings_all_make_topics() -> None:
    note = clean(
        parse("""
            # 📘 Amazon ECS – Elastic Container Service

            Intro text.

            ## ✅ 1. Deployment Models
            ### 1.1 Launch Types
            # 🧠 Summary Table
            ### Networking
            """)
    )
    assert [(t.title, t.level, t.line) for t in note.topics] == [
        ("Deployment Models", 2, 5),
        ("Launch Types", 3, 6),
        ("Summary Table", 1, 7),
        ("Networking", 3, 8),
    ]
    assert note.intro == "Intro text."


def test_closing_hashes_and_bold_in_headings_are_dropped() -> None:
    note = clean(parse("# Amazon ECS\n\n## **Networking Modes** ##\n"))
    assert note.topics[0].title == "Networking Modes"


def test_a_numbered_heading_keeps_numbers_inside_its_title() -> None:
    note = clean(parse("# Amazon ECS\n\n## 3. Top 10 Limits\n"))
    assert note.topics[0].title == "Top 10 Limits"


# --- Decision tables -----------------------------------------------------------------------


def test_decision_headers_may_be_worded_differently() -> None:
    note = clean(
        parse("""
            # AWS Lambda – Functions

            ## Lambda vs Alternatives

            | Requirement | Use Lambda? | Alternatives |
            |---|---|---|
            | Jobs over 15 minutes | ❌ Timeout is 15 min | AWS Batch |
            | Short event handlers | ✅ Native fit | - |
            """)
    )
    long_jobs, handlers = note.decisions
    assert (long_jobs.scenario, long_jobs.fits, long_jobs.alternative, long_jobs.line) == (
        "Jobs over 15 minutes",
        False,
        "AWS Batch",
        7,
    )
    assert long_jobs.service_option == "Timeout is 15 min"
    assert handlers.fits is True


def test_better_choice_names_the_alternative_column() -> None:
    note = clean(
        parse("""
            # Amazon EKS

            ## EKS vs Others

            | Situation | Better choice | EKS fits |
            |---|---|---|
            | Simple containers | ECS | No |
            """)
    )
    (decision,) = note.decisions
    assert (decision.fits, decision.alternative) == (False, "ECS")


@pytest.mark.parametrize(
    ("cell", "fits"),
    [("Yes", True), ("No", False), ("yes, natively", True), ("✅", True), ("❌", False)],
)
def test_yes_and_no_read_like_check_marks(cell: str, fits: bool) -> None:
    note = clean(
        parse(f"""
            # Amazon ECS

            ## ECS vs Alternatives

            | Scenario | Use ECS | Use Alternative |
            | --- | --- | --- |
            | Containers | {cell} | EKS |
            """)
    )
    assert note.decisions[0].fits is fits


def test_bold_and_code_inside_cells_are_plain_text() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## ECS vs Alternatives

            | Scenario | Use ECS | Use Alternative |
            | --- | --- | --- |
            | **Serverless** containers | ✅ `Fargate` launch type | **AWS Lambda** |
            """)
    )
    (decision,) = note.decisions
    assert decision.scenario == "Serverless containers"
    assert decision.service_option == "Fargate launch type"
    assert decision.alternative == "AWS Lambda"


def test_a_pipe_inside_code_stays_in_its_cell() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Commands

            | Command | Meaning |
            | --- | --- |
            | `a | b` | pipe in code |
            """)
    )
    assert (note.facts[0].term, note.facts[0].text) == ("a | b", "pipe in code")


def test_empty_cells_are_read_as_empty() -> None:
    note = parse("""
        # Amazon ECS

        ## ECS vs Alternatives

        | Scenario | Use ECS | Use Alternative |
        | --- | --- | --- |
        | Containers | ✅ | |
        """)
    assert note.errors == ()
    (decision,) = note.decisions
    assert (decision.fits, decision.service_option, decision.alternative) == (True, "", "")


def test_an_empty_cell_in_a_plain_table_leaves_the_fact_without_text() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Use Cases

            | Use Case | Explanation |
            | --- | --- |
            | Microservices | |
            """)
    )
    assert (note.facts[0].term, note.facts[0].text) == ("Microservices", "")


def test_tables_without_outer_pipes_are_read() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## ECS vs Alternatives

            Scenario | Use ECS | Use Alternative
            --- | --- | ---
            Managed Kubernetes | ❌ Not Kubernetes | EKS
            """)
    )
    (decision,) = note.decisions
    assert (decision.scenario, decision.fits, decision.alternative) == (
        "Managed Kubernetes",
        False,
        "EKS",
    )


def test_aligned_separator_rows_are_read() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Use Cases

            | Use Case | Explanation |
            |:---|---:|
            | Batch | Scheduled tasks |
            """)
    )
    assert note.facts[0].term == "Batch"


def test_a_plain_table_with_more_columns_keeps_every_column() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Modes

            | Mode | Launch type | Note |
            | --- | --- | --- |
            | awsvpc | Both | Own ENI |
            """)
    )
    assert note.facts[0].text == "Launch type: Both; Note: Own ENI"


def test_summary_table_rows_map_keywords_to_options() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            # Summary Table

            | Scenario / Keyword | ECS Feature / Option |
            | --- | --- |
            | Serverless containers | ✅ Fargate launch |
            """)
    )
    assert [(r.keyword, r.option, r.line) for r in note.summary] == [
        ("Serverless containers", "Fargate launch", 7)
    ]


# --- Code fences ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "inside",
    ["| a | b |\n|---|---|\n| 1 | 2 |", "* bullet: text", "# heading", "Exam Signal:"],
    ids=["table", "bullet", "heading", "signal-marker"],
)
def test_a_fenced_code_block_is_ignored(inside: str) -> None:
    note = clean(parse_note(f"# Amazon ECS\n\n## Code\n\n```bash\n{inside}\n```\n", "f.md"))
    assert [t.title for t in note.topics] == ["Code"]
    assert note.facts == ()
    assert note.signals == ()


def test_a_tilde_fence_is_ignored_too() -> None:
    note = clean(parse_note("# Amazon ECS\n\n## Code\n\n~~~\n# not a heading\n~~~\n", "f.md"))
    assert len(note.topics) == 1


def test_content_after_a_fence_is_read_again() -> None:
    note = clean(
        parse_note("# Amazon ECS\n\n## Code\n\n```\n* hidden\n```\n\n* Shown: yes\n", "f.md")
    )
    assert [(f.term, f.line) for f in note.facts] == [("Shown", 9)]


# --- Authored questions --------------------------------------------------------------------


def test_a_single_response_question_is_read() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Networking Modes

            ### Question: Which network mode gives each task its own ENI?
            - [ ] bridge
            - [x] awsvpc
            - [ ] host

            > Explanation: awsvpc attaches an ENI to every task.
            """)
    )
    (question,) = note.questions
    assert question.stem == "Which network mode gives each task its own ENI?"
    assert [(c.text, c.correct, c.line) for c in question.choices] == [
        ("bridge", False, 6),
        ("awsvpc", True, 7),
        ("host", False, 8),
    ]
    assert question.explanation == "awsvpc attaches an ENI to every task."
    assert (question.line, question.topic) == (5, "Networking Modes")


def test_a_multiple_response_question_keeps_every_correct_choice() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Launch Types

            ### Question: Which launch types does ECS support? (Choose two.)
            * [x] EC2
            * [X] Fargate
            * [ ] Lambda
            """)
    )
    (question,) = note.questions
    assert [c.text for c in question.choices if c.correct] == ["EC2", "Fargate"]
    assert question.explanation == ""


def test_a_question_is_not_a_topic_and_its_choices_are_not_facts() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Launch Types

            ### Question: Which is serverless?
            - [ ] EC2
            - [x] Fargate

            ## Networking
            """)
    )
    assert [t.title for t in note.topics] == ["Launch Types", "Networking"]
    assert note.facts == ()


def test_a_multi_line_explanation_is_joined() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Launch Types

            ### Question: Which is serverless?
            - [ ] EC2
            - [x] Fargate
            > Explanation: Fargate runs tasks
            > without servers.
            """)
    )
    assert note.questions[0].explanation == "Fargate runs tasks without servers."


# --- Habits of other authors -----------------------------------------------------------------


@pytest.mark.parametrize("title", ["Quotas", "Queues & Streams", "Questions to ask", "Q&A"])
def test_a_heading_that_starts_with_q_is_a_topic_not_a_question(title: str) -> None:
    note = clean(parse(f"# AWS Lambda\n\n## {title}\n\n* Timeout: 15 minutes\n"))
    assert [t.title for t in note.topics] == [title]
    assert note.questions == ()


def test_a_hash_that_ends_a_word_stays_in_the_heading() -> None:
    note = clean(parse("# Languages\n\n## C# and F#\n"))
    assert note.topics[0].title == "C# and F#"


def test_keycap_emoji_numbering_is_dropped_from_titles() -> None:
    note = clean(parse("# Amazon ECS\n\n## 1️⃣ Deployment Models\n\n## #️⃣ Networking\n"))
    assert [t.title for t in note.topics] == ["Deployment Models", "Networking"]


def test_a_heading_of_only_emoji_keeps_a_title_and_is_a_warning() -> None:
    note = parse("# Amazon ECS\n\n## ✅\n")
    assert note.errors == ()
    assert [w.line for w in note.warnings] == [3]
    assert note.topics[0].title == "✅"


def test_setext_headings_give_the_title_and_sections() -> None:
    note = clean(
        parse("""
            Amazon ECS – Containers
            =======================

            Intro line.

            Launch Types
            ------------

            * Fargate: Serverless
            """)
    )
    assert (note.title, note.service, note.intro) == (
        "Amazon ECS – Containers",
        "Amazon ECS",
        "Intro line.",
    )
    assert [(t.title, t.level, t.line) for t in note.topics] == [("Launch Types", 2, 6)]


def test_a_rule_under_a_bullet_is_a_rule_not_a_heading() -> None:
    note = clean(parse("# Amazon ECS\n\n## Models\n\n* Fargate: Serverless\n---\n\n## Next\n"))
    assert [t.title for t in note.topics] == ["Models", "Next"]


def test_an_unindented_line_under_a_bullet_continues_it() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Models

            * EC2 Launch Type: Run containers
            on instances you manage
            * Fargate: Serverless
            """)
    )
    assert [f.text for f in note.facts] == ["Run containers on instances you manage", "Serverless"]


def test_a_paragraph_after_a_blank_line_ends_the_list() -> None:
    note = clean(parse("# Amazon ECS\n\n## Models\n\n* Fargate: Serverless\n\nA paragraph.\n"))
    assert note.facts[0].text == "Serverless"


def test_a_code_block_indented_inside_a_list_item_is_ignored() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Commands

            * Create a cluster:

                ```bash
                # not a heading
                * not a bullet
                ```

            * Delete it
            """)
    )
    assert [f.text for f in note.facts] == ["Create a cluster", "Delete it"]
    assert [t.title for t in note.topics] == ["Commands"]


def test_triple_backticks_closed_on_the_same_line_are_code_not_a_fence() -> None:
    note = clean(parse("# Amazon ECS\n\n## M\n\n```aws ecs list```\n\n* Visible: yes\n"))
    assert [f.term for f in note.facts] == ["Visible"]


def test_links_line_breaks_and_escapes_are_read_as_plain_text() -> None:
    note = clean(
        parse(r"""
            # Amazon ECS

            ## Images

            * ECR: Stores [container images](https://aws.amazon.com/ecr/)<br>privately
            * Wildcards: Use \*.example.com and `__init__`
            """)
    )
    assert [f.text for f in note.facts] == [
        "Stores container images privately",
        "Use *.example.com and __init__",
    ]


def test_underscores_inside_words_are_not_emphasis() -> None:
    note = clean(parse("# Amazon ECS\n\n## Env\n\n* AWS_REGION: set by __the__ agent\n"))
    assert (note.facts[0].term, note.facts[0].text) == ("AWS_REGION", "set by the agent")


def test_a_bold_term_followed_by_a_dash_is_split() -> None:
    note = clean(parse("# Amazon ECS\n\n## Models\n\n* **Fargate** – Serverless containers\n"))
    assert (note.facts[0].term, note.facts[0].text) == ("Fargate", "Serverless containers")


def test_a_signal_written_as_a_list_gives_one_rule_per_item() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Models

            **📌 Exam Signal:**
            - Full control of instances → EC2 launch type
            - No servers to manage → Fargate
            """)
    )
    assert rules_of(note) == [
        ("Full control of instances", "EC2 launch type"),
        ("No servers to manage", "Fargate"),
    ]


def test_a_list_under_a_signal_sentence_stays_facts() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Models

            **📌 Exam Signal:**
            If you need control → EC2.
            * Fargate: Serverless
            """)
    )
    assert rules_of(note) == [("you need control", "EC2")]
    assert [f.term for f in note.facts] == ["Fargate"]


def test_a_signal_in_a_blockquote_over_several_lines_is_read() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Models

            > **📌 Exam Signal:**
            > If you need control → EC2 launch type;
            > if not → Fargate.
            """)
    )
    assert rules_of(note) == [("you need control", "EC2 launch type"), ("not", "Fargate")]


def test_a_signal_sub_heading_in_each_section_is_a_signal_not_a_section() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Models

            ### 📌 Exam Signal
            Serverless → Fargate

            ## Networking

            ### 📌 Exam Signal
            Own ENI per task → awsvpc
            """)
    )
    assert [t.title for t in note.topics] == ["Models", "Networking"]
    assert [[r.choose for s in t.signals for r in s.rules] for t in note.topics] == [
        ["Fargate"],
        ["awsvpc"],
    ]


def test_abbreviations_do_not_end_a_rule() -> None:
    note = clean(
        parse("# Amazon ECS\n\n## M\n\nExam Signal: Short handlers, e.g. S3 events → Lambda.\n")
    )
    assert rules_of(note) == [("Short handlers, e.g. S3 events", "Lambda")]


def test_two_arrowed_sentences_are_two_rules() -> None:
    note = clean(
        parse("# Amazon ECS\n\n## M\n\nExam Signal: Control → EC2. No servers → Fargate.\n")
    )
    assert rules_of(note) == [("Control", "EC2"), ("No servers", "Fargate")]


@pytest.mark.parametrize(
    ("cell", "fits", "option"),
    [
        ("Fargate launch type ✅", True, "Fargate launch type"),
        ("✅ Yes – natively", True, "natively"),
        ("❌ No, use Lambda", False, "use Lambda"),
        ("❌ No GPU support", False, "No GPU support"),
        ("N/A", None, "N/A"),
        ("No-code only", None, "No-code only"),
    ],
)
def test_verdicts_are_read_wherever_they_stand_in_the_cell(
    cell: str, fits: bool | None, option: str
) -> None:
    note = parse(f"""
        # Amazon ECS

        ## ECS vs Alternatives

        | Scenario | Use ECS | Use Alternative |
        | --- | --- | --- |
        | Containers | {cell} | EKS |
        """)
    (decision,) = note.decisions
    assert (decision.fits, decision.service_option) == (fits, option)


def test_an_unclosed_backtick_does_not_swallow_the_cells_after_it() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Flags

            | Flag | Meaning |
            | --- | --- |
            | `--force | Replace tasks |
            """)
    )
    assert (note.facts[0].term, note.facts[0].text) == ("`--force", "Replace tasks")


def test_an_exam_focus_item_may_stand_on_its_lead_line() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Exam Focus

            - Avoid ECS if you need simple functions → use AWS Lambda
            - Remember: the task role is not the execution role
            """)
    )
    (item,) = note.focus
    assert (item.polarity, item.text, item.alternative, item.subject, item.line) == (
        "avoid",
        "you need simple functions",
        "AWS Lambda",
        "ECS",
        5,
    )
    assert [(f.term, f.line) for f in note.facts] == [("Remember", 6)]


def test_a_thematic_break_ends_a_question() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Launch Types

            ### Question: Which is serverless?
            - [ ] EC2
            - [x] Fargate

            ---

            * Fargate: Serverless
            """)
    )
    assert len(note.questions) == 1
    assert [f.term for f in note.facts] == ["Fargate"]


def test_an_indented_line_under_a_choice_continues_it() -> None:
    note = clean(
        parse("""
            # Amazon ECS

            ## Launch Types

            ### Question: Which is serverless?
            - [ ] EC2 with an Auto Scaling group
              of container instances
            - [x] Fargate
            """)
    )
    assert note.questions[0].choices[0].text == (
        "EC2 with an Auto Scaling group of container instances"
    )


def test_very_deep_nesting_is_kept_shallow_enough_to_walk() -> None:
    lines = "\n".join(" " * depth + "- level" for depth in range(200))
    note = clean(parse_note(f"# Amazon ECS\n\n## Deep\n\n{lines}\n", "deep.md"))

    def walk(facts, depth=1):
        for fact in facts:
            yield depth
            yield from walk(fact.children, depth + 1)

    depths = list(walk(note.facts))
    assert len(depths) == 200
    assert max(depths) <= 16
