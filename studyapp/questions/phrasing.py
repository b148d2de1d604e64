"""How a question is worded: exam-style stems from scenarios, conditions and descriptions."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from studyapp.notes.parsed import ParsedNote
from studyapp.questions.corpus import Name, context_words
from studyapp.questions.words import lowercase_first, significant, tidy

ASK = "Which option fits best"
_GERUND = re.compile(r"^[A-Za-z]{2,}ing\b(?!-)")
_FINITE_VERB = re.compile(
    r"\b(is|are|was|were|must|should|can|will|needs?|wants?|has|have|takes?|requires?)\b", re.I
)
_THIRD = {"want": "wants", "need": "needs", "require": "requires", "plan": "plans"}
_THIRD |= {"have": "has", "prefer": "prefers", "expect": "expects", "can": "can"}


def scenario_stem(text: str) -> str:
    """A decision row's scenario ("managed Kubernetes cluster") as an exam question."""
    if _GERUND.match(text):
        return f"A team is {text}. {ASK}?"
    actor = _actor_sentence(text)
    if actor:
        return f"{actor}. {ASK}?"
    return f"A team has this requirement: {text}. {ASK}?"


# Who a scenario can be about, and what they are said to be after: "Team with no Kubernetes
# experience wanting the simplest orchestration" is a sentence about a team.
_ACTOR = re.compile(
    r"^(teams?|compan(?:y|ies)|organi[sz]ations?|developers?|startups?|customers?|users?|"
    r"businesses|business|enterprises?)\b",
    re.I,
)
_DESIRE = re.compile(r"\b(want|need|requir|prefer|plann|expect|seek)ing\b")
_DESIRE_VERB = {"requir": "require", "plann": "plan"}


def _actor_sentence(text: str) -> str:
    actor, desire = _ACTOR.match(text), _DESIRE.search(text)
    if not actor or not desire:
        return ""
    verb = _DESIRE_VERB.get(desire.group(1), desire.group(1))
    plural = actor.group(1).casefold().endswith("s") and not actor.group(1).endswith("ss")
    sentence = text[: desire.start()] + (verb if plural else _third(verb)) + text[desire.end() :]
    if plural:
        return sentence[:1].upper() + sentence[1:]
    article = "An" if sentence[:1].casefold() in "aeiou" else "A"
    return f"{article} {lowercase_first(sentence)}"


def condition_stem(
    condition: str,
    sentence: str,
    earlier: Sequence[str] = (),
    lower_first: Callable[[str], str] = lowercase_first,
) -> str:
    """An exam-signal condition as a question.

    "If managing infrastructure is required" is a clause: "Which option fits best when
    managing infrastructure is required?". "If you want …" is about a team ("A team wants …");
    "For containerized apps requiring …" and "Look for …" introduce a workload or a need. "It"
    is whatever the rule before it was about ("if a Fargate task needs …; if it needs …"), and
    "the question is about X" means a team needs X. `earlier` are the conditions of the same
    signal that come before this one.
    """
    text = lower_first(_resolve_it(tidy(condition), earlier))
    team = _team_sentence(text)
    if team:
        return f"{team}. {ASK}?"
    need = _META_NEED.match(text)
    if need:
        return f"A team needs {text[need.end() :]}. {ASK}?"
    if _GERUND.match(text) and not _FINITE_VERB.search(text):
        return f"A team is {text}. {ASK}?"
    introduced = re.search(r"\b(?:for|look for)\s+" + re.escape(condition[:24]), sentence, re.I)
    if introduced:
        return f"{_need_sentence(text)}. {ASK}?"
    return f"{ASK} when {_about_requirements(text)}?"


def focus_stem(text: str) -> str:
    sentence = you_to_team(tidy(text))
    sentence = re.sub(r"^the team", "A team", sentence)
    return f"{sentence[:1].upper()}{sentence[1:]}. {ASK}?"


_YOU = re.compile(r"^you (want|need|require|plan|have|prefer|expect|can)\b", re.I)


def you_to_team(text: str) -> str:
    """ "You want X without building your own scheduler" -> "the team wants X without building
    its own scheduler"; "Your workloads require" -> "the team's workloads require"."""
    you = _YOU.match(text)
    if you:
        text = f"the team {_third(you.group(1).casefold())}{text[you.end() :]}"
    elif re.match(r"^your\b", text, re.I):
        text = "the team's" + text[4:]
    else:
        return text
    return re.sub(r"\byour\b", "its", text)


def _third(verb: str) -> str:
    return _THIRD.get(verb, verb + "s")


_DETERMINER = frozenset({"a", "an", "the", "each", "every", "this"})


def _resolve_it(text: str, earlier: Sequence[str]) -> str:
    if not re.match(r"^it\b", text, re.I):
        return text
    subject = next((s for s in map(_subject, reversed(earlier)) if s), "the workload")
    return subject + text[2:]


def _subject(clause: str) -> str:
    """ "a Fargate task needs shared files" -> "a Fargate task"; "" when it has no plain one."""
    tokens = tidy(clause).split()[:6]
    if not tokens or tokens[0].casefold() not in _DETERMINER:
        return ""
    # "the batch jobs need …": a verb the pattern knows first; else a word in -s after the
    # noun ("the scenario mentions …", "an order process pauses …").
    verb = next((i for i, t in enumerate(tokens) if i and _FINITE_VERB.fullmatch(t)), None)
    if verb is None:
        verb = next((i for i, t in enumerate(tokens) if i >= 2 and _third_person(t)), None)
    return " ".join(tokens[:verb]) if verb else ""


def _third_person(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


_TEAM = re.compile(
    r"^(?:the team|a team|you)\s+(wants?|needs?|requires?|plans?|has|have|prefers?|can)\b", re.I
)


def _team_sentence(text: str) -> str:
    team = _TEAM.match(text)
    if not team:
        return ""
    verb = team.group(1).casefold()
    verb = verb if verb.endswith("s") or verb == "can" else _third(verb)
    return re.sub(r"\byour\b", "its", f"A team {verb}{text[team.end() :]}")


# "The question is about X", "the scenario mentions X": what the exam question says, not what
# a team needs; "for containerized app scenarios requiring …" is for containerized apps.
_META_SUBJECT = re.compile(r"^(?:the|this)\s+(?:exam\s+)?(?:question|scenario)\s+", re.I)
_META_NEED = re.compile(
    r"^(?:the|this)\s+(?:exam\s+)?(?:question|scenario)\s+(?:is\s+about|needs|requires)\s+", re.I
)
_META_NOUN = re.compile(r"\b([A-Za-z-]+)\s+(scenarios?|use cases?|situations?)\b", re.I)
_WORKLOAD_NEEDS = re.compile(
    r"\b(?:requiring|needing|that (?:need|require)s?|which (?:need|require)s?)\b", re.I
)
_PLURAL_OF = {"is": "are", "has": "have", "was": "were", "does": "do"}


def _about_requirements(clause: str) -> str:
    meta = _META_SUBJECT.match(clause)
    if not meta:
        return clause
    verb, _, rest = clause[meta.end() :].partition(" ")
    return f"the requirements {_plural_verb(verb.casefold())} {rest}".strip()


def _plural_verb(verb: str) -> str:
    if verb in _PLURAL_OF:
        return _PLURAL_OF[verb]
    if verb.endswith(("sses", "shes", "ches", "xes", "zes")):
        return verb[:-2]
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    return verb[:-1] if verb.endswith("s") and not verb.endswith("ss") else verb


def _need_sentence(phrase: str) -> str:
    phrase = _META_NOUN.sub(
        lambda m: _plural(m.group(1)) if m.group(2)[-1:] == "s" else m.group(1), phrase
    )
    if _WORKLOAD_NEEDS.search(phrase):
        return f"A team has {phrase}"
    return f"A team needs {phrase}"


def _plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


_KIND_WORD = re.compile(
    r"((?:[A-Za-z-]+\s+){0,2})(modes?|types?|models?|options|strateg(?:y|ies)|polic(?:y|ies)|"
    r"providers?|orchestrators|packages)\b",
    re.I,
)


def kind_noun(family: str) -> str:
    """ "Networking Modes" -> "networking mode"; "Supports multiple scheduling strategies" ->
    "scheduling strategy"; "Compute Environment Types" -> "compute environment type"."""
    match = _KIND_WORD.search(family)
    if not match:
        return "option"
    lead = [w for w in match.group(1).split() if w.casefold() not in {"multiple", "supports"}]
    return " ".join([*(w.casefold() for w in lead), _singular(match.group(2).casefold())])


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


_THIRD_PERSON = re.compile(
    r"^(adds|allows|applies|adjusts|assigns|attaches|balances|captures|changes|chooses|"
    r"creates|defines|falls|gives|guarantees|holds|keeps|launches|lets|maintains|maps|"
    r"points|provides|provisions|registers|removes|routes|runs|scales|sends|shares|"
    r"snapshots|stores|supports|uses|lazy-loads|waits|polls|queues|invokes)\b",
    re.I,
)
_IMPERATIVE = re.compile(
    r"^(add|allow|apply|adjust|assign|attach|balance|capture|change|choose|create|define|"
    r"give|guarantee|hold|keep|launch|let|maintain|map|point|provide|provision|register|"
    r"remove|route|run|scale|send|share|store|support|use|consume|react|control|grant|mix|"
    r"mount|reuse|collect|submit|schedule|terminate|retry|deploy|rewrite|trigger|reach)\b",
    re.I,
)


def fact_stem(note: ParsedNote, kind_noun: str, description: str, answer: Name) -> tuple[str, str]:
    """(given, stem): "Which networking mode assigns each task an elastic network interface …?"

    The service is named unless the answer carries its name ("EKS Auto Mode").
    """
    clause = tidy(description.split(";")[0])
    service = note.service or note.short_name
    names_service = bool(context_words(note) & significant(answer.text))
    given = f"Which {kind_noun}" if names_service else f"In {service}, which {kind_noun}"
    if _THIRD_PERSON.match(clause):
        return given, f"{given} {lowercase_first(clause)}?"
    if _IMPERATIVE.match(clause):
        return given, f"{given} lets you {lowercase_first(clause)}?"
    return given, f"{given} matches this description: “{clause}”?"
