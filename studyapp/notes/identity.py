"""Carry ids from the items of a note's last import to the items of its new version.

An item keeps its id when its text is unchanged, or when it changed only a little (a typo
fixed, a word reworded) and it still sits in the same place (same topic or table). Anything
left over on the old side is retired by the caller; anything left on the new side is new.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

# Light edits (a typo, a word or two) keep identity; a sentence that says something else does
# not. 0.8 keeps "Assigns each task an ENI" ~ "Assigns every task an ENI" together but splits
# "EC2 launch type" from "Fargate launch type".
SIMILAR_ENOUGH = 0.8

_SPACE = re.compile(r"\s+")
_DECORATION = re.compile(r"[*_`]+")


def normalize(text: str) -> str:
    """The form texts are compared in: case, emphasis markers and spacing don't matter."""
    return _SPACE.sub(" ", _DECORATION.sub("", text)).strip().casefold()


@dataclass(frozen=True)
class Keyed:
    """An item as the matcher sees it: its id (None on the new side), group and text."""

    id: Hashable | None
    group: str
    text: str


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, normalize(a), normalize(b), autojunk=False).ratio()


def carry_ids(old: Sequence[Keyed], new: Sequence[Keyed]) -> list[Hashable | None]:
    """For each new item, the id of the old item it continues, or None if it is new.

    Pass 1 pairs identical texts anywhere (an item moved to another section keeps its id);
    pass 2 pairs similar texts within the same group, best pairs first, so that two similar
    items never swap ids.
    """
    result: list[Hashable | None] = [None] * len(new)
    if not old:
        return result  # nothing to carry (a new note): skip normalizing every new text
    free_old = list(range(len(old)))

    by_text: dict[str, list[int]] = {}
    for i in free_old:
        by_text.setdefault(normalize(old[i].text), []).append(i)
    # Same text in the same group first, so duplicates across groups pair up in place.
    for same_group in (True, False):
        for j, item in enumerate(new):
            if result[j] is not None:
                continue
            candidates = by_text.get(normalize(item.text), [])
            for i in candidates:
                if not same_group or old[i].group == item.group:
                    result[j] = old[i].id
                    candidates.remove(i)
                    break
    used = {r for r in result if r is not None}
    remaining_old = [i for i in free_old if old[i].id not in used]

    pairs: list[tuple[float, int, int]] = []
    for j, item in enumerate(new):
        if result[j] is not None:
            continue
        for i in remaining_old:
            if old[i].group != item.group:
                continue
            score = similarity(old[i].text, item.text)
            if score >= SIMILAR_ENOUGH:
                pairs.append((score, i, j))
    taken_old: set[int] = set()
    for _score, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i in taken_old or result[j] is not None:
            continue
        result[j] = old[i].id
        taken_old.add(i)
    return result
