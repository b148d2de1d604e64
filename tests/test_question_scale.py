"""Question generation in a large collection (issue #8): bounded work, the same rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import studyapp.questions.generator as generator
from bench.notes import generate_notes
from studyapp.notes.parsed import ParsedNote
from studyapp.notes.parser import parse_note
from studyapp.questions.corpus import Candidates, Corpus, Name, service_name
from studyapp.questions.generator import GeneratedQuestion, generate_questions

CONTENT = Path(__file__).resolve().parent.parent / "content"

# Pure: no database. The collections are copies of content/ with each note's service renamed and
# numbered (bench/notes.py): many notes about similar services that share most of their words,
# the hardest case for look-ups by word.


def _copies(folder: Path, count: int) -> list[ParsedNote]:
    return [parse_note(p.read_bytes(), p.name) for p in generate_notes(CONTENT, folder, count)]


@pytest.fixture(scope="module")
def thirty_notes(tmp_path_factory: pytest.TempPathFactory) -> list[ParsedNote]:
    return _copies(tmp_path_factory.mktemp("thirty"), 30)


@dataclass
class _Picked:
    """What `_pick_wrong` was asked and what it offered, for one question."""

    draft: generator._Draft
    answers: list[Name]
    scenario: frozenset[str]
    stem_words: frozenset[str]
    wrong: list[tuple[Name, str]]
    examined: list[int]  # candidates weighed, tier by tier


@dataclass
class _Run:
    questions: list[GeneratedQuestion]
    picked: list[_Picked]
    corpus: Corpus


def _watched_run(notes: list[ParsedNote], monkeypatch: pytest.MonkeyPatch) -> _Run:
    """Generate, recording every question's wrong choices and the candidates it weighed."""
    picked: list[_Picked] = []
    corpora: list[Corpus] = []
    in_turn, pick_wrong, build = generator._in_turn, generator._pick_wrong, Corpus.build

    def counted(tier, draft, scenario, corpus) -> Iterator[Name]:
        picked[-1].examined.append(0)
        for name in in_turn(tier, draft, scenario, corpus):
            picked[-1].examined[-1] += 1
            yield name

    def recorded(draft, answers, scenario, stem_words, corpus):
        picked.append(_Picked(draft, answers, scenario, stem_words, [], []))
        picked[-1].wrong = pick_wrong(draft, answers, scenario, stem_words, corpus)
        return picked[-1].wrong

    def kept(notes: list[ParsedNote]) -> Corpus:
        corpora.append(build(notes))
        return corpora[-1]

    with monkeypatch.context() as patch:
        patch.setattr(generator, "_in_turn", counted)
        patch.setattr(generator, "_pick_wrong", recorded)
        patch.setattr(Corpus, "build", staticmethod(kept))
        questions = generate_questions(notes)
    return _Run(questions, picked, corpora[0])


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> _Run:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return _watched_run(_copies(tmp_path_factory.mktemp("large"), 200), monkeypatch)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> _Run:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return _watched_run(_copies(tmp_path_factory.mktemp("small"), 40), monkeypatch)


def _mean(counts: Iterable[int]) -> float:
    found = list(counts)
    return sum(found) / len(found)


# --- A collection of ordinary size -------------------------------------------------------------


def test_thirty_notes_get_the_questions_they_got_without_a_bound(thirty_notes, monkeypatch):
    bounded = generate_questions(thirty_notes)
    monkeypatch.setattr(generator, "POOL", 10**9)

    assert generate_questions(thirty_notes) == bounded


# --- A large collection ------------------------------------------------------------------------


def test_no_question_weighs_more_than_a_pool_of_candidates_per_tier(large):
    assert max(n for p in large.picked for n in p.examined) <= generator.POOL


def test_the_candidates_weighed_per_question_do_not_grow_with_the_collection(small, large):
    assert len(large.picked) == 5 * len(small.picked)
    per_question = [sum(p.examined) for p in large.picked]

    assert _mean(per_question) <= 1.25 * _mean(sum(p.examined) for p in small.picked)


def test_a_large_collection_still_gets_nearly_every_question(small, large):
    assert len(large.questions) >= 0.95 * 5 * len(small.questions)


def test_every_wrong_choice_in_a_large_collection_passes_the_rules(large):
    corpus = large.corpus
    offered = 0
    for p in large.picked:
        names = [name for name, _why in p.wrong]
        taken = [*p.answers, *p.draft.avoid, *names]
        for name in names:
            others = [t for t in taken if t is not name]
            assert name.core, name
            assert not any(name.conflicts(t) for t in others), (p.draft.stem, name.text)
            assert not generator._named_in_stem(name, p.draft, p.stem_words)
            if p.draft.pool == "option":
                assert not generator._related(name, p.answers, others), (p.draft.stem, name.text)
            if not generator._hinted(p.draft, name):
                right = generator._also_right(p.draft, name, p.scenario, p.answers, corpus)
                assert not right, (p.draft.stem, name.text)
            offered += 1
    assert offered > 10_000


def test_no_question_in_a_large_collection_offers_a_text_twice(large):
    for question in large.questions:
        texts = [c.text for c in question.choices]
        assert len(set(texts)) == len(texts), question.stem


# --- The look-ups behind it --------------------------------------------------------------------


def test_near_scenarios_are_all_found_without_reading_every_scenario(thirty_notes):
    corpus = Corpus.build([n for n in thirty_notes if n.is_valid])
    scenarios = corpus._index().scenarios
    everyone = {e.scenario for e in corpus.evidence}
    for scenario in everyone:
        expected = {
            i: corpus.similar(scenario, other)
            for i, other in enumerate(scenarios.sets)
            if corpus.similar(scenario, other) >= 0.3
        }
        assert scenarios.near(scenario) == expected


def _option(text: str, note: str, family: str = "Modes") -> Name:
    name = service_name(text)
    return Name(text=name.text, tokens=name.tokens, core=name.tokens, note=note, family=family)


def test_a_sample_of_candidates_gives_each_text_once():
    names = [_option(f"Mode {i % 10}", f"note-{i}") for i in range(40)]

    sampled = [n.text for n in Candidates(names).from_position(7)]

    assert sorted(sampled) == sorted({f"Mode {i}" for i in range(10)})


def test_a_sample_leaves_out_a_list_but_not_its_texts_named_elsewhere():
    own = [_option("Mode A", "mine"), _option("Mode B", "mine")]
    elsewhere = [_option("Mode A", "theirs"), _option("Mode C", "theirs")]

    sampled = list(Candidates(own + elsewhere).from_position(0, skip=("mine", "Modes")))

    assert sorted((n.text, n.note) for n in sampled) == [("Mode A", "theirs"), ("Mode C", "theirs")]
