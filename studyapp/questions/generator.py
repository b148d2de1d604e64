"""Turn parsed notes into exam-style multiple-choice questions (pure: no Django).

Each source item (a decision row, a signal rule, a summary row, an Exam Focus item, an option
with its description, an authored question) becomes at most one question. Wrong choices come
from `Corpus` (all notes at once); a question that cannot get three good ones is left out.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal, TypeVar

from studyapp.bulk import fewer_collections
from studyapp.notes.identity import normalize
from studyapp.notes.parsed import (
    AuthoredQuestion,
    Decision,
    FocusItem,
    ParsedNote,
    Rule,
    Signal,
    SummaryRow,
)
from studyapp.questions.corpus import (
    Candidates,
    Corpus,
    Name,
    all_facts,
    context_words,
    kind_of,
    names_kind,
    note_slug,
    same_kind,
    service_name,
)
from studyapp.questions.phrasing import (
    ASK,
    condition_stem,
    fact_stem,
    focus_stem,
    kind_noun,
    scenario_stem,
)
from studyapp.questions.words import (
    CACHED,
    HEAD_WORDS,
    PARENTHESES,
    VENDOR_WORDS,
    lowercase_first,
    meaning,
    significant,
    split_choices,
    stem_word,
    tidy,
)

__all__ = [
    "Choice",
    "GeneratedQuestion",
    "answer_words",
    "generate_questions",
    "note_slug",
    "shuffled_choices",
]

Kind = Literal["decision", "signal", "summary", "focus", "fact", "authored"]
KINDS: tuple[Kind, ...] = ("decision", "signal", "summary", "focus", "fact", "authored")

WRONG_CHOICES = 3
# A question about "ECS with the Fargate launch type" takes at most two of the same services'
# other options as wrong choices, so that a plain service is offered too.
KIN_CHOICES = 2
# The most candidates of one tier a question weighs, so that the work per question stays the
# same however many notes there are (issue #8: a thousand notes import in seconds). A tier
# this size or smaller is weighed whole and ranked as always: a collection of a few dozen
# notes (30 copies of content/ have tiers of up to 64) gets the same questions as without a
# bound. A larger tier is weighed through a pool this size: first the candidates `_ranked`
# would put first (the notes explain why they are wrong here, or their names look like the
# answer's), up to half of it, then a stretch of the others, in an order set by their texts
# and starting where the question's source text says. Every rule a wrong choice must pass
# holds in the pool as everywhere; a question whose pool has too few good ones is left out.
POOL = 64

T = TypeVar("T")


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    why_wrong: str = ""


@dataclass(frozen=True)
class GeneratedQuestion:
    """One question, with where it came from and what identifies it across edits.

    `key` is derived from the source (note, kind, source item) and becomes the question's id
    the first time it is stored; `source_text` and `answer_key` let a later import recognise
    the same question after light edits and notice when its answer changed.
    """

    key: str
    note_slug: str
    topic: str
    line: int
    kind: Kind
    stem: str
    choices: tuple[Choice, ...]
    explanation: str
    multiple: bool
    source_text: str
    answer_key: str

    @property
    def correct_texts(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.choices if c.correct)


def generate_questions(notes: Sequence[ParsedNote]) -> list[GeneratedQuestion]:
    """Every question the notes support, note by note (by slug) and in source order.

    All notes are read together: services and options named anywhere are candidate wrong
    choices everywhere, and anything a note says fits a scenario is never offered as wrong.
    """
    valid = valid_notes(notes)
    with fewer_collections():
        corpus = Corpus.build(valid)
        return [q for note in valid for q in questions_of(note, corpus)]


def valid_notes(notes: Iterable[ParsedNote]) -> list[ParsedNote]:
    """The notes questions come from, in the order their questions are listed (by slug)."""
    return sorted((n for n in notes if n.is_valid), key=lambda n: (note_slug(n.path), n.path))


def questions_of(note: ParsedNote, corpus: Corpus) -> list[GeneratedQuestion]:
    """One note's questions, in source order, with wrong choices from `corpus` (all the
    `valid_notes`): they depend on nothing else, so notes can be done apart and in any order."""
    drafts = _drafts_for(note, corpus)
    built = [q for q in (_build(draft, corpus) for draft in drafts) if q is not None]
    built += [_authored(note, authored) for authored in note.questions]
    built.sort(key=lambda q: (q.line, KINDS.index(q.kind)))
    return _unique_keys(_without_repeats(built))


def shuffled_choices(question: GeneratedQuestion, learner_id: Hashable) -> list[Choice]:
    """The question's choices in an order that is stable for one learner and one question."""
    return shuffle_for(question.key, question.choices, learner_id, text=lambda c: c.text)


def shuffle_for(
    question_id: str, items: Iterable[T], learner_id: Hashable, *, text: Callable[[T], str]
) -> list[T]:
    """Order `items` by a hash of (question, learner, item text): no global random state."""
    seed = f"{question_id}\x1f{learner_id}\x1f"
    return sorted(items, key=lambda item: (_digest(seed + normalize(text(item))), text(item)))


def question_key(slug: str, kind: str, source: str) -> str:
    return "q_" + _digest(f"{slug}\x1f{kind}\x1f{_normalized(source)}")[:16]


def answer_key(texts: Iterable[str]) -> str:
    return " | ".join(sorted(_normalized(t) for t in texts))


# The same texts (choices, stems) are compared in many questions.
_normalized = lru_cache(maxsize=CACHED)(normalize)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _without_repeats(questions: list[GeneratedQuestion]) -> list[GeneratedQuestion]:
    """One question per (kind, source, answer): a note may state the same rule twice. Nor
    the same question twice: "if it is a long-running service" and "if the workload is a
    long-running service" are both asked "… when the workload is a long-running service?"."""
    seen: set[tuple[str, str, str]] = set()
    result = []
    for question in questions:
        identities = {
            (question.kind, question.source_text, question.answer_key),
            ("stem", _normalized(question.stem), question.answer_key),
        }
        if not identities & seen:
            seen |= identities
            result.append(question)
    return result


def _unique_keys(questions: list[GeneratedQuestion]) -> list[GeneratedQuestion]:
    # Two items of one note with the same text (a rule repeated in two signals) still need
    # two ids; the second gets a suffix, in source order, so the result stays deterministic.
    seen: Counter[str] = Counter()
    result = []
    for question in questions:
        seen[question.key] += 1
        if seen[question.key] > 1:
            key = "q_" + _digest(f"{question.key}#{seen[question.key]}")[:16]
            question = replace(question, key=key)
        result.append(question)
    return result


# --- Drafts: what each source item asks -------------------------------------------------------


@dataclass(frozen=True)
class _Draft:
    """A question before its wrong choices are picked.

    `given` holds the words of the stem that are not part of the scenario ("which networking
    mode", "In Amazon ECS"): the kind of answer may be named, the answer itself may not.
    `plain_stem` is asked instead of `stem` when not every wrong choice is of the kind the
    stem names ("which option …" rather than "which networking mode …").
    """

    note: ParsedNote
    kind: Kind
    line: int
    source: str
    scenario: str
    stem: str
    answers: tuple[Name, ...]
    explanation: str
    pool: Literal["service", "option"] = "service"
    given: str = ""
    avoid: tuple[Name, ...] = ()
    wrong_first: tuple[tuple[Name, str], ...] = ()
    plain_stem: str = ""


def _drafts_for(note: ParsedNote, corpus: Corpus) -> list[_Draft]:
    drafts: list[_Draft] = []
    for decision in note.decisions:
        drafts.extend(_decision_drafts(note, decision, corpus))
    for signal in note.signals:
        for rule in signal.rules:
            drafts.extend(_signal_drafts(note, signal, rule, corpus))
    for row in note.summary:
        drafts.append(_summary_draft(note, row, corpus))
    for item in note.focus:
        drafts.extend(_focus_drafts(note, item, corpus))
    for family, members in _option_families(note, corpus):
        for member in members:
            drafts.extend(_fact_drafts(note, family, member))
    return sorted(drafts, key=lambda d: (d.line, KINDS.index(d.kind)))


def _decision_drafts(note: ParsedNote, d: Decision, corpus: Corpus) -> list[_Draft]:
    if d.fits is None or not d.alternative:
        return []
    service = corpus.canonical(service_name(note.service or note.short_name))
    alternatives = tuple(corpus.canonical(service_name(p)) for p in split_choices(d.alternative))
    mark = "✅" if d.fits else "❌"
    explanation = f"{d.scenario}: {note.short_name} {mark} {d.service_option}".strip()
    explanation += f"; alternative: {d.alternative}."
    if d.fits:
        # The alternative of a ✅ row is another way to do it, never a wrong choice here; when
        # another note says it fits this scenario too, both are the answer ("Select TWO").
        answer = corpus.canonical(corpus.compose(note, d.service_option))
        confirmed = tuple(a for a in alternatives if corpus.confirms(a, d.scenario, note))
        answers, avoid = (answer, *confirmed), alternatives
        wrong_first: tuple[tuple[Name, str], ...] = ()
    else:
        answers, avoid = alternatives, ()
        wrong_first = ((service, f"{note.short_name}: {d.service_option}".rstrip(": ")),)
    return [
        _Draft(
            note=note,
            kind="decision",
            line=d.line,
            source=d.scenario,
            scenario=d.scenario,
            stem=scenario_stem(corpus.lower_first(tidy(d.scenario))),
            answers=answers,
            explanation=explanation,
            given=ASK,
            avoid=avoid,
            wrong_first=wrong_first,
        )
    ]


def _signal_drafts(note: ParsedNote, signal: Signal, rule: Rule, corpus: Corpus) -> list[_Draft]:
    answers = tuple(corpus.subject(p, note) for p in split_choices(rule.choose))
    options = [a for a in answers if a.note]
    if options and len(options) != len(answers):
        return []  # "EKS Anywhere or Amazon ECS": an option and a service are not one kind
    return [
        _Draft(
            note=note,
            kind="signal",
            line=signal.line,
            source=rule.when,
            scenario=rule.when,
            stem=condition_stem(
                rule.when,
                signal.text,
                earlier=[r.when for r in signal.rules[: signal.rules.index(rule)]],
                lower_first=corpus.lower_first,
            ),
            answers=answers,
            explanation=signal.text,
            pool="option" if options else "service",
            given=ASK,
        )
    ]


def _summary_draft(note: ParsedNote, row: SummaryRow, corpus: Corpus) -> _Draft:
    answer = corpus.resolve_option(row.option, note, description=row.keyword)
    # "Which AWS Lambda feature …" would hint at "Lambda SnapStart"; name the service only
    # when the answer does not.
    names_service = bool(context_words(note) & significant(answer.text))
    service = "" if names_service else f"{note.service or note.short_name} "
    given = f"Which {service}feature or option matches"
    return _Draft(
        note=note,
        kind="summary",
        line=row.line,
        source=row.keyword,
        scenario=row.keyword,
        stem=f"{given} “{corpus.lower_first(row.keyword)}”?",
        answers=(answer,),
        explanation=f"{row.keyword} → {row.option}",
        pool="option",
        given=given,
    )


def _focus_drafts(note: ParsedNote, item: FocusItem, corpus: Corpus) -> list[_Draft]:
    subject_text = item.subject or note.service
    subject = corpus.canonical(service_name(subject_text))
    if item.polarity == "choose":
        if _LIMIT.search(item.text):
            return []  # "tasks fit within 16 vCPU": every other choice fits within it too
        answers: tuple[Name, ...] = (subject,)
        wrong_first: tuple[tuple[Name, str], ...] = ()
        explanation = f"Choose {subject_text} when: {item.text}"
    elif item.alternative:
        answers = tuple(corpus.canonical(service_name(p)) for p in split_choices(item.alternative))
        wrong_first = ((subject, f"Avoid {subject_text} if: {lowercase_first(item.text)}"),)
        explanation = f"Avoid {subject_text} if: {item.text} → use {item.alternative}"
    else:
        return []
    return [
        _Draft(
            note=note,
            kind="focus",
            line=item.line,
            source=f"{item.polarity}: {item.text}",
            scenario=item.text,
            stem=focus_stem(item.text),
            answers=answers,
            explanation=explanation,
            given=ASK,
            wrong_first=wrong_first,
        )
    ]


# An upper bound the service's limits allow ("within 15 minutes", "up to 10 GB") is something
# the work must stay within, not a reason to choose the service over the others.
_LIMIT = re.compile(r"\b(?:within|up to|at most|no more than)\s+\d", re.I)


def _authored(note: ParsedNote, authored: AuthoredQuestion) -> GeneratedQuestion:
    """An author's question, as written: its choices in their order, any number correct."""
    slug = note_slug(note.path)
    correct = [c.text for c in authored.choices if c.correct]
    return GeneratedQuestion(
        key=question_key(slug, "authored", authored.stem),
        note_slug=slug,
        topic=authored.topic or _topic_at(note, authored.line),
        line=authored.line,
        kind="authored",
        stem=authored.stem,
        choices=tuple(Choice(c.text, c.correct) for c in authored.choices),
        explanation=authored.explanation,
        multiple=len(correct) > 1,
        source_text=normalize(authored.stem),
        answer_key=answer_key(correct),
    )


def _option_families(note: ParsedNote, corpus: Corpus) -> list[tuple[str, list[Name]]]:
    result = []
    for family, members in corpus.families_of(note_slug(note.path)):
        if not corpus.is_option_family(family, members):
            continue
        named = [m for m in members if m.description and not corpus.is_attribute(m)]
        if not names_kind(family):
            # Only the siblings that share the common head: three "… Concurrency" settings.
            head = Counter(m.head for m in named).most_common(1)[0][0]
            named = [m for m in named if m.head == head]
        result.append((family, named))
    return result


def _fact_drafts(note: ParsedNote, family: str, member: Name) -> list[_Draft]:
    fact = next((f for f in all_facts(note.facts) if f.term and tidy(f.term) == member.text), None)
    if fact is None:
        return []
    given, stem = fact_stem(note, kind_noun(family), fact.text, member)
    _plain_given, plain_stem = fact_stem(note, "option", fact.text, member)
    return [
        _Draft(
            note=note,
            kind="fact",
            line=fact.line,
            source=f"{fact.term}: {fact.text}",
            scenario=fact.text,
            stem=stem,
            answers=(member,),
            explanation=fact.full_text,
            pool="option",
            given=given,
            plain_stem=plain_stem if plain_stem != stem else "",
        )
    ]


# --- Building a question: choices, checks, key -------------------------------------------------


def _build(draft: _Draft, corpus: Corpus) -> GeneratedQuestion | None:
    question, _reason = _build_or_explain(draft, corpus)
    return question


def _build_or_explain(draft: _Draft, corpus: Corpus) -> tuple[GeneratedQuestion | None, str]:
    """The question for a draft, or None and why the draft was left out."""
    answers = _distinct_answers(draft.answers)
    if not answers or len(answers) > 2 or len(answers) != len(draft.answers):
        return None, "answers are not one or two distinct choices"
    multiple = len(answers) == 2
    stem = draft.stem + (" (Select TWO.)" if multiple else "")
    scenario_words = significant(stem) - significant(draft.given)
    leaked = [a.text for a in answers if answer_words(a.text) & scenario_words]
    if leaked:
        return None, f"the stem gives away {leaked[0]!r}"
    scenario = meaning(draft.scenario)
    wrong = _pick_wrong(draft, answers, scenario, scenario_words, corpus)
    if len(wrong) < WRONG_CHOICES:
        return None, f"only {len(wrong)} good wrong choices: {[n.text for n, _ in wrong]}"
    if draft.plain_stem and not all(same_kind(n, answers[0]) for n, _ in wrong):
        stem = draft.plain_stem  # "which networking mode" with a launch type among the choices
    slug = note_slug(draft.note.path)
    key = question_key(slug, draft.kind, draft.source)
    choices = [Choice(a.text, True) for a in answers] + [Choice(n.text, False, w) for n, w in wrong]
    question = GeneratedQuestion(
        key=key,
        note_slug=slug,
        topic=_topic_at(draft.note, draft.line),
        line=draft.line,
        kind=draft.kind,
        stem=stem,
        choices=tuple(sorted(choices, key=lambda c: _digest(f"{key}\x1f{_normalized(c.text)}"))),
        explanation=draft.explanation,
        multiple=multiple,
        source_text=_normalized(draft.source),
        answer_key=answer_key(a.text for a in answers),
    )
    return question, ""


def _distinct_answers(answers: tuple[Name, ...]) -> list[Name]:
    result: list[Name] = []
    for answer in answers:
        if answer.tokens and not any(answer.conflicts(a) for a in result):
            result.append(answer)
    return result


def _pick_wrong(
    draft: _Draft,
    answers: list[Name],
    scenario: frozenset[str],
    stem_words: frozenset[str],
    corpus: Corpus,
) -> list[tuple[Name, str]]:
    """Three wrong choices of the answer's kind that no note says would also fit.

    Tiers go from the closest kin (the note's own "❌" service, sibling options) outwards;
    within a tier, choices the notes explain come first, then a content-seeded order.
    """
    taken = list(answers) + list(draft.avoid)
    picked: list[tuple[Name, str]] = []
    for tier in _candidate_tiers(draft, answers, corpus):
        from_tier = 0
        for candidate in _in_turn(tier, draft, scenario, corpus):
            if len(picked) == WRONG_CHOICES:
                return picked
            if from_tier == tier.limit:
                break
            if not candidate.core:
                continue  # "1.4.0": no words of its own to tell it from the answer ("LATEST")
            if any(candidate.conflicts(t) for t in taken):
                continue
            if _named_in_stem(candidate, draft, stem_words):
                continue
            if draft.pool == "option" and _related(candidate, answers, taken):
                continue
            hinted = _hinted(draft, candidate)
            if not hinted and _also_right(draft, candidate, scenario, answers, corpus):
                continue
            picked.append((candidate, hinted or _why(candidate, scenario, draft.pool, corpus)))
            taken.append(candidate)
            from_tier += 1
    return picked


def _also_right(
    draft: _Draft, candidate: Name, scenario: frozenset[str], answers: list[Name], corpus: Corpus
) -> bool:
    """A note says the candidate fits a scenario like this one, or the scenario names one of
    the candidate's own features (IAM roles for tasks are a Fargate feature too)."""
    if corpus.also_fits(candidate, scenario, answers, describing=draft.kind == "fact"):
        return True
    return draft.pool == "service" and bool(corpus.feature_named(candidate, scenario))


def _related(candidate: Name, answers: list[Name], taken: list[Name]) -> bool:
    """An option the notes tie to an answer, so it is not plainly wrong where the answer is
    right: the answer's description names it ("AWSVPC Mode: …; required for Fargate"), it is
    the general feature the answer is one case of ("Versions & Aliases: …; weighted aliases
    shift a percentage of traffic" for "Weighted aliases"), or it is an answer or another
    choice under another name ("Fargate compute environment" is "Fargate / Fargate Spot" of
    the "Compute Environment Types")."""
    for answer in answers:
        if _mentions(answer.description, candidate):
            return True
        kind = kind_of(answer)
        general = kind is not None and kind.head in significant(candidate.text)
        if general and _mentions(candidate.description, answer):
            return True
    return any(_same_option(candidate, t) or _same_option(t, candidate) for t in taken)


def _mentions(description: str, name: Name) -> bool:
    """Does a clause of the description name the option? "required for Fargate" names
    "Fargate Launch Type" and "weighted aliases shift …" names "Weighted aliases"; "run
    anywhere" does not name "EKS Anywhere" (a name is capitalized unless spelled out whole),
    nor does "EC2 Auto Scaling groups" name "EKS Auto Mode" (the word goes on into another
    name). A clause that sets them apart ("cannot be combined with …") does not tie them."""
    own = _distinctive(name)
    whole = significant(PARENTHESES.sub("", name.text)) - VENDOR_WORDS
    for tokens, stems, apart in _clauses(description):
        if not own or not own <= set(stems) or apart:
            continue
        if whole <= set(stems):
            return True
        for i, word in enumerate(stems):
            # A clause's first word is capitalized anyway: "Function reaches private …".
            if word in own and _looks_like_a_name(tokens[i], first=i == 0):
                following = tokens[i + 1] if i + 1 < len(tokens) else ""
                if not _looks_like_a_name(following) or stems[i + 1] in whole:
                    return True
    return False


@lru_cache(maxsize=CACHED)
def _clauses(description: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...], bool], ...]:
    """Each clause of a description: its words, their stems, and whether it sets them apart
    (read once: many candidates are held against the same descriptions)."""
    found = []
    for clause in re.split(r"[;,()]", description):
        tokens = tuple(re.findall(r"[A-Za-z0-9]+", clause.replace("_", " ")))
        stems = tuple(stem_word(t.casefold()) for t in tokens)
        found.append((tokens, stems, bool(_APART.search(clause))))
    return tuple(found)


def _looks_like_a_name(token: str, *, first: bool = False) -> bool:
    return (token[:1].isupper() and not first) or any(c.isdigit() for c in token)


def _distinctive(name: Name) -> frozenset[str]:
    """The words that tell an option from others of its kind: "weight" of "Weighted aliases"."""
    kind = kind_of(name)
    kind_words = {kind.head, *kind.modifiers} if kind else set()
    return (name.core - kind_words - HEAD_WORDS) or name.core


def _same_option(name: Name, member: Name) -> bool:
    """ "Spot compute environment" is a member of "Compute Environment Types" whose name has
    "Spot": the name less the words of the member's list is within the member's name."""
    if not member.family or name.note != member.note or name.family == member.family:
        return False
    rest = name.core - significant(member.family)
    return bool(rest) and rest <= member.core


_APART = re.compile(r"\b(?:not|no|cannot|can't|never|without|unlike|instead)\b", re.I)


def _in_turn(
    tier: _Tier, draft: _Draft, scenario: frozenset[str], corpus: Corpus
) -> Iterable[Name]:
    """The tier's candidates in the order they are weighed: all of them, ranked, up to POOL;
    else POOL of them (see POOL), in the order sampled."""
    candidates, skip = tier.candidates, tier.skip
    if candidates.count_without(skip) <= POOL:
        return _ranked(candidates.without(skip), draft, scenario, corpus)
    return itertools.islice(_sampled(tier, draft, scenario, corpus), POOL)


def _sampled(
    tier: _Tier, draft: _Draft, scenario: frozenset[str], corpus: Corpus
) -> Iterator[Name]:
    """The likely candidates first (up to half the pool), then the others, each from where
    the question's source text says in the tier's own order."""
    candidates, skip = tier.candidates, tier.skip
    start = int(_digest(draft.source)[:8], 16)
    seen: set[int] = set()
    for name in itertools.islice(_likely(tier, draft, scenario, corpus, start), POOL // 2):
        seen.add(id(name))
        yield name
    for name in candidates.from_position(start, skip):
        if id(name) not in seen:
            yield name


def _likely(
    tier: _Tier, draft: _Draft, scenario: frozenset[str], corpus: Corpus, start: int
) -> Iterable[Name]:
    """The candidates `_ranked` puts first: services a note says are wrong in a scenario this
    close, options whose names look like the answer's (beyond the answer's own list)."""
    if draft.pool == "service":
        return tier.candidates.containing(corpus.explained(scenario), start, tier.skip)
    families = {(a.note, a.family) for a in draft.answers}
    answer_words_ = frozenset().union(*(a.core for a in draft.answers))
    found = tier.candidates.sharing(answer_words_, start, tier.skip)
    return (n for n in found if (n.note, n.family) not in families)


def _ranked(
    tier: list[Name], draft: _Draft, scenario: frozenset[str], corpus: Corpus
) -> list[Name]:
    def explained(name: Name) -> bool:
        if _hinted(draft, name):
            return True
        return draft.pool == "service" and bool(corpus.why_wrong(name, scenario))

    # Beyond the answer's own list, an option whose name looks like the answer's ("Job
    # Queues" for "Multi-Node Parallel Jobs") is the more believable wrong choice.
    answer_words_ = frozenset().union(*(a.core for a in draft.answers))
    families = {(a.note, a.family) for a in draft.answers}

    def unlike(name: Name) -> bool:
        if draft.pool != "option" or (name.note, name.family) in families:
            return True
        return not name.core & answer_words_

    return sorted(
        tier,
        key=lambda n: (not explained(n), unlike(n), _digest(f"{draft.source}\x1f{n.text}")),
    )


def _named_in_stem(candidate: Name, draft: _Draft, stem_words: frozenset[str]) -> bool:
    """A service the stem names is part of the scenario, not a believable wrong answer."""
    if draft.pool == "service":
        return bool(candidate.tokens & stem_words)
    # "Security Groups per Task" when each task needs its own security group: partly right.
    # One word ("bursting") is too little to say the stem names an option ("Bursting Mode").
    named = answer_words(candidate.text)
    spelled_out = len(named) >= 2 and named <= stem_words
    return spelled_out or _normalized(candidate.text) in _normalized(draft.stem)


def _hinted(draft: _Draft, candidate: Name) -> str:
    if not draft.wrong_first:
        return ""
    return next(
        (reason for name, reason in draft.wrong_first if name.tokens == candidate.tokens), ""
    )


def _why(candidate: Name, scenario: frozenset[str], pool: str, corpus: Corpus) -> str:
    # What a note says against a service is about the service, not about each of its options.
    reason = corpus.why_wrong(candidate, scenario) if pool == "service" else ""
    if reason:
        return reason
    if candidate.description:
        return f"{candidate.text}: {candidate.description}"
    return ""


@dataclass(frozen=True)
class _Tier:
    """Candidates for wrong choices, of which a question takes at most `limit`; those of the
    list `skip` (by note and title: the answer's own list) are not among them."""

    candidates: Candidates
    limit: int
    skip: tuple[str, str] | None = None


_Tiers = list[_Tier]


def _candidate_tiers(draft: _Draft, answers: list[Name], corpus: Corpus) -> _Tiers:
    if draft.pool == "service":
        return _service_tiers(draft, answers, corpus)
    return _option_tiers(draft, answers[0], corpus)


def _service_tiers(draft: _Draft, answers: list[Name], corpus: Corpus) -> _Tiers:
    """Plain services against plain services; "ECS with the Fargate launch type" also
    against the other options of the same services ("ECS with the EC2 launch type")."""
    hinted = _Tier(Candidates([name for name, _reason in draft.wrong_first]), WRONG_CHOICES)
    plain = _Tier(corpus.plain_services(), WRONG_CHOICES)
    if all(corpus.is_plain(a) for a in answers):
        return [hinted, plain]
    bases = frozenset().union(*(corpus.service_words(a) for a in answers))
    # Two of the same services' other options at most, so a plain service is offered too.
    return [hinted, _Tier(corpus.kin_services(bases), KIN_CHOICES), plain]


def _option_tiers(draft: _Draft, answer: Name, corpus: Corpus) -> _Tiers:
    """Siblings first (the other networking modes), then options of the same kind in any
    note ("awsvpc Network Mode" for a networking mode, never "EKS Auto Mode", a node type),
    then the note's other listed options, and last (not for a fact, whose stem names what
    kind of option it asks for) the note's other summary and signal choices."""
    slug = note_slug(draft.note.path)
    siblings = corpus.families.get((slug, answer.family), []) if answer.family else []
    siblings = [m for m in siblings if m.description and not corpus.is_attribute(m)]
    same = _Tier(corpus.of_kind(answer), WRONG_CHOICES, skip=(slug, answer.family))
    own = corpus.options.get(slug, [])
    tiers = [_Tier(Candidates(siblings), WRONG_CHOICES), same]
    tiers.append(_Tier(Candidates([o for o in own if o.family]), WRONG_CHOICES))
    if draft.kind != "fact":
        tiers.append(_Tier(Candidates([o for o in own if not o.family]), WRONG_CHOICES))
    return tiers


@lru_cache(maxsize=CACHED)
def answer_words(answer: str) -> frozenset[str]:
    """The words of an answer that must not appear in its stem (kind words like "mode" may)."""
    return significant(PARENTHESES.sub("", answer)) - VENDOR_WORDS - HEAD_WORDS


def _topic_at(note: ParsedNote, line: int) -> str:
    title = ""
    for topic in note.topics:
        if topic.line <= line:
            title = topic.title
    return title
