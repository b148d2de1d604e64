"""Bulk CPU work (an import of many notes): forked workers, one per core, and fewer GC passes.

Parsing and rendering notes and generating questions are pure Python, which the GIL keeps on
one core. The workers are forked: they start at once with everything imported and see what
the parent built before forking (a corpus of every note) without it being pickled; only item
indexes go to them and results come back. They must touch no database connection: they end
with os._exit (as multiprocessing's workers do), which leaves the parent's connections alone.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import multiprocessing
import os
import signal
import sys
import threading
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
    over anything built before; its results are pickled back. When the block ends the pool is
    shut down: queued work is cancelled, and the chunks already running finish first.

    Only a single-threaded process forks: a lock another thread held at the fork would stay
    held in the child forever (`watch_notes` has its file watcher's threads), so there the
    work runs in this process.
    """
    workers = min(os.cpu_count() or 1, len(items) // min_per_worker + 1, max_workers or 1 << 16)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if workers < 2 or not can_fork or not _single_threaded():
        yield (work(item) for item in items)
        return
    number = next(_numbers)
    _jobs[number] = (work, items)  # before the pool forks: the workers copy it
    try:
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_end_with_parent,
            initargs=(os.getpid(),),
        )
        try:
            # The workers fork when the work is handed out. What exists by then is moved out
            # of the collector's reach (`gc.freeze`) for the fork: a collection in a worker
            # would otherwise walk, and so write to, every object it inherited, copying the
            # parent's memory page by page (1.2 s of CPU across an import of 1,000 notes).
            # The parent gets them back at once.
            # Not when something else froze objects already (a gunicorn worker does, see
            # gunicorn.conf.py): unfreeze would hand its objects back to the collector too.
            freeze = gc.get_freeze_count() == 0
            if freeze:
                gc.freeze()
            try:
                results = pool.map(
                    _run, itertools.repeat(number), range(len(items)), chunksize=chunksize
                )
            finally:
                if freeze:
                    gc.unfreeze()
            yield results
        finally:
            pool.shutdown(cancel_futures=True)
    finally:
        del _jobs[number]


def _single_threaded() -> bool:
    return threading.active_count() == 1


def _end_with_parent(parent: int) -> None:
    """In a worker: end when the parent does. A pool's workers otherwise outlive a parent
    killed mid-import (SIGTERM to `watch_notes` or `import_notes`), waiting forever for work."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the line above took effect
        os._exit(1)


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


_collections_lock = threading.Lock()
_fewer_depth = 0  # blocks open, in any thread: the setting is the process's, not a thread's
_saved_threshold: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cycle collector less often in the block (see FEWER_COLLECTIONS). Nestable and
    safe across threads: the threshold is restored when the last open block ends."""
    global _fewer_depth, _saved_threshold
    with _collections_lock:
        if _fewer_depth == 0:
            _saved_threshold = gc.get_threshold()
            gc.set_threshold(max(_saved_threshold[0], FEWER_COLLECTIONS), *_saved_threshold[1:])
        _fewer_depth += 1
    try:
        yield
    finally:
        with _collections_lock:
            _fewer_depth -= 1
            if _fewer_depth == 0:
                gc.set_threshold(*_saved_threshold)
