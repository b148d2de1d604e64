"""How a question is worded: exam-style stems from scenarios, conditions and descriptions."""

from __future__ import annotations

import re

from studyapp.notes.parsed import ParsedNote
from studyapp.questions.corpus import Name, context_words
from studyapp.questions.words import lowercase_first, significant, tidy

_YOU = (
    (re.compile(r"^you (want|need|require|plan|have)\b", re.I), r"the team \1s"),
    (re.compile(r"^you can\b", re.I), "the team can"),
    (re.compile(r"^your\b", re.I), "the team's"),
    (re.compile(r"^(it|the scenario)\b", re.I), "the workload"),
)
_GERUND = re.compile(r"^[A-Za-z]{2,}ing\b(?!-)")
_FINITE_VERB = re.compile(
    r"\b(is|are|was|were|must|should|can|will|needs?|wants?|has|have|takes?|requires?)\b", re.I
)


def scenario_stem(text: str) -> str:
    """A decision row's scenario ("managed Kubernetes cluster") as an exam question."""
    if _GERUND.match(text):
        return f"A team is {text}. Which option fits best?"
    return f"A team has this requirement: {text}. Which option fits best?"


def condition_stem(text: str, condition: str, sentence: str) -> str:
    """An exam-signal condition as a question: "If managing infrastructure is required" is a
    clause; "For containerized apps requiring …" and "Look for …" introduce a need."""
    if _GERUND.match(text) and not _FINITE_VERB.search(text):
        return f"A team is {text}. Which option fits best?"
    introduced = re.search(r"\b(?:for|look for)\s+" + re.escape(condition[:24]), sentence, re.I)
    if introduced:
        return f"A team needs {text}. Which option fits best?"
    return f"In this scenario, {text}. Which option fits best?"


def focus_stem(text: str) -> str:
    sentence = you_to_team(tidy(text))
    sentence = re.sub(r"^the team", "A team", sentence)
    return f"{sentence[:1].upper()}{sentence[1:]}. Which option fits best?"


def you_to_team(text: str) -> str:
    for pattern, replacement in _YOU:
        text = pattern.sub(replacement, text)
    return text


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
