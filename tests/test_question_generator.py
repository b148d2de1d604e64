"""The question generator on the real notes: pure, no database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studyapp.notes.parsed import ParsedNote
from studyapp.notes.parser import parse_note
from studyapp.questions.generator import (
    GeneratedQuestion,
    generate_questions,
    shuffled_choices,
)

CONTENT = Path(__file__).resolve().parent.parent / "content"
NOTE_FILES = sorted(CONTENT.glob("*.md"))


def _parse(path: Path) -> ParsedNote:
    return parse_note(path.read_bytes(), str(path.relative_to(CONTENT.parent)))


@pytest.fixture(scope="module")
def seed() -> ParsedNote:
    return _parse(CONTENT / "amazon-ecs.md")


@pytest.fixture(scope="module")
def all_notes() -> list[ParsedNote]:
    return [_parse(path) for path in NOTE_FILES]


@pytest.fixture(scope="module")
def seed_questions(seed: ParsedNote) -> list[GeneratedQuestion]:
    return generate_questions([seed])


@pytest.fixture(scope="module")
def bank(all_notes: list[ParsedNote]) -> list[GeneratedQuestion]:
    return generate_questions(all_notes)


def _asking(questions: list[GeneratedQuestion], phrase: str) -> list[GeneratedQuestion]:
    return [q for q in questions if phrase.casefold() in q.stem.casefold()]


def _keyed_to(questions: list[GeneratedQuestion], phrase: str, answer: str) -> bool:
    return any(
        any(answer.casefold() in text.casefold() for text in q.correct_texts)
        for q in _asking(questions, phrase)
    )


def _wrong(question: GeneratedQuestion) -> list[str]:
    return [c.text for c in question.choices if not c.correct]


# --- The seed note alone ------------------------------------------------------------------------


def test_the_seed_note_alone_gives_at_least_twenty_questions(seed_questions):
    assert len(seed_questions) >= 20
    assert {q.kind for q in seed_questions} >= {"decision", "signal", "summary", "focus", "fact"}


@pytest.mark.parametrize(
    ("phrase", "answer"),
    [
        ("simple event-driven functions", "Lambda"),
        ("managed Kubernetes cluster", "EKS"),
        ("managing infrastructure is required", "EC2 launch type"),
        ("serverless container deployment", "Fargate"),
        ("IP-level control per container", "awsvpc"),
    ],
)
def test_seed_scenarios_are_keyed_to_the_choice_the_note_gives(seed_questions, phrase, answer):
    assert _keyed_to(seed_questions, phrase, answer), f"{phrase!r} is not keyed to {answer!r}"


def test_a_fact_naming_an_option_asks_which_option_it_is(seed_questions):
    (question,) = _asking(seed_questions, "assigns each task an elastic network interface")
    assert question.kind == "fact"
    assert question.correct_texts == ("AWSVPC Mode",)
    assert {"Bridge Mode", "Host Mode"} <= set(_wrong(question))


def test_a_decision_row_the_service_fits_is_keyed_to_the_service_with_its_option(seed_questions):
    (question,) = _asking(seed_questions, "serverless containers.")
    assert question.kind == "decision"
    assert question.correct_texts == ("Amazon ECS with the Fargate launch type",)


def test_the_alternative_of_a_fitting_row_is_never_offered_as_wrong(all_notes, bank):
    # "Serverless containers | ✅ Fargate launch type | AWS Lambda": Lambda could also be used.
    checked = 0
    for note in all_notes:
        slug = Path(note.path).stem
        for row in (d for d in note.decisions if d.fits):
            asked = [q for q in bank if q.note_slug == slug and q.kind == "decision"]
            for question in (q for q in asked if q.explanation.startswith(row.scenario)):
                wrong = {_identity(text) for text in _wrong(question)}
                assert _identity(row.alternative) not in wrong, question.stem
                checked += 1
    assert checked >= 10


def test_the_note_explains_why_its_own_service_is_wrong(seed_questions):
    (question,) = [
        q for q in _asking(seed_questions, "managed Kubernetes cluster") if q.kind == "decision"
    ]
    why = {c.text: c.why_wrong for c in question.choices}
    assert why["Amazon ECS"] == "ECS: ECS is not Kubernetes"


# --- All five notes -----------------------------------------------------------------------------


def test_every_note_gives_questions_of_several_kinds(bank, all_notes):
    for note in all_notes:
        slug = Path(note.path).stem
        kinds = {q.kind for q in bank if q.note_slug == slug}
        assert len(kinds) >= 4, (slug, kinds)


def test_wrong_choices_come_from_other_notes(bank):
    ecs = [q for q in bank if q.note_slug == "amazon-ecs"]
    offered = {text for q in ecs for text in _wrong(q)}
    # Named only in the other notes, never in the ECS note.
    assert {"AWS Fargate", "AWS Step Functions", "Amazon EC2"} & offered


def test_why_a_choice_is_wrong_comes_from_the_other_notes(bank):
    (question,) = [
        q for q in _asking(bank, "simple event-driven functions") if q.kind == "decision"
    ]
    reasons = {c.text: c.why_wrong for c in question.choices if not c.correct}
    assert reasons["Amazon ECS"] == "ECS: Not ideal"
    from_other_notes = [r for text, r in reasons.items() if text != "Amazon ECS" and r]
    assert any(r.startswith(("Avoid Fargate", "Avoid EKS")) for r in from_other_notes)


def test_a_signal_naming_two_choices_asks_to_select_two(bank):
    (question,) = _asking(bank, "processing takes longer than 15 minutes")
    assert question.multiple
    assert question.stem.endswith("(Select TWO.)")
    assert set(question.correct_texts) == {
        "AWS Step Functions",
        "Amazon ECS with the Fargate launch type",
    }
    assert len(question.choices) == 5


def test_an_answer_named_in_its_own_scenario_is_left_out(bank):
    # "If the work is a queue of batch jobs → AWS Batch" would give the answer away.
    assert not _asking(bank, "the work is a queue of batch jobs")


def test_every_generated_question_is_well_formed(bank):
    generated = [q for q in bank if q.kind != "authored"]
    assert len(generated) >= 100
    for question in generated:
        correct = [c for c in question.choices if c.correct]
        wrong = [c for c in question.choices if not c.correct]
        assert len(correct) == (2 if question.multiple else 1), question.stem
        assert len(wrong) >= 3, question.stem
        assert len(question.choices) == (5 if question.multiple else 4), question.stem
        assert _no_duplicates([c.text for c in question.choices]), question.stem
        leaked = _answer_words_in_stem(question)
        assert not leaked, f"{question.stem!r} gives away {leaked}"
        assert question.stem.endswith("?") or question.stem.endswith("(Select TWO.)")
        assert question.explanation and question.topic and question.line > 0


def test_keys_are_unique_and_content_derived(bank):
    keys = [q.key for q in bank]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"q_[0-9a-f]{16}", key) for key in keys)


def test_generation_is_deterministic(all_notes, bank):
    assert generate_questions(all_notes) == bank
    assert generate_questions(list(reversed(all_notes))) == bank


def test_an_edit_elsewhere_keeps_every_other_key(all_notes, bank):
    ecs = CONTENT / "amazon-ecs.md"
    edited = parse_note(
        ecs.read_bytes().replace(b"Default Docker networking", b"Classic Docker networking"),
        str(ecs.relative_to(CONTENT.parent)),
    )
    others = [n for n in all_notes if not n.path.endswith("amazon-ecs.md")]
    again = generate_questions([edited, *others])
    before = {q.key for q in bank if q.note_slug != "amazon-ecs"}
    assert before == {q.key for q in again if q.note_slug != "amazon-ecs"}
    ecs_before = {
        q.key for q in bank if q.note_slug == "amazon-ecs" and "Default Docker" not in q.stem
    }
    assert ecs_before <= {q.key for q in again}


# --- Shuffling ----------------------------------------------------------------------------------


def test_choices_are_shuffled_the_same_way_for_one_learner(bank):
    question = bank[0]
    assert shuffled_choices(question, 7) == shuffled_choices(question, 7)
    assert sorted(shuffled_choices(question, 7), key=lambda c: c.text) == sorted(
        question.choices, key=lambda c: c.text
    )


def test_learners_see_choices_in_different_orders(bank):
    question = bank[0]
    orders = {tuple(c.text for c in shuffled_choices(question, learner)) for learner in range(20)}
    assert len(orders) > 1


# --- Authored questions -------------------------------------------------------------------------

AUTHORED = """\
# 📘 AWS Batch – Managed Batch Computing

## Jobs

* Array Jobs: One submission fans out into many child jobs

### Question: A company runs nightly jobs that need 6 hours each. Which service fits best?
- [ ] AWS Lambda
- [x] AWS Batch
- [ ] Amazon EKS
> Explanation: Lambda stops after 15 minutes; Batch queues and runs long jobs.

### Question: Which TWO services run containers without servers to manage?
- [x] AWS Fargate
- [ ] Amazon EC2
- [x] AWS Lambda
- [ ] Amazon EKS on self-managed nodes
> Explanation: Fargate and Lambda are serverless.
"""


def test_authored_questions_are_kept_as_written():
    note = parse_note(AUTHORED, "content/aws-batch.md")
    assert note.is_valid, note.problems
    single, double = [q for q in generate_questions([note]) if q.kind == "authored"]

    assert single.stem.startswith("A company runs nightly jobs")
    assert [c.text for c in single.choices] == ["AWS Lambda", "AWS Batch", "Amazon EKS"]
    assert single.correct_texts == ("AWS Batch",)
    assert not single.multiple
    assert single.explanation == "Lambda stops after 15 minutes; Batch queues and runs long jobs."
    assert single.topic == "Jobs"

    assert double.multiple
    assert set(double.correct_texts) == {"AWS Fargate", "AWS Lambda"}


def test_a_malformed_authored_question_is_a_problem_with_its_line():
    broken = AUTHORED.replace("- [x] AWS Batch", "- [ ] AWS Batch")
    note = parse_note(broken, "content/aws-batch.md")
    assert not note.is_valid
    line = broken.splitlines().index(
        "### Question: A company runs nightly jobs that need 6 hours each. Which service fits best?"
    )
    assert [(p.line, p.level) for p in note.errors] == [(line + 1, "error")]
    assert generate_questions([note]) == []


# --- Independent checks (deliberately not the generator's own code) ------------------------------

_SMALL_WORDS = {
    *("a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "is", "are"),
    *("be", "it", "its", "as", "at", "from", "this", "that", "your", "you", "which", "what"),
    *("option", "options", "fits", "best", "select", "two"),
}
_VENDORS = {"amazon", "aws"}


def _plain(word: str) -> str:
    word = word.casefold()
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _content_words(text: str) -> set[str]:
    text = re.sub(r"\([^)]*\)", " ", text)
    return {
        _plain(w)
        for w in re.findall(r"[A-Za-z0-9]+", text)
        if w.casefold() not in _SMALL_WORDS and w.casefold() not in _VENDORS and len(w) > 2
    }


def _answer_words_in_stem(question: GeneratedQuestion) -> set[str]:
    """Words of a correct choice found in the stem, minus words every choice shares (the kind
    of thing asked about, e.g. "mode") and the "which deployment model" part."""
    shared = set.intersection(*(_content_words(c.text) for c in question.choices))
    stem = re.sub(r"^(In [^,]+, )?[Ww]hich [a-z -]+?(?= matches| lets|\s\w+s\b)", "", question.stem)
    stem_words = _content_words(stem)
    leaked: set[str] = set()
    for text in question.correct_texts:
        leaked |= (
            _content_words(text) - shared - {"launch", "type", "mode", "network"}
        ) & stem_words
    return leaked


def _identity(text: str) -> str:
    """ "Kubernetes (EKS)" and "Amazon EKS" are "eks"; "AWS Lambda" and "Lambda" "lambda"."""
    acronym = re.search(r"\(([A-Z0-9]+)\)", text)
    text = (acronym.group(1) if acronym else text).casefold()
    return " ".join(w for w in re.findall(r"[a-z0-9]+", text) if w not in _VENDORS)


def _no_duplicates(texts: list[str]) -> bool:
    names = [_identity(t) for t in texts]
    if len(set(names)) != len(names):
        return False
    # "Lambda" and "AWS Lambda", "EKS" and "Kubernetes (EKS)" are one choice.
    singles = {n for n in names if " " not in n}
    return not any(
        s != n and s in n.split() and len(n.split()) <= 2 for s in singles for n in names
    )
