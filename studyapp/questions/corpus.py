"""What all the notes say together: the services and options they name, and which fits what.

Pure: no Django. The generator asks it for wrong choices of the right kind, and whether a
note says a would-be wrong choice also fits a scenario (then it is not offered as wrong).
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import PurePath
from typing import Generic, TypeVar

from studyapp.notes.parsed import Fact, ParsedNote
from studyapp.questions.words import (
    CACHED,
    PARENTHESES,
    STOPWORDS,
    VENDOR_WORDS,
    WORD,
    lowercase_first,
    meaning,
    name_words,
    significant,
    split_choices,
    stem_word,
    tidy,
    words,
)

T = TypeVar("T")
U = TypeVar("U")

# Cosine similarity (IDF-weighted words) between two scenarios. Above SIMILAR, anything a
# note says fits the one is kept out of the wrong choices of the other; above SAME_SCENARIO, a
# note saying a choice does not fit the one explains why it is wrong for the other.
SIMILAR = 0.3
SAME_SCENARIO = 0.45
SAME_DESCRIPTION = 0.8
# A ✅ row's alternative becomes a second answer only when another note says it fits a
# scenario this close.
CONFIRMED = 0.6
# Words in more than this share of everything the notes say ("container", "job", "run") tell
# nothing about a need; "GPU" does.
COMMON_WORD_SHARE = 0.06
IDF_FLOOR = 0.1
MIN_FAMILY = 3


@lru_cache(maxsize=4096)
def note_slug(path: str) -> str:
    """A note's slug from its file name, the way Django's slugify makes it."""
    stem = PurePath(path).stem
    value = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")[:200] or "note"


# --- Names: services and options -------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """A choice as the generator reasons about it.

    `tokens` identify it among all services ("ECS on EC2" and "Amazon ECS with the EC2
    launch type" are both {ecs, ec2}); `core` identifies an option within its own service
    (the ECS option "AWSVPC Mode" and the Fargate option "awsvpc network mode" are both
    {awsvpc}).
    """

    text: str
    tokens: frozenset[str]
    core: frozenset[str]
    note: str = ""
    family: str = ""
    head: str = ""
    description: str = ""

    def conflicts(self, other: Name) -> bool:
        """True when the two could be the same answer under different names.

        Siblings of one list are different options even when one name contains the other
        (BEST_FIT and BEST_FIT_PROGRESSIVE).
        """
        if self.family and self.family == other.family and self.note == other.note:
            return self.core == other.core
        return _overlaps(self.tokens, other.tokens) or _overlaps(self.core, other.core)

    def is_within(self, subject: Name) -> bool:
        """True when whatever is said to fit `subject` also fits this name."""
        return bool(self.tokens) and self.tokens <= subject.tokens


def _overlaps(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a) and bool(b) and (a <= b or b <= a)


def service_name(text: str) -> Name:
    tokens = name_words(text)
    return Name(text=tidy(text), tokens=tokens, core=tokens)


def option_name(text: str, note: ParsedNote, *, family: str = "", description: str = "") -> Name:
    core = name_words(text)
    context = context_words(note)
    return Name(
        text=tidy(text),
        tokens=core | context,
        core=(core - context) or core,
        note=note_slug(note.path),
        family=family,
        head=head_of(text),
        description=description,
    )


def context_words(note: ParsedNote) -> frozenset[str]:
    return name_words(note.short_name or note.service)


@lru_cache(maxsize=4096)
def head_of(text: str) -> str:
    bare = [
        w
        for w in WORD.findall(PARENTHESES.sub("", text).casefold())
        if w not in STOPWORDS and not w.isdigit()
    ]
    return stem_word(bare[-1]) if bare else ""


@dataclass(frozen=True)
class Kind:
    """What sort of option a name is: "Networking Modes" members are (mod, {network}).

    Two options are of one kind when their head nouns match and so do their modifiers:
    "awsvpc Network Mode" is a networking mode, "EKS Auto Mode" (a node type) is not, and
    "Node Types" and "Job Types" are different kinds though both are "types".
    """

    head: str
    modifiers: frozenset[str]

    def matches(self, other: Kind) -> bool:
        if self.head != other.head:
            return False
        return bool(self.modifiers & other.modifiers) or not (self.modifiers or other.modifiers)


def kind_of(name: Name) -> Kind | None:
    """The kind a list title gives its members ("Networking Modes"), else the kind the name
    itself ends in ("awsvpc Network Mode"); None for a bare name ("Karpenter")."""
    return _kind_of(name.family, name.text)


@lru_cache(maxsize=8192)
def _kind_of(family: str, text: str) -> Kind | None:
    if family and names_kind(family):
        return _family_kind(family)
    return _name_kind(text)


def same_kind(a: Name, b: Name) -> bool:
    kind_a, kind_b = kind_of(a), kind_of(b)
    return kind_a is not None and kind_b is not None and kind_a.matches(kind_b)


def _is_of(kind: Kind, name: Name) -> bool:
    other = kind_of(name)
    return other is not None and kind.matches(other)


# "Types" and "Options" say there is a list, not what it lists: "Node Types" lists nodes.
_GENERIC_KINDS = frozenset({"typ", "option", "kind", "category"})
_QUANTIFIERS = frozenset({"supports", "support", "multiple", "several", "various", "different"})
_NAME_QUALIFIER = re.compile(r"\s(?:per|for|with|on|via|of|in|using|at|to|from|by|across|/|\+)\s")


@lru_cache(maxsize=4096)
def _family_kind(family: str) -> Kind | None:
    raw = WORD.findall(PARENTHESES.sub("", family).casefold())
    stems = [stem_word(w) for w in raw if w not in STOPWORDS and w not in _QUANTIFIERS]
    return _kind(stems[-3:])


@lru_cache(maxsize=4096)
def _name_kind(text: str) -> Kind | None:
    # "Security Groups per Task" is a kind of group; "ECS with ALB/NLB" names no kind.
    bare = _NAME_QUALIFIER.split(f" {PARENTHESES.sub('', text)} ", maxsplit=1)[0]
    raw = WORD.findall(bare.casefold().replace("_", " "))
    stems = [stem_word(w) for w in raw if w not in STOPWORDS | VENDOR_WORDS and not w.isdigit()]
    if stems and stems[-1] in _GENERIC_KINDS:
        stems = stems[:-1]
    # The first word tells the option apart ("Bridge"); a one-word name says no kind.
    return _kind(stems[1:]) if len(stems) >= 2 else None


def _kind(stems: list[str]) -> Kind | None:
    if stems and stems[-1] in _GENERIC_KINDS:
        stems = stems[:-1]
    return Kind(stems[-1], frozenset(stems[:-1])) if stems else None


# --- Candidates: the would-be wrong choices of one sort ---------------------------------------


class Candidates:
    """Would-be choices of one sort (the plain services, the options of one kind), with the
    look-ups a question needs to weigh a bounded pool of them when they are many.

    `names` are in the order they were found in. The look-ups go by `_Ordered`, an order that
    depends only on the names' texts: any stretch of it is a fair sample, the same for the same
    notes. They give one name per text (the first found): several notes may list an option
    under one name ("EC2 Launch Type"), and a learner sees only the text. Those of a larger
    sort that share a word with `bases` (`part_of`) are one too.
    """

    def __init__(self, names: list[Name]) -> None:
        self._names: list[Name] | None = names
        self._ordered: _Ordered | None = None
        self._positions: Sequence[int] = range(len(names))
        self._bases: frozenset[str] | None = None
        self._memo: dict[str, dict[frozenset, list[int]]] = {}
        self._distinct: list[int] | None = None

    @classmethod
    def part_of(cls, whole: Candidates, bases: frozenset[str]) -> Candidates:
        """Those of `whole` sharing a word with `bases`."""
        part = cls([])
        part._names, part._ordered, part._bases = None, whole.ordered, bases
        by_token = part._ordered.by_token
        part._positions = sorted(set().union(*(by_token.get(w, ()) for w in bases)))
        return part

    def __len__(self) -> int:
        return len(self._positions)

    @property
    def names(self) -> list[Name]:
        if self._names is None:
            ordered = self.ordered
            found = sorted(self._positions, key=ordered.found_at.__getitem__)
            self._names = [ordered.names[i] for i in found]
        return self._names

    @property
    def ordered(self) -> _Ordered:
        if self._ordered is None:
            self._ordered = _Ordered(self.names)
        return self._ordered

    def without(self, family: tuple[str, str] | None) -> list[Name]:
        """The candidates, less the members of one list of options (by note and title)."""
        if family is None:
            return self.names
        return [n for n in self.names if (n.note, n.family) != family]

    def count_without(self, family: tuple[str, str] | None) -> int:
        if family is None or not self._positions:
            return len(self._positions)
        members = self.ordered.by_list.get(family, ())
        return len(self._positions) - sum(1 for i in members if self._has(i))

    def _has(self, position: int) -> bool:
        return self._bases is None or bool(self.ordered.names[position].tokens & self._bases)

    def from_position(self, start: int, skip: tuple[str, str] | None = None) -> Iterator[Name]:
        """All of them in `_Ordered` order, from the one at or after `start` (a position in
        the whole order, any number) round to it; none of the list `skip` (note, title)."""
        if self._distinct is None:
            first = self.ordered.first
            self._distinct = [i for i in self._positions if first[i]]
        return self._from(self._distinct, start, skip)

    def containing(
        self, subjects: frozenset[frozenset[str]], start: int, skip: tuple[str, str] | None = None
    ) -> Iterator[Name]:
        """Those having all the words of one of `subjects`, as `from_position` orders them."""
        return self._from(self._found("containing", subjects, self._containing), start, skip)

    def sharing(
        self, words_: frozenset[str], start: int, skip: tuple[str, str] | None = None
    ) -> Iterator[Name]:
        """Those whose own words (`core`) share one of `words_`, as `from_position` orders
        them."""
        return self._from(self._found("sharing", words_, self._sharing), start, skip)

    def _found(
        self, look_up: str, key: frozenset, find: Callable[[frozenset], set[int]]
    ) -> list[int]:
        # Questions on one scenario (a rule repeated in many notes) look up the same thing.
        memo = self._memo.setdefault(look_up, {})
        if key not in memo:
            first = self.ordered.first
            memo[key] = sorted(i for i in find(key) if first[i] and self._has(i))
        return memo[key]

    def _containing(self, subjects: frozenset[frozenset[str]]) -> set[int]:
        ordered = self.ordered
        if frozenset() in subjects:
            return set(range(len(ordered.names)))
        found: set[int] = set()
        for subject in subjects:
            rarest = min((ordered.by_token.get(w, []) for w in subject), key=len)
            found.update(i for i in rarest if subject <= ordered.names[i].tokens)
        return found

    def _sharing(self, words_: frozenset[str]) -> set[int]:
        by_core = self.ordered.by_core
        return set().union(*(by_core.get(w, ()) for w in words_))

    def _from(
        self, positions: Sequence[int], start: int, skip: tuple[str, str] | None
    ) -> Iterator[Name]:
        ordered, count = self.ordered, len(positions)
        cut = bisect.bisect_left(positions, start % (len(ordered.names) or 1))
        for i in range(cut, cut + count):
            position = positions[i % count]
            name = ordered.names[position]
            if skip is not None and name.family == skip[1] and name.note == skip[0]:
                # The same text from another list stands in for it, if there is one.
                position = ordered.other_list.get(position, -1)
                if position < 0 or not self._has(position):
                    continue
                name = ordered.names[position]
            yield name


class _Ordered:
    """Names in an order that depends only on their texts (on a tie, the order found), with
    look-ups by word and by list."""

    def __init__(self, names: list[Name]) -> None:
        self.found_at = sorted(range(len(names)), key=lambda i: (_text_rank(names[i].text), i))
        self.names = [names[i] for i in self.found_at]
        # Names of one text are next to each other: the first of them stands for them all,
        # and the next one from another list stands in for it where its own list is left out.
        self.first = [i == 0 or n.text != self.names[i - 1].text for i, n in enumerate(self.names)]
        self.other_list: dict[int, int] = {}
        for i, name in enumerate(self.names):
            if self.first[i]:
                run = i
            elif run not in self.other_list and (name.note, name.family) != (
                self.names[run].note,
                self.names[run].family,
            ):
                self.other_list[run] = i
        self.by_token = _positions(self.names, lambda n: n.tokens)
        self._by_core: dict[str, list[int]] | None = None
        self._by_list: dict[tuple[str, str], list[int]] | None = None

    @property
    def by_core(self) -> dict[str, list[int]]:
        if self._by_core is None:
            self._by_core = _positions(self.names, lambda n: n.core)
        return self._by_core

    @property
    def by_list(self) -> dict[tuple[str, str], list[int]]:
        if self._by_list is None:
            self._by_list = {}
            for i, name in enumerate(self.names):
                self._by_list.setdefault((name.note, name.family), []).append(i)
        return self._by_list


def _positions(
    names: list[Name], words_of: Callable[[Name], frozenset[str]]
) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        for w in words_of(name):
            found.setdefault(w, []).append(i)
    return found


@lru_cache(maxsize=CACHED)
def _text_rank(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


# --- The corpus: everything all notes say -----------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A note saying that `subject` fits (or does not fit) a scenario, and why."""

    subject: Name
    scenario: frozenset[str]
    fits: bool
    reason: str
    origin: str = ""
    note: str = ""


@dataclass
class Corpus:
    """Everything the notes say, read once per generation.

    `services` are every service any note names, alone ("AWS Batch": the `atomic` ones) or with
    an option ("Amazon ECS with the EC2 launch type"), one display name each; `families` are
    the notes' lists of sibling options; `options` each note's options (summary answers, signal
    choices, members of option families); `evidence` what each note says fits or does not.
    """

    notes: list[ParsedNote]
    services: list[Name] = field(default_factory=list)
    atomic: list[Name] = field(default_factory=list)
    atomic_tokens: frozenset[frozenset[str]] = frozenset()
    options: dict[str, list[Name]] = field(default_factory=dict)
    families: dict[tuple[str, str], list[Name]] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    named_facts: dict[tuple[str, str], Name | None] = field(default_factory=dict)
    # Choices a note names together for one need ("→ Amazon ECS or AWS Batch"): where one is
    # right for a similar need, so may the other be.
    partners: list[tuple[frozenset[str], tuple[Name, ...]]] = field(default_factory=list)
    # Every listed or named option by the head of its kind ("mod" for networking modes).
    kinds: dict[str, list[Name]] = field(default_factory=dict)
    # Each service's features by the words of their names, from the service's own note.
    features: dict[frozenset[str], list[tuple[frozenset[str], str]]] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    unseen_weight: float = 1.0
    telling_weight: float = 0.0
    lowercase_words: frozenset[str] = frozenset()
    proper_words: frozenset[str] = frozenset()
    # Look-ups worked out from the fields above on first use, each read once per lookup
    # instead of scanning every note: `build` fills the fields, generation asks.
    _cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, notes: list[ParsedNote]) -> Corpus:
        corpus = cls(notes=notes)
        corpus.lowercase_words = frozenset(
            stem_word(w) for n in notes for w in re.findall(r"(?<![\w.])[a-z][a-z-]+", n.text)
        )
        # Names are capitalized mid-sentence too, and never lowercase: "managed Kubernetes".
        corpus.proper_words = frozenset(
            w
            for n in notes
            for w in re.findall(r"(?<=[a-z,] )([A-Z][a-z]+)\b", n.text)
            if stem_word(w.casefold()) not in corpus.lowercase_words
        )
        for note in notes:
            corpus._read_families(note)
        for note in notes:
            corpus._read_services(note)
        corpus.services = _canonical_services(corpus.services)
        corpus.atomic = [s for s in corpus.services if not _is_compound(s.text)]
        corpus.atomic_tokens = frozenset(s.tokens for s in corpus.atomic)
        for note in notes:
            corpus._read_compound_services(note)
        corpus.services = _canonical_services(corpus.services)
        for note in notes:
            corpus._read_options(note)
            corpus._read_evidence(note)
        corpus.features = _features(notes)
        corpus.kinds = corpus._by_kind()
        corpus.weights = _idf([e.scenario for e in corpus.evidence])
        corpus.unseen_weight = max(corpus.weights.values(), default=1.0)
        corpus.telling_weight = math.log(1 / COMMON_WORD_SHARE) + IDF_FLOOR
        return corpus

    # Services ---------------------------------------------------------------------------

    def _read_services(self, note: ParsedNote) -> None:
        names = [note.service] if note.service else []
        names += [d.alternative for d in note.decisions if d.alternative]
        names += [f.alternative for f in note.focus if f.alternative]
        for name in names:
            for part in split_choices(name):
                self.services.append(service_name(part))

    def _read_compound_services(self, note: ParsedNote) -> None:
        """Services with their option, as ✅ rows and signals name them ("ECS on EC2")."""
        for d in note.decisions:
            if d.fits:
                self.services.append(self.compose(note, d.service_option))
        for signal in note.signals:
            for rule in signal.rules:
                for part in split_choices(rule.choose):
                    subject = self.subject(part, note)
                    if not subject.note:
                        self.services.append(subject)

    def names_service(self, text: str, note: ParsedNote | None = None) -> bool:
        """True when `text` names a service: another note's, or exactly `note`'s own.

        "FARGATE_SPOT capacity provider" in the Fargate note is an option of Fargate;
        "Managed node groups on Amazon EKS" in the same note names a service.
        """
        tokens = name_words(text)
        own = context_words(note) if note is not None else frozenset()
        if own and tokens == own:
            return True
        return any(t != own for t in self._services_within(tokens))

    def _services_within(self, tokens: frozenset[str]) -> list[frozenset[str]]:
        """The words of each service named by `tokens` or by a part of them."""
        found = self._cache.setdefault("services_within", {})
        if tokens not in found:
            if len(tokens) <= _MAX_SUBSETS:
                found[tokens] = [t for t in _subsets(tokens) if t and t in self.atomic_tokens]
            else:
                found[tokens] = [s.tokens for s in self.atomic if s.tokens <= tokens]
        return found[tokens]

    def is_plain(self, name: Name) -> bool:
        """A service by itself ("AWS Batch"), not with one of its options."""
        return name.tokens in self.atomic_tokens

    def service_words(self, name: Name) -> frozenset[str]:
        return frozenset().union(*self._services_within(name.tokens))

    def canonical(self, name: Name) -> Name:
        """The display name used everywhere for a service known under several names."""
        return self._first_services().get(name.tokens, name)

    def _first_services(self) -> dict[frozenset[str], Name]:
        # While the corpus is built, `services` grows or is replaced by a new list: the
        # look-up reads only what was appended since, or starts again.
        services = self.services
        known, read, by_tokens = self._cache.get("services", (None, 0, {}))
        if known is not services:
            read, by_tokens = 0, {}
        for service in services[read:]:
            by_tokens.setdefault(service.tokens, service)
        self._cache["services"] = (services, len(services), by_tokens)
        return by_tokens

    # Options --------------------------------------------------------------------------------

    def _read_families(self, note: ParsedNote) -> None:
        slug = note_slug(note.path)
        for fact in all_facts(note.facts):
            # Rows of a use-case table name situations, not options.
            if fact.term and fact.kind == "bullet":
                name = option_name(fact.term, note, family=fact.family, description=fact.text)
                self.families.setdefault((slug, fact.family), []).append(name)

    def _read_options(self, note: ParsedNote) -> None:
        slug = note_slug(note.path)
        found: list[Name] = []
        for row in note.summary:
            found.append(self.resolve_option(row.option, note, description=row.keyword))
        for signal in note.signals:
            for rule in signal.rules:
                for part in split_choices(rule.choose):
                    if self.is_own_option(part, note) or not self.names_service(part, note):
                        found.append(self.resolve_option(part, note, description=rule.when))
        for family, members in self.families_of(slug):
            if self.is_option_family(family, members):
                found.extend(members)
        self.options[slug] = _distinct(found)

    def families_of(self, slug: str) -> list[tuple[str, list[Name]]]:
        """The lists of sibling options of one note, in the order the note gives them."""
        by_note = self._cache.get("families")
        if by_note is None or by_note[0] != len(self.families):
            found: dict[str, list[tuple[str, list[Name]]]] = {}
            for (note, family), members in self.families.items():
                found.setdefault(note, []).append((family, members))
            by_note = self._cache["families"] = (len(self.families), found)
        return by_note[1].get(slug, [])

    def fact_for(self, text: str, note: ParsedNote) -> Name | None:
        """The fact term of `note` that `text` names ("Fargate" -> "Fargate Launch Type")."""
        slug = note_slug(note.path)
        if (slug, text) not in self.named_facts:
            self.named_facts[(slug, text)] = self._find_fact(text, note, slug)
        return self.named_facts[(slug, text)]

    def _find_fact(self, text: str, note: ParsedNote, slug: str) -> Name | None:
        wanted = _option_core(text, context_words(note))
        # Only a member sharing a word with `wanted` can be named by it.
        members, by_word = self._members_of(slug, note)
        matches = [
            members[i]
            for i in sorted({i for w in wanted for i in by_word.get(w, ())})
            if _names_same_option(text, members[i].text, note, members[i].family)
        ]
        exact = [m for m in matches if m.core == wanted]
        if len(exact) == 1:
            return exact[0]
        return matches[0] if len(matches) == 1 else None

    def _members_of(self, slug: str, note: ParsedNote) -> tuple[list[Name], dict[str, list[int]]]:
        """The members of a note's lists, in order, and where each word of their names is."""
        found = self._cache.setdefault("members", {})
        if slug not in found:
            members = [m for _family, names in self.families_of(slug) for m in names]
            context = context_words(note)
            by_word: dict[str, list[int]] = {}
            for i, member in enumerate(members):
                for w in _option_core(member.text, context):
                    by_word.setdefault(w, []).append(i)
            found[slug] = (members, by_word)
        return found[slug]

    def is_own_option(self, text: str, note: ParsedNote) -> bool:
        """ "Fargate compute environment" in the Batch note is a Batch option (a fact term or a
        summary option of the note), though it names Fargate; "AWS Fargate" in the Fargate
        note is the service itself."""
        if name_words(text) == context_words(note):
            return False
        if self.fact_for(text, note) is not None:
            return True
        known = self._cache.setdefault("own_options", {})
        key = (note_slug(note.path), text)
        if key not in known:
            known[key] = any(_names_same_option(text, row.option, note) for row in note.summary)
        return known[key]

    def resolve_option(self, text: str, note: ParsedNote, *, description: str = "") -> Name:
        fact = self.fact_for(text, note)
        if fact is not None:
            return fact
        return option_name(text, note, description=description)

    def is_option_family(self, family: str, members: list[Name]) -> bool:
        """Sibling options worth asking about: launch types, networking modes, strategies."""
        named = [m for m in members if m.description and not self.is_attribute(m)]
        if len(named) < MIN_FAMILY:
            return False
        if names_kind(family):
            return True
        heads = Counter(m.head for m in named)
        return heads.most_common(1)[0][1] >= MIN_FAMILY

    def is_attribute(self, name: Name) -> bool:
        """ "Pricing", "Memory", "Maximum Timeout": a property of the service, not an option."""
        bare = name.text.strip()
        if _LIMIT.match(bare):
            return True
        if " " in bare or not bare.istitle():
            return False
        lowered = bare.casefold()
        return lowered in _ATTRIBUTE_WORDS or stem_word(lowered) in self.lowercase_words

    # Evidence ---------------------------------------------------------------------------------

    def _read_evidence(self, note: ParsedNote) -> None:
        slug = note_slug(note.path)

        def add(subject: Name, text: str, fits: bool, reason: str = "", origin: str = "") -> None:
            self.evidence.append(Evidence(subject, meaning(text), fits, reason, origin, slug))

        def together(text: str, names: Iterable[Name]) -> None:
            group = tuple(names)
            if len(group) >= 2:
                self.partners.append((meaning(text), group))

        service = service_name(note.service or note.short_name)
        for d in note.decisions:
            alternatives = [service_name(p) for p in split_choices(d.alternative)]
            together(d.scenario, alternatives)
            if d.fits is True:
                add(self.compose(note, d.service_option), d.scenario, True)
            if d.fits is False:
                reason = f"{note.short_name}: {d.service_option}" if d.service_option else ""
                add(service, d.scenario, False, reason)
            if d.alternative and d.fits is not None:
                # On a ✅ row the alternative is another way to do it, not a wrong answer.
                for part in split_choices(d.alternative):
                    add(service_name(part), d.scenario, True)
        for rule in (r for signal in note.signals for r in signal.rules):
            for part in split_choices(rule.choose):
                add(self.subject(part, note), rule.when, True)
            together(rule.when, [self.subject(p, note) for p in split_choices(rule.choose)])
        for row in note.summary:
            add(self.resolve_option(row.option, note), row.keyword, True)
        for item in note.focus:
            subject = service_name(item.subject or note.service)
            if item.polarity == "choose":
                add(subject, item.text, True)
                continue
            avoided = item.subject or note.short_name
            add(subject, item.text, False, f"Avoid {avoided} if: {lowercase_first(item.text)}")
            for part in split_choices(item.alternative):
                add(service_name(part), item.text, True)
            together(item.text, [service_name(p) for p in split_choices(item.alternative)])
        for fact in all_facts(note.facts):
            if fact.term:
                term = option_name(fact.term, note, family=fact.family)
                add(term, fact.text, True, origin="fact")
            if fact.kind == "row":
                add(service, fact.full_text, True, origin="row")

    def subject(self, text: str, note: ParsedNote) -> Name:
        """A signal's choice: an option of the note, or a service (maybe with its option)."""
        if self.is_own_option(text, note):
            return self.resolve_option(text, note)
        if self.names_service(text, note):
            return self.canonical(service_name(text))
        return self.resolve_option(text, note)

    def compose(self, note: ParsedNote, option: str) -> Name:
        """The answer of a ✅ decision row: the service, with its option when it names one."""
        service = note.service or note.short_name
        fact = self.fact_for(option, note) if option else None
        summary_match = any(_names_same_option(option, r.option, note) for r in note.summary)
        named = fact is not None or summary_match or self.names_service(option, note)
        if not option or not named:
            return service_name(service)
        if context_words(note) <= name_words(option):
            # The option carries the service's name already: "EKS Anywhere", "ECS on Fargate".
            return service_name(option)
        phrase = self.lower_common(option, note)
        article = "the " if head_of(option) in _SINGULAR_KINDS else ""
        return service_name(f"{service} with {article}{phrase}")

    def lower_first(self, text: str) -> str:
        """Lowercase a sentence's first word when the notes use it lowercase ("Managed …"),
        not a name ("Kubernetes …")."""
        first = text.split(" ", 1)[0]
        return text if first in self.proper_words else lowercase_first(text)

    def lower_common(self, phrase: str, note: ParsedNote | None = None) -> str:
        """ "Array jobs" -> "array jobs" where the notes write it so; "Fargate profiles" stays."""
        lowered = lowercase_first(phrase)
        if lowered != phrase and self._written(lowered, note):
            return lowered
        return phrase

    def _written(self, text: str, note: ParsedNote | None) -> bool:
        """Whether some note has `text`: the note it comes from first, then all at once."""
        if note is not None and text in note.text:
            return True
        if "\x00" in text:
            return any(text in n.text for n in self.notes)
        written = self._cache.setdefault("written", {})
        if text not in written:
            if "all_text" not in self._cache:
                # Joined by a character no phrase has, so no match runs from one note into
                # the next: one search instead of one per note.
                self._cache["all_text"] = "\x00".join(n.text for n in self.notes)
            written[text] = text in self._cache["all_text"]
        return written[text]

    def of_kind(self, option: Name) -> Candidates:
        """Options of `option`'s kind in any note: list members, then summary and signal
        choices."""
        kind = kind_of(option)
        if kind is None:
            return Candidates([])
        return self._candidates(
            ("kind", kind, id(self.kinds)),
            lambda: [n for n in self.kinds.get(kind.head, ()) if _is_of(kind, n)],
        )

    def plain_services(self) -> Candidates:
        """Every service by itself, as wrong choices for a question about services."""
        return self._candidates(
            ("plain", id(self.services)), lambda: [s for s in self.services if self.is_plain(s)]
        )

    def kin_services(self, bases: frozenset[str]) -> Candidates:
        """Every service with an option ("ECS on EC2") that shares a word with `bases`."""
        found = self._cache.setdefault("candidates", {})
        key = ("kin", bases, id(self.services))
        if key not in found:
            options = self._candidates(
                ("with options", id(self.services)),
                lambda: [s for s in self.services if not self.is_plain(s)],
            )
            found[key] = Candidates.part_of(options, bases)
        return found[key]

    def _candidates(self, key: tuple, names: Callable[[], list[Name]]) -> Candidates:
        # Many questions ask for the same candidates; they are listed (and indexed) once.
        found = self._cache.setdefault("candidates", {})
        if key not in found:
            found[key] = Candidates(names())
        return found[key]

    def _by_kind(self) -> dict[str, list[Name]]:
        members = [
            m
            for names in self.families.values()
            for m in names
            if m.description and not self.is_attribute(m)
        ]
        found: dict[str, list[Name]] = {}
        for name in members + [o for opts in self.options.values() for o in opts]:
            kind = kind_of(name)
            if kind is not None:
                found.setdefault(kind.head, []).append(name)
        return found

    def feature_named(self, service: Name, scenario: frozenset[str]) -> str:
        """A feature of `service`, from its own note, that the scenario names by its words.

        "Fine-grained permissions via IAM Roles for Tasks" names the Fargate note's "Task IAM
        Roles": Fargate tasks have them too, so Fargate is not a wrong answer there.
        """
        if not self.is_plain(service):
            return ""
        named = (
            text for words_, text in self.features.get(service.tokens, ()) if words_ <= scenario
        )
        return next(named, "")

    # Similarity -------------------------------------------------------------------------------

    def similar(self, a: frozenset[str], b: frozenset[str]) -> float:
        """Cosine of the two word sets, rare words weighing more (IDF): 1.0 is the same words."""
        return self._index().scenarios.similar(a, b)

    def weight(self, word: str) -> float:
        return self.weights.get(word, self.unseen_weight)

    def also_fits(
        self,
        candidate: Name,
        scenario: frozenset[str],
        answers: Sequence[Name],
        *,
        describing: bool = False,
    ) -> bool:
        """True when some note says `candidate` fits a scenario like this one.

        A note saying it does not fit a scenario closer still wins: "Managed Kubernetes
        cluster: ❌ ECS" outweighs "Managed container clusters: ✅ ECS on EC2".
        """
        if self._index().said_to_fit(candidate, scenario, describing=describing):
            return True
        return self.partnered(candidate, answers, scenario)

    def partnered(self, candidate: Name, answers: Sequence[Name], scenario: frozenset[str]) -> bool:
        """True when a note names `candidate` together with an answer for a need that shares
        a telling word with this one ("GPUs … → Amazon ECS or AWS Batch")."""
        index = self._index()
        asked, groups = index.partners_with
        if asked[0] is not answers or asked[1] is not scenario:
            # What depends only on the question is worked out once for all its candidates
            # (asked one after another, with the same answers and scenario).
            naming = frozenset().union(*(index.partners_naming(a) for a in answers))
            groups = naming & index.partners_sharing(scenario)
            index.partners_with = ((answers, scenario), groups)
        return bool(groups) and not groups.isdisjoint(index.partners_covering(candidate))

    def confirms(self, name: Name, scenario: str, note: ParsedNote) -> bool:
        """True when a note other than `note` says `name` fits (nearly) this scenario."""
        slug, index = note_slug(note.path), self._index()
        return any(
            e.fits and e.note != slug and name.is_within(e.subject)
            for e in index.stated_near(meaning(scenario), CONFIRMED)
        )

    def covers(self, subject: Name, candidate: Name) -> bool:
        """Does what is said of `subject` hold for `candidate`? Yes for the same choice or a
        more general one ("ECS on EC2" fits -> ECS fits), and for any option of a service
        that is said to fit by itself (AWS Batch fits -> AWS Batch with array jobs may)."""
        siblings = (candidate.note, candidate.family) == (subject.note, subject.family)
        if candidate.family and siblings:
            # Siblings of one list: what is said of BEST_FIT_PROGRESSIVE is not said of BEST_FIT.
            return candidate.core == subject.core
        if candidate.is_within(subject):
            return True
        # Only for services: an ECS option is asked about against ECS's other options.
        return not candidate.note and self.is_plain(subject) and subject.tokens <= candidate.tokens

    def why_wrong(self, candidate: Name, scenario: frozenset[str]) -> str:
        """What a note says against the candidate (or a part of it) in a scenario this close:
        the closest such scenario's reason, the first in evidence order on a tie."""
        reasons = self._index().reasons_near(scenario)
        if not reasons:
            return ""
        tokens = candidate.tokens
        if len(tokens) <= _MAX_SUBSETS and 2 ** len(tokens) < len(reasons):
            found = [reasons[t] for t in _subsets(tokens) if t in reasons]
        else:
            found = [best for t, best in reasons.items() if t <= tokens]
        # The closest scenario, then the first evidence: (score, -index) orders them.
        return max(found, key=lambda best: (best[0], -best[1]))[2] if found else ""

    def explained(self, scenario: frozenset[str]) -> frozenset[frozenset[str]]:
        """The subjects (by their words) that some note says something against in a scenario
        this close: a choice with one of them among its words has a `why_wrong`."""
        return self._index().explained(scenario)

    def _index(self) -> _Index:
        # Built on first use, once the corpus is complete: `build` reads everything first.
        index = self._cache.get("index")
        if index is None:
            index = self._cache["index"] = _Index(self)
        return index


# Every threshold above compares a similarity at least this high: only scenarios this close
# to a question's are ever looked at (`_Scenarios.near`).
_NEAREST = min(SIMILAR, SAME_SCENARIO, SAME_DESCRIPTION, CONFIRMED)


class _Scenarios:
    """Every distinct scenario the notes state, numbered, and the ones near a given scenario.

    Similarity sums with `math.fsum`: exact, so it depends on the words and not on the order a
    set happens to iterate in, and a score can be kept by the two sets' values.
    """

    def __init__(self, weight: Callable[[str], float]) -> None:
        self.squares = _Squares(weight)
        self.ids: dict[frozenset[str], int] = {}
        self.sets: list[frozenset[str]] = []
        self.postings: dict[str, list[int]] = {}
        self.norms: dict[frozenset[str], float] = {}
        self.nearby: dict[frozenset[str], dict[int, float]] = {}

    def add(self, words_: frozenset[str]) -> int:
        found = self.ids.get(words_)
        if found is None:
            found = self.ids[words_] = len(self.sets)
            self.sets.append(words_)
            for w in words_:
                self.postings.setdefault(w, []).append(found)
        return found

    def norm(self, words_: frozenset[str]) -> float:
        found = self.norms.get(words_)
        if found is None:
            found = self.norms[words_] = math.sqrt(math.fsum(map(self.squares.__getitem__, words_)))
        return found

    def similar(self, a: frozenset[str], b: frozenset[str]) -> float:
        if not a or not b:
            return 0.0
        shared = math.fsum(map(self.squares.__getitem__, a & b))
        return shared / (self.norm(a) * self.norm(b))

    def near(self, scenario: frozenset[str]) -> dict[int, float]:
        """The scenarios at least `_NEAREST` similar to `scenario`, by number, with the score."""
        found = self.nearby.get(scenario)
        if found is None:
            found = self.nearby[scenario] = {
                i: score
                for i in sorted(self._could_be_near(scenario))
                if (score := self.similar(scenario, self.sets[i])) >= _NEAREST
            }
        return found

    def _could_be_near(self, scenario: frozenset[str]) -> set[int]:
        """The scenarios sharing one of `scenario`'s rarer words: any other is too far.

        A scenario b sharing words worth `shared` (the sum of their squared weights) has
        similarity shared / (|a| |b|), and shared <= |b|², so reaching t needs shared >=
        t² |a|². Words are taken rarest first until the rest could not add up to that: a
        scenario sharing only common words ("container", "run") cannot be near, and the
        long lists of scenarios with those words are never read.
        """
        squares = self.squares
        words_ = sorted(scenario, key=lambda w: (-squares[w], w))
        rest = math.fsum(squares[w] for w in words_)
        needed = _NEAREST**2 * rest * (1 - 1e-9)
        found: set[int] = set()
        for w in words_:
            if rest < needed:
                break
            found.update(self.postings.get(w, ()))
            rest -= squares[w]
        return found


class _Index:
    """Look-ups over a corpus's evidence, for generation.

    Generation asks, for each question and each would-be wrong choice, what the notes say about
    that choice in scenarios like the question's. Each look-up reads only what can answer it:
    the scenarios near the question's (`_Scenarios.near`) and, for each choice, the scenarios
    of the evidence about it (`_Verdicts`), gathered once per choice. Many notes repeat what
    others say ("❌ AWS Batch" in every copy of a note); a scenario is scored once however
    often it is stated.
    """

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.evidence = corpus.evidence
        self.scenarios = _Scenarios(corpus.weight)
        self.stated: dict[int, list[int]] = {}
        self.groups_by_tokens: dict[frozenset[str], list[_Group]] = {}
        self.groups_by_token: dict[str, list[_Group]] = {}
        self.against: dict[int, list[tuple[frozenset[str], int, str]]] = {}
        self._read_evidence()
        self.partners_by_word: dict[str, set[int]] = {}
        self.partner_names: _Names[int] = _Names([], corpus.is_plain)
        self._read_partners()
        # What generation asks again and again, kept as it is worked out.
        self.verdicts: dict[int, tuple[Name, _Verdicts]] = {}
        self.said: dict[tuple[int, frozenset[str], bool], bool] = {}
        self.reasons: dict[frozenset[str], dict[frozenset[str], tuple[float, int, str]]] = {}
        self.explained_by: dict[frozenset[str], frozenset[frozenset[str]]] = {}
        self.naming: dict[Name, frozenset[int]] = {}
        self.covering: dict[int, tuple[Name, frozenset[int]]] = {}
        self.sharing: dict[frozenset[str], frozenset[int]] = {}
        self.partners_with: tuple[tuple[object, object], frozenset[int]] = (
            (None, None),
            frozenset(),
        )

    def _read_evidence(self) -> None:
        # Evidence with one subject, verdict and origin is judged as one by `also_fits`; what
        # the notes say against a subject with a reason is kept by scenario, the first such
        # evidence per subject and scenario (`why_wrong` takes the first on a tie).
        groups: dict[tuple[Name, bool, bool], _Group] = {}
        against: set[tuple[frozenset[str], int]] = set()
        for i, e in enumerate(self.evidence):
            sid = self.scenarios.add(e.scenario)
            self.stated.setdefault(sid, []).append(i)
            key = (e.subject, e.fits, e.origin == "fact")
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(*key)
            group.scenarios.add(sid)
            if not e.fits and e.reason and (e.subject.tokens, sid) not in against:
                against.add((e.subject.tokens, sid))
                self.against.setdefault(sid, []).append((e.subject.tokens, i, e.reason))
        for group in groups.values():
            self.groups_by_tokens.setdefault(group.subject.tokens, []).append(group)
            for w in group.subject.tokens:
                self.groups_by_token.setdefault(w, []).append(group)

    def _read_partners(self) -> None:
        # Choices named together (`Corpus.partners`), each group once, by the telling words
        # of the needs it is named for and by its names.
        corpus = self.corpus
        groups = list(dict.fromkeys(group for _words, group in corpus.partners))
        numbers = {group: i for i, group in enumerate(groups)}
        for words_, group in corpus.partners:
            for w in words_:
                if corpus.weight(w) >= corpus.telling_weight:
                    self.partners_by_word.setdefault(w, set()).add(numbers[group])
        self.partner_names = _Names(
            [(name, i) for i, group in enumerate(groups) for name in group], corpus.is_plain
        )

    def stated_near(self, scenario: frozenset[str], threshold: float) -> Iterable[Evidence]:
        """The evidence whose scenario is at least `threshold` similar to `scenario`."""
        for sid, score in self.scenarios.near(scenario).items():
            if score >= threshold:
                yield from (self.evidence[i] for i in self.stated[sid])

    def reasons_near(
        self, scenario: frozenset[str]
    ) -> dict[frozenset[str], tuple[float, int, str]]:
        """For each subject the notes say something against in a scenario at least
        SAME_SCENARIO similar: (score, first evidence at that score, reason) of the closest."""
        found = self.reasons.get(scenario)
        if found is not None:
            return found
        found = self.reasons[scenario] = {}
        for sid, score in self.scenarios.near(scenario).items():
            if score < SAME_SCENARIO:
                continue
            for subject, i, reason in self.against.get(sid, ()):
                best = found.get(subject)
                if best is None or (score, -i) > (best[0], -best[1]):
                    found[subject] = (score, i, reason)
        return found

    def explained(self, scenario: frozenset[str]) -> frozenset[frozenset[str]]:
        found = self.explained_by.get(scenario)
        if found is None:
            found = self.explained_by[scenario] = frozenset(self.reasons_near(scenario))
        return found

    def said_to_fit(self, candidate: Name, scenario: frozenset[str], *, describing: bool) -> bool:
        """Whether the evidence about `candidate` says it fits a scenario like this one (and
        none says it does not fit one closer still)."""
        # Questions on one scenario (a rule repeated in many notes) weigh the same choices.
        key = (id(self._verdicts(candidate)), scenario, describing)
        found = self.said.get(key)
        if found is None:
            found = self.said[key] = self._said_to_fit(candidate, scenario, describing)
        return found

    def _said_to_fit(self, candidate: Name, scenario: frozenset[str], describing: bool) -> bool:
        verdicts = self._verdicts(candidate)
        near = self.scenarios.near(scenario)
        if describing:
            # Sibling options are described with the same words ("run containers …");
            # asking which one a description belongs to rules out only a near-copy.
            fits = max(
                _closest(near, verdicts.fit_facts, SAME_DESCRIPTION),
                _closest(near, verdicts.fit_others, SAME_SCENARIO),
            )
        else:
            fits = max(_closest(near, verdicts.fit_facts), _closest(near, verdicts.fit_others))
        return fits >= SIMILAR and fits >= _closest(near, verdicts.misfits)

    def _verdicts(self, candidate: Name) -> _Verdicts:
        return _for_name(self.verdicts, candidate, lambda: self._gather(candidate))

    def _gather(self, candidate: Name) -> _Verdicts:
        verdicts = _Verdicts()
        for group in self.about(candidate.tokens):
            if group.fits and self.corpus.covers(group.subject, candidate):
                fits = verdicts.fit_facts if group.fact else verdicts.fit_others
                fits |= group.scenarios
            elif not group.fits and group.subject.tokens <= candidate.tokens:
                verdicts.misfits |= group.scenarios
        return verdicts

    def about(self, tokens: frozenset[str]) -> list[_Group]:
        """The groups of evidence about a name, about what it is part of, or about its parts:
        their subject's tokens are within `tokens`, or have all of them (in no set order)."""
        by_token = [self.groups_by_token.get(w, []) for w in tokens]
        if len(tokens) <= _MAX_SUBSETS and 2 ** len(tokens) <= sum(map(len, by_token)):
            within = [g for t in _subsets(tokens) for g in self.groups_by_tokens.get(t, ())]
        else:
            # Fewer groups to read than parts to look up ("AWS Batch 0003 with multi-node
            # parallel jobs" has 64 parts): a part of the name has one of its words.
            within = [g for groups in by_token for g in groups if g.subject.tokens <= tokens]
            within += self.groups_by_tokens.get(frozenset(), [])
        found = {id(g): g for g in within}
        if tokens:
            rarest = min(by_token, key=len)
            found.update((id(g), g) for g in rarest if tokens <= g.subject.tokens)
        return list(found.values())

    def partners_sharing(self, scenario: frozenset[str]) -> frozenset[int]:
        """The groups of partners named for a need with a telling word in `scenario`."""
        found = self.sharing.get(scenario)
        if found is None:
            by_word = self.partners_by_word
            found = self.sharing[scenario] = frozenset().union(
                *(by_word[w] for w in scenario if w in by_word)
            )
        return found

    def partners_naming(self, answer: Name) -> frozenset[int]:
        """The groups of partners with a name that `covers` `answer` or has it within."""
        # By value: answers are often made afresh for each question that asks about them.
        found = self.naming.get(answer)
        if found is None:
            covers = self.corpus.covers
            found = self.naming[answer] = frozenset(
                i
                for name, i in self.partner_names.around(answer)
                if covers(name, answer) or answer.is_within(name)
            )
        return found

    def partners_covering(self, candidate: Name) -> frozenset[int]:
        """The groups of partners with a name that `covers` `candidate`."""
        covers = self.corpus.covers
        return _for_name(
            self.covering,
            candidate,
            lambda: frozenset(
                i for name, i in self.partner_names.around(candidate) if covers(name, candidate)
            ),
        )


def _for_name(memo: dict[int, tuple[Name, U]], name: Name, make: Callable[[], U]) -> U:
    # By identity, the name kept alive with what is kept about it: names hash slowly.
    found = memo.get(id(name))
    if found is None:
        found = memo[id(name)] = (name, make())
    return found[1]


# Below this many, a list is read as it is rather than narrowed down first.
_FEW = 16


class _Names(Generic[T]):
    """Names, each with something about it, looked up by the choices they may say something
    about (`Corpus.covers`): the same choice or a more general one, a sibling option, or a
    plain service that the choice is an option of."""

    def __init__(self, entries: list[tuple[Name, T]], is_plain: Callable[[Name], bool]) -> None:
        self.entries = entries
        self.by_list: dict[tuple[str, str], list[int]] = {}
        self.by_token: dict[str, list[int]] = {}
        self.plain: dict[frozenset[str], list[int]] = {}
        if len(entries) <= _FEW:
            return  # read as they are
        for i, (name, _about) in enumerate(entries):
            if name.family:
                self.by_list.setdefault((name.note, name.family), []).append(i)
            for w in name.tokens:
                self.by_token.setdefault(w, []).append(i)
            if is_plain(name):
                self.plain.setdefault(name.tokens, []).append(i)

    def around(self, choice: Name) -> list[tuple[Name, T]]:
        """Every entry whose name `covers` `choice` or has it within, and maybe a few more."""
        if len(self.entries) <= _FEW:
            return self.entries
        found: set[int] = set()
        if choice.family:
            found.update(self.by_list.get((choice.note, choice.family), ()))
        if choice.tokens:
            found.update(min((self.by_token.get(w, []) for w in choice.tokens), key=len))
        if not choice.note:
            if len(choice.tokens) > _MAX_SUBSETS:
                parts = [t for t in self.plain if t <= choice.tokens]
            else:
                parts = [t for t in _subsets(choice.tokens) if t in self.plain]
            found.update(i for t in parts for i in self.plain[t])
        return [self.entries[i] for i in sorted(found)]


def _closest(near: dict[int, float], scenarios: set[int], floor: float = 0.0) -> float:
    """The highest score in `near` of one of `scenarios`, at least `floor` (else 0.0)."""
    if len(scenarios) < len(near):
        scores = (near[i] for i in scenarios if i in near)
    else:
        scores = (score for i, score in near.items() if i in scenarios)
    return max((s for s in scores if s >= floor), default=0.0)


@dataclass
class _Group:
    """Evidence about one subject with one verdict and origin: the scenarios it is said of."""

    subject: Name
    fits: bool
    fact: bool
    scenarios: set[int] = field(default_factory=set)


@dataclass
class _Verdicts:
    """The scenarios in which the notes say a choice fits (from facts, or otherwise), and
    those in which they say a part of it does not."""

    fit_facts: set[int] = field(default_factory=set)
    fit_others: set[int] = field(default_factory=set)
    misfits: set[int] = field(default_factory=set)


# A name with more words than this is looked up by reading all the evidence (2**n subsets).
_MAX_SUBSETS = 8


# A name's parts are wanted again while its questions are asked; many parts are held each.
@lru_cache(maxsize=4096)
def _subsets(tokens: frozenset[str]) -> tuple[frozenset[str], ...]:
    ordered = sorted(tokens)
    return tuple(frozenset(c) for r in range(len(ordered) + 1) for c in combinations(ordered, r))


class _Squares(dict):
    """Each word's weight squared, worked out once (a dict, so look-ups stay in C)."""

    def __init__(self, weight: Callable[[str], float]) -> None:
        super().__init__()
        self.weight = weight

    def __missing__(self, word: str) -> float:
        value = self[word] = self.weight(word) ** 2
        return value


_OPTION_KIND = re.compile(
    r"\b(modes?|types?|models?|options|strateg(?:y|ies)|polic(?:y|ies)|providers?|"
    r"orchestrators|packages)$",
    re.I,
)


def names_kind(family: str) -> bool:
    """ "Networking Modes", "Supports multiple scheduling strategies": a list of options of one
    kind. "Job Types & Dependencies" is a section about several things."""
    return bool(_OPTION_KIND.search(PARENTHESES.sub("", family).strip()))


_ATTRIBUTE_WORDS = frozenset(
    {"pricing", "memory", "storage", "logging", "architectures", "limitations", "throttling"}
)
_LIMIT = re.compile(r"^(maximum|minimum|max|min|default|task sizes?)\b", re.I)
_SINGULAR_KINDS = frozenset({"typ", "mod", "environment", "strategy", "policy", "provider"})


def _names_same_option(text: str, term: str, note: ParsedNote, family: str = "") -> bool:
    """ "Fargate" names "Fargate Launch Type"; "Job queue with higher priority" names "Job
    Queues"; "FARGATE_SPOT capacity provider" names FARGATE_SPOT of "Capacity Providers";
    "Fargate compute environment" does not name "Compute Environments" (the term is only the
    kind of thing there)."""
    context = context_words(note)
    wanted, known = _option_core(text, context), _option_core(term, context)
    if not wanted or not known:
        return False
    if wanted <= known:
        return True
    if not known < wanted:
        return False
    first = next(iter(words(PARENTHESES.sub("", text))), "")
    return (len(known) >= 2 and first in known) or bool(wanted - known <= significant(family))


def _option_core(text: str, context: frozenset[str]) -> frozenset[str]:
    """`option_name(text, note).core`, where `context` is the note's `context_words`."""
    core = name_words(text)
    return (core - context) or core


def _is_compound(text: str) -> bool:
    return bool(re.search(r"\s(with|on|via|using|for|\+)\s", f" {text} "))


def _canonical_services(names: list[Name]) -> list[Name]:
    """One display name per service: the longest spelling, "AWS Lambda" over "Lambda"."""
    by_tokens: dict[frozenset[str], list[Name]] = {}
    for name in names:
        if name.tokens:
            by_tokens.setdefault(name.tokens, []).append(name)
    chosen = []
    for group in by_tokens.values():
        counts = Counter(n.text for n in group)
        chosen.append(
            max(
                group,
                key=lambda n: (_has_vendor(n.text), "(" not in n.text, len(n.text), counts[n.text]),
            )
        )
    return sorted(chosen, key=lambda n: n.text.casefold())


def _has_vendor(text: str) -> bool:
    return text.split(" ", 1)[0].casefold() in VENDOR_WORDS


def _distinct(names: list[Name]) -> list[Name]:
    result: list[Name] = []
    for name in names:
        if name.tokens and not any(n.core == name.core and n.note == name.note for n in result):
            result.append(name)
    return result


def _features(notes: list[ParsedNote]) -> dict[frozenset[str], list[tuple[frozenset[str], str]]]:
    """Every "Term: text" bullet of each note, under its service. A feature needs two words to
    count ("Isolation" alone says too little); "No GPU support" is something the service
    lacks, and `meaning` keeps it negated, so it never matches a need for GPUs."""
    found: dict[frozenset[str], list[tuple[frozenset[str], str]]] = {}
    for note in notes:
        service = service_name(note.service or note.short_name).tokens
        for fact in all_facts(note.facts):
            if not fact.term or fact.kind != "bullet":
                continue
            term = meaning(PARENTHESES.sub("", fact.term)) - VENDOR_WORDS
            if len(term) >= 2 and not any(w.startswith("no-") for w in term):
                found.setdefault(service, []).append((term, fact.full_text))
    return found


def all_facts(facts: Iterable[Fact]) -> Iterable[Fact]:
    for fact in facts:
        yield fact
        yield from all_facts(fact.children)


def _idf(documents: list[frozenset[str]]) -> dict[str, float]:
    df: Counter[str] = Counter(w for doc in documents for w in doc)
    total = len(documents) + 1
    return {w: math.log(total / count) + IDF_FLOOR for w, count in df.items()}
