"""What all the notes say together: the services and options they name, and which fits what.

Pure: no Django. The generator asks it for wrong choices of the right kind, and whether a
note says a would-be wrong choice also fits a scenario (then it is not offered as wrong).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import PurePath

from studyapp.notes.parsed import Fact, ParsedNote
from studyapp.questions.words import (
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
_FACT_THRESHOLDS = {True: SAME_DESCRIPTION, False: SAME_SCENARIO}
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
        if self.family and (self.note, self.family) == (other.note, other.family):
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
    # Look-ups built from the fields above (see "Indexes" below); rebuilt when those change.
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
        return any(s.tokens <= tokens for s in self.atomic if s.tokens and s.tokens != own)

    def is_plain(self, name: Name) -> bool:
        """A service by itself ("AWS Batch"), not with one of its options."""
        return name.tokens in self.atomic_tokens

    def service_words(self, name: Name) -> frozenset[str]:
        return frozenset(w for s in self.atomic if s.tokens <= name.tokens for w in s.tokens)

    def canonical(self, name: Name) -> Name:
        """The display name used everywhere for a service known under several names."""
        for service in self.services:
            if service.tokens == name.tokens:
                return service
        return name

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
        for (family_note, family), members in self.families.items():
            if family_note == slug and self.is_option_family(family, members):
                found.extend(members)
        self.options[slug] = _distinct(found)

    def fact_for(self, text: str, note: ParsedNote) -> Name | None:
        """The fact term of `note` that `text` names ("Fargate" -> "Fargate Launch Type")."""
        slug = note_slug(note.path)
        if (slug, text) not in self.named_facts:
            self.named_facts[(slug, text)] = self._find_fact(text, note, slug)
        return self.named_facts[(slug, text)]

    def _find_fact(self, text: str, note: ParsedNote, slug: str) -> Name | None:
        matches = [
            member
            for (family_note, _family), members in self.families.items()
            if family_note == slug
            for member in members
            if _names_same_option(text, member.text, note, member.family)
        ]
        wanted = option_name(text, note).core
        exact = [m for m in matches if m.core == wanted]
        if len(exact) == 1:
            return exact[0]
        return matches[0] if len(matches) == 1 else None

    def is_own_option(self, text: str, note: ParsedNote) -> bool:
        """ "Fargate compute environment" in the Batch note is a Batch option (a fact term or a
        summary option of the note), though it names Fargate; "AWS Fargate" in the Fargate
        note is the service itself."""
        if name_words(text) == context_words(note):
            return False
        if self.fact_for(text, note) is not None:
            return True
        return any(_names_same_option(text, row.option, note) for row in note.summary)

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
        phrase = self.lower_common(option)
        article = "the " if head_of(option) in _SINGULAR_KINDS else ""
        return service_name(f"{service} with {article}{phrase}")

    def lower_first(self, text: str) -> str:
        """Lowercase a sentence's first word when the notes use it lowercase ("Managed …"),
        not a name ("Kubernetes …")."""
        first = text.split(" ", 1)[0]
        return text if first in self.proper_words else lowercase_first(text)

    def lower_common(self, phrase: str) -> str:
        """ "Array jobs" -> "array jobs" where the notes write it so; "Fargate profiles" stays."""
        lowered = lowercase_first(phrase)
        if lowered != phrase and any(lowered in note.text for note in self.notes):
            return lowered
        return phrase

    def of_kind(self, option: Name) -> list[Name]:
        """Options of `option`'s kind in any note: list members, then summary and signal
        choices."""
        kind = kind_of(option)
        if kind is None:
            return []
        return [n for n in self.kinds.get(kind.head, ()) if same_kind(n, option)]

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
        return self._index().similar(a, b)

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
        if self.partnered(candidate, answers, scenario):
            return True
        index = self._index()
        fits, misfits = 0.0, 0.0
        for group in index.about(candidate.tokens):
            if group.fits and self.covers(group.subject, candidate):
                # Sibling options are described with the same words ("run containers …");
                # asking which one a description belongs to rules out only a near-copy.
                closest, near_copy = index.closest(group, scenario)
                fits = max(fits, near_copy if describing else closest)
            elif not group.fits and group.subject.tokens <= candidate.tokens:
                misfits = max(misfits, index.closest(group, scenario)[0])
        return fits >= SIMILAR and fits >= misfits

    def partnered(self, candidate: Name, answers: Sequence[Name], scenario: frozenset[str]) -> bool:
        """True when a note names `candidate` together with an answer for a need that shares
        a telling word with this one ("GPUs … → Amazon ECS or AWS Batch")."""
        index = self._index()
        index._on(scenario)
        key = tuple(answers)
        groups = index.partners_with.get(key)
        if groups is None:
            # What depends only on the question is worked out once for all its candidates.
            groups = index.partners_with[key] = self._partners_with(answers, scenario)
        return any(self.covers(name, candidate) for group in groups for name in group)

    def _partners_with(
        self, answers: Sequence[Name], scenario: frozenset[str]
    ) -> list[tuple[Name, ...]]:
        """The groups named together with an answer for a need sharing a telling word with
        `scenario`, each once."""
        found: dict[tuple[Name, ...], None] = {}
        for words_, group in self._index().partners_sharing(scenario):
            if group in found:
                continue
            telling = {w for w in words_ & scenario if self.weight(w) >= self.telling_weight}
            if not telling:
                continue
            if any(self.covers(name, a) or a.is_within(name) for name in group for a in answers):
                found[group] = None
        return list(found)

    def confirms(self, name: Name, scenario: str, note: ParsedNote) -> bool:
        """True when a note other than `note` says `name` fits (nearly) this scenario."""
        slug, words_ = note_slug(note.path), meaning(scenario)
        index = self._index()
        return any(
            e.fits
            and e.note != slug
            and name.is_within(e.subject)
            and index.similar(words_, e.scenario) >= CONFIRMED
            for e in index.over(name.tokens)
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
        best, first, reason = 0.0, 0, ""
        for score, i, text in self._index().reasons_within(candidate.tokens, scenario):
            if score > best or (score == best and i < first):
                best, first, reason = score, i, text
        return reason

    def _index(self) -> _Index:
        # Built once the corpus is complete; again if what it indexes changed since.
        key = (len(self.evidence), len(self.partners), id(self.weights), self.unseen_weight)
        if self._cache.get("key") != key:
            self._cache.update(key=key, index=_Index(self))
        return self._cache["index"]


class _Index:
    """Look-ups over a corpus's evidence, for generation.

    Generation asks, for each question and each would-be wrong choice, what the notes say about
    that choice. Reading all the evidence each time made it grow with the cube of the number of
    notes (100 notes: 90 s). These look-ups return exactly the evidence the full scans matched,
    and `similar` gives exactly the same numbers, only worked out once. Many notes repeat what
    others say about a service ("❌ AWS Batch" in every copy of a note), so evidence is judged
    by group (`_Group`), and each group by its distinct scenarios only: 100 notes 20 s -> 4 s.
    """

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.evidence = corpus.evidence
        self.keys = [tuple(e.scenario) for e in self.evidence]
        self.by_token: dict[str, list[int]] = {}
        for i, e in enumerate(self.evidence):
            for w in e.subject.tokens:
                self.by_token.setdefault(w, []).append(i)
        self.partners_by_word: dict[str, list[int]] = {}
        for i, (words_, _group) in enumerate(corpus.partners):
            for w in words_:
                if corpus.weight(w) >= corpus.telling_weight:
                    self.partners_by_word.setdefault(w, []).append(i)
        # Evidence with one subject, verdict and origin is judged as one by `also_fits`.
        groups: dict[tuple[Name, bool, bool], _Group] = {}
        for i, e in enumerate(self.evidence):
            key = (e.subject, e.fits, e.origin == "fact")
            groups.setdefault(key, _Group(e.subject, e.fits, e.origin == "fact")).add(i, e)
        self.groups_by_tokens: dict[frozenset[str], list[_Group]] = {}
        self.groups_by_token: dict[str, list[_Group]] = {}
        for group in groups.values():
            self.groups_by_tokens.setdefault(group.subject.tokens, []).append(group)
            for w in group.subject.tokens:
                self.groups_by_token.setdefault(w, []).append(group)
        # What the notes say against each subject, with a reason: `why_wrong` reads these.
        self.reasons: dict[frozenset[str], _Group] = {}
        for i, e in enumerate(self.evidence):
            if not e.fits and e.reason:
                self.reasons.setdefault(e.subject.tokens, _Group(e.subject, False, False)).add(i, e)
        self.squares = _Squares(corpus.weight)
        # Generation asks about one scenario at a time, for hundreds of candidates that share
        # subjects ("AWS Batch" is a part of "AWS Batch with array jobs"): what depends only on
        # the scenario (scores, best reason per subject, closest per group, the partners of
        # the answers) is kept until the scenario (the same object) changes.
        self.scenario: frozenset[str] | None = None
        self.scores: dict[tuple[str, ...], float] = {}
        self.best_reasons: dict[frozenset[str], tuple[float, int, str] | None] = {}
        self.closest_by_group: dict[int, tuple[float, float]] = {}
        self.partners_with: dict[tuple[Name, ...], list[tuple[Name, ...]]] = {}
        # By identity, each set kept alive with its size: equal sets may iterate in another
        # order, and a sum in another order may differ in its last bit.
        self.sizes: dict[int, tuple[frozenset[str], float]] = {}

    def similar(self, a: frozenset[str], b: frozenset[str]) -> float:
        if not a or not b:
            return 0.0
        shared = sum(map(self.squares.__getitem__, a & b))
        return shared / (self.size(a) * self.size(b))

    def _on(self, scenario: frozenset[str]) -> None:
        if scenario is not self.scenario:
            self.scenario, self.scores, self.best_reasons = scenario, {}, {}
            self.closest_by_group = {}
            self.partners_with = {}

    def similar_to(self, scenario: frozenset[str], i: int) -> float:
        """`similar(scenario, evidence[i].scenario)`, worked out once per scenario and the
        other scenario's words in their order (`_Group.add`)."""
        self._on(scenario)
        key = self.keys[i]
        found = self.scores.get(key)
        if found is None:
            found = self.scores[key] = self.similar(scenario, self.evidence[i].scenario)
        return found

    def reasons_within(
        self, tokens: frozenset[str], scenario: frozenset[str]
    ) -> list[tuple[float, int, str]]:
        """For each subject within `tokens` that the notes say something against, the closest
        such scenario (at least SAME_SCENARIO): (score, first evidence at that score, reason)."""
        self._on(scenario)
        if len(tokens) > _MAX_SUBSETS:
            subjects = [t for t in self.reasons if t <= tokens]
        else:
            subjects = [t for t in _subsets(tokens) if t in self.reasons]
        found = []
        for subject in subjects:
            if subject not in self.best_reasons:
                self.best_reasons[subject] = self._best_reason(subject, scenario)
            best = self.best_reasons[subject]
            if best is not None:
                found.append(best)
        return found

    def _best_reason(
        self, subject: frozenset[str], scenario: frozenset[str]
    ) -> tuple[float, int, str] | None:
        best: tuple[float, int, str] | None = None
        for i in self.reasons[subject].distinct:
            score = self.similar_to(scenario, i)
            if score >= SAME_SCENARIO and (best is None or score > best[0]):
                best = (score, i, self.evidence[i].reason)
        return best

    def size(self, words_: frozenset[str]) -> float:
        found = self.sizes.get(id(words_))
        if found is None:
            found = self.sizes[id(words_)] = (
                words_,
                math.sqrt(sum(map(self.squares.__getitem__, words_))),
            )
        return found[1]

    def over(self, tokens: frozenset[str]) -> list[Evidence]:
        """The evidence whose subject has all of `tokens` (and some), in order."""
        if not tokens:
            return []
        rarest = min((self.by_token.get(w, []) for w in tokens), key=len)
        return [self.evidence[i] for i in rarest if tokens <= self.evidence[i].subject.tokens]

    def about(self, tokens: frozenset[str]) -> list[_Group]:
        """The groups of evidence about a name, about what it is part of, or about its parts:
        their subject's tokens are within `tokens`, or have all of them."""
        if len(tokens) > _MAX_SUBSETS:
            within = [
                g for t, groups in self.groups_by_tokens.items() if t <= tokens for g in groups
            ]
        else:
            within = [g for t in _subsets(tokens) for g in self.groups_by_tokens.get(t, ())]
        found = {id(g): g for g in within}
        if tokens:
            rarest = min((self.groups_by_token.get(w, []) for w in tokens), key=len)
            found.update((id(g), g) for g in rarest if tokens <= g.subject.tokens)
        return list(found.values())

    def closest(self, group: _Group, scenario: frozenset[str]) -> tuple[float, float]:
        """The group's highest similarity to `scenario`, and its highest among near-copies
        (at least the threshold for its origin; 0.0 if none), once per scenario."""
        self._on(scenario)
        found = self.closest_by_group.get(id(group))
        if found is None:
            threshold = _FACT_THRESHOLDS[group.fact]
            scores = [self.similar_to(scenario, i) for i in group.distinct]
            found = self.closest_by_group[id(group)] = (
                max(scores),
                max((s for s in scores if s >= threshold), default=0.0),
            )
        return found

    def partners_sharing(
        self, scenario: frozenset[str]
    ) -> list[tuple[frozenset[str], tuple[Name, ...]]]:
        """The partners with a telling word in `scenario`: the only ones that can count."""
        found = sorted({i for w in scenario for i in self.partners_by_word.get(w, ())})
        return [self.corpus.partners[i] for i in found]


@dataclass
class _Group:
    """Evidence about one subject with one verdict and origin.

    Copies of a scenario (a rule repeated in many notes) are scored once: `distinct` keeps the
    first of each (by index, in order). Two scenarios with the same words in the same order
    give `similar` exactly the same bits, so only those count as copies.
    """

    subject: Name
    fits: bool
    fact: bool
    distinct: list[int] = field(default_factory=list)
    seen: set[tuple[str, ...]] = field(default_factory=set)

    def add(self, i: int, e: Evidence) -> None:
        key = tuple(e.scenario)
        if key not in self.seen:
            self.seen.add(key)
            self.distinct.append(i)


# A name with more words than this is looked up by reading all the evidence (2**n subsets).
_MAX_SUBSETS = 8


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
    wanted, known = option_name(text, note).core, option_name(term, note).core
    if not wanted or not known:
        return False
    if wanted <= known:
        return True
    if not known < wanted:
        return False
    first = next(iter(words(PARENTHESES.sub("", text))), "")
    return (len(known) >= 2 and first in known) or bool(wanted - known <= significant(family))


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
