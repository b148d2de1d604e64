"""Bulk CPU work (an import of many notes): forked workers, one per core, and fewer GC passes.

Parsing and rendering notes and generating questions are pure Python, which the GIL keeps on
one core. The workers are forked: they start at once with everything imported and see what
the parent built before forking (a corpus of every note) without it being pickled; only item
indexes go to them and results come back. They must touch no database connection: they end
with os._exit (as multiprocessing's workers do), which leaves the parent's connections alone.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# The work of the pools open in this process, by number: what a forked worker runs and on what.
_jobs: dict[int, tuple[Callable[[Any], Any], Sequence[Any]]] = {}
_numbers = itertools.count()


@contextmanager
def forked_map(
    work: Callable[[T], R],
    items: Sequence[T],
    *,
    min_per_worker: int,
    chunksize: int,
    max_workers: int | None = None,
) -> Iterator[Iterator[R]]:
    """`work` of each item, in order, as the caller asks: in forked workers when there are
    `min_per_worker` items or more and more than one core, else in this process.

    `work` and `items` are inherited by the workers, never pickled, so `work` may be a closure
    over anything built before; its results are pickled back. Workers still running when the
    block ends are told to stop.
    """
    workers = min(os.cpu_count() or 1, len(items) // min_per_worker + 1, max_workers or 1 << 16)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield (work(item) for item in items)
        return
    number = next(_numbers)
    _jobs[number] = (work, items)  # before the pool forks: the workers copy it
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        try:
            yield pool.map(_run, itertools.repeat(number), range(len(items)), chunksize=chunksize)
        finally:
            pool.shutdown(cancel_futures=True)
    finally:
        del _jobs[number]


def _run(number: int, index: int) -> Any:
    """In a worker: the work of one item of pool `number`."""
    work, items = _jobs[number]
    return work(items[index])


# An import makes millions of small objects (parsed notes, names, word sets, look-ups) that
# live until it ends. Python's cycle collector, run every 700 new objects by default, would
# walk them again and again: a third of question generation's time for 1,000 notes, 0.5 s
# of the rest of the import. Meanwhile it runs every 50,000 (then as set before); nothing
# there makes cycles worth collecting sooner.
FEWER_COLLECTIONS = 50_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cycle collector less often in the block (see FEWER_COLLECTIONS); nestable."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], FEWER_COLLECTIONS), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
