"""Which questions a mock exam asks, and in which order its choices appear; no Django here."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


def draw(by_note: Mapping[str, Sequence[T]], length: int, rng: random.Random) -> list[T]:
    """Up to `length` questions spread evenly over the notes, in a random order.

    Notes take turns giving one random question each, so a 10-question exam over five notes
    asks two from each rather than whatever a plain random sample happens to favour.
    """
    pools = []
    for note in sorted(by_note):
        pool = list(by_note[note])
        rng.shuffle(pool)
        if pool:
            pools.append(pool)
    rng.shuffle(pools)
    drawn: list[T] = []
    while pools and len(drawn) < length:
        for pool in pools[: length - len(drawn)]:
            drawn.append(pool.pop())
        pools = [pool for pool in pools if pool]
    rng.shuffle(drawn)
    return drawn


def choice_order(choice_ids: Sequence[int], seed: str) -> list[int]:
    """The choices in a random order fixed by `seed` (one per attempt and question)."""
    order = list(choice_ids)
    random.Random(seed).shuffle(order)
    return order
