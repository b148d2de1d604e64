"""How the question generator reads words: stemming, negation, and the names of choices."""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    """
    a an the and or of to in on at by for from with without into onto than then via per as is
    are be been being was were it its this that these those there their they them you your we
    our us he she his her who what which when where while if so not no nor only own each every
    any all some more most less least very just also too can could would will shall should must
    may might do does did done has have had need needs needed want wants wanted require
    requires required use used using team teams one same other others another such up down out
    about over under across between both either neither but how why way ways
    """.split()  # noqa: SIM905 - a word list reads better as words
)
VENDOR_WORDS = frozenset({"amazon", "aws"})
# Words that say what kind of thing an option is, not which one: "EC2 launch type" and
# "ECS on EC2" name the same choice.
HEAD_WORDS = frozenset({"launch", "typ", "mod", "network", "networking", "option", "featur"})
WORD = re.compile(r"[a-z0-9]+")
# How many texts' words are kept once read: names and scenarios are read again for every
# question that meets them (more would hold more memory between imports, for no gain measured
# on 1,000 notes).
CACHED = 1 << 13


@lru_cache(maxsize=CACHED)
def stem_word(word: str) -> str:
    """A light stemmer: enough for "modes"/"mode", "managed"/"managing", "policies"/"policy"."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
        if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "sl":
            word = word[:-1]
    elif word.endswith(("ed", "es")) and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Stemmed significant words of a text, in order."""
    return [
        stem_word(w)
        for w in WORD.findall(text.casefold().replace("_", " "))
        if w not in STOPWORDS and len(w) > 1
    ]


@lru_cache(maxsize=CACHED)
def significant(text: str) -> frozenset[str]:
    return frozenset(words(text))


@lru_cache(maxsize=CACHED)
def meaning(text: str) -> frozenset[str]:
    """Significant words for comparing scenarios, with negation kept: "without managing
    servers" is {no-manag, server}, not {manag, server}."""
    result, negate = set(), False
    for raw in WORD.findall(text.casefold().replace("_", " ")):
        if raw in _NEGATIONS:
            negate = True
            continue
        if raw in STOPWORDS or len(raw) < 2:
            continue
        result.add(("no-" if negate else "") + stem_word(raw))
        negate = False
    return frozenset(result)


_NEGATIONS = frozenset({"no", "not", "without", "never", "non"})
PARENTHESES = re.compile(r"\s*\(([^()]*)\)")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")


@lru_cache(maxsize=CACHED)
def name_words(text: str) -> frozenset[str]:
    """What identifies a name: "Kubernetes (EKS)" is EKS; "Managed EC2 (On-Demand)" is
    managed EC2; kind words ("launch type", "mode") and vendor prefixes do not count."""
    inner = [m.group(1).strip() for m in PARENTHESES.finditer(text)]
    outer = PARENTHESES.sub("", text)
    if len(inner) == 1 and _ACRONYM.match(inner[0]):
        outer = inner[0]
    return frozenset(words(outer)) - VENDOR_WORDS - HEAD_WORDS


@lru_cache(maxsize=CACHED)
def tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .;:,")


@lru_cache(maxsize=CACHED)
def split_choices(text: str) -> tuple[str, ...]:
    """Two choices named as one answer: "AWS Step Functions or ECS with Fargate launch type",
    "IRSA / EKS Pod Identity"."""
    parts = tuple(p.strip() for p in re.split(r"\s+or\s+|\s+/\s+", text) if p.strip())
    return parts if len(parts) == 2 else (text.strip(),)


def lowercase_first(text: str) -> str:
    """ "Managed cluster" -> "managed cluster", "A data warehouse" -> "a data warehouse";
    an acronym stays: "AWS hardware", "EC2 nodes"."""
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and not (len(first) > 1 and first[:2].isupper()):
        return text[:1].lower() + text[1:]
    return text
