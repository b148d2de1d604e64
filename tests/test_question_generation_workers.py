"""Questions generated in forked workers for an import (issue #8): the same list, every core."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from bench.notes import generate_notes
from studyapp import bulk
from studyapp.notes.parsed import ParsedNote
from studyapp.notes.parser import parse_note
from studyapp.questions import sync
from studyapp.questions.generator import generate_questions

CONTENT = Path(__file__).resolve().parent.parent / "content"
SINGLE_THREADED = bulk._single_threaded

# Pure: no database. The generated notes are copies of content/ (bench/notes.py).


@pytest.fixture(scope="module")
def sixty_notes(tmp_path_factory: pytest.TempPathFactory) -> list[ParsedNote]:
    folder = tmp_path_factory.mktemp("sixty")
    return [parse_note(p.read_bytes(), p.name) for p in generate_notes(CONTENT, folder, 60)]


def test_questions_generated_in_workers_are_those_of_one_process(
    sixty_notes: list[ParsedNote], pools: list[int]
) -> None:
    one_process = generate_questions(sixty_notes)

    in_workers = sync.generate(reversed(sixty_notes))

    assert pools == [2]  # 60 notes: 2 workers of at least 50 notes' worth
    assert len(in_workers) > 1000
    assert in_workers == one_process
    # Every field of every question, every choice, in order: they came back pickled.
    assert repr(in_workers) == repr(one_process)


def test_a_few_notes_are_generated_in_this_process(
    sixty_notes: list[ParsedNote], pools: list[int]
) -> None:
    few = sixty_notes[: sync.GENERATE_MIN_NOTES - 1]

    assert sync.generate(few) == generate_questions(few)
    assert pools == []


def test_one_core_generates_in_this_process(
    sixty_notes: list[ParsedNote], pools: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk.os, "cpu_count", lambda: 1)

    assert sync.generate(sixty_notes) == generate_questions(sixty_notes)
    assert pools == []


def test_workers_inherit_the_work_unpickled_and_give_results_in_order(pools: list[int]) -> None:
    items = list(range(40))
    unpicklable = lambda n: n * n  # noqa: E731 - a closure a pool could not pickle

    with bulk.forked_map(
        lambda n: (unpicklable(n), os.getpid()), items, min_per_worker=10, chunksize=3
    ) as results:
        squares, pids = zip(*results, strict=True)

    assert list(squares) == [n * n for n in items]
    assert os.getpid() not in pids
    assert pools == [min(os.cpu_count() or 1, 5)]
    assert bulk._jobs == {}


def test_workers_collect_garbage_as_rarely_as_the_parent(pools: list[int]) -> None:
    before = gc.get_threshold()

    with (
        bulk.fewer_collections(),
        bulk.forked_map(
            lambda _: gc.get_threshold()[0], range(20), min_per_worker=10, chunksize=1
        ) as thresholds,
    ):
        assert set(thresholds) == {max(before[0], bulk.FEWER_COLLECTIONS)}

    assert gc.get_threshold() == before


def test_objects_frozen_before_stay_frozen_after(pools: list[int]) -> None:
    # A gunicorn worker freezes what it loaded (gunicorn.conf.py); a pool forked from it must
    # not hand those objects back to the collector when it is done.
    loaded = [[] for _ in range(3)]
    gc.freeze()
    try:
        with bulk.forked_map(lambda n: n, range(20), min_per_worker=10, chunksize=1) as results:
            assert list(results) == list(range(20))
        assert pools  # the work went to forked workers
        assert gc.get_freeze_count() > 0
        assert not any(o is loaded for o in gc.get_objects())
    finally:
        gc.unfreeze()


def test_a_process_with_other_threads_does_its_work_itself(pools: list[int], monkeypatch) -> None:
    monkeypatch.setattr(bulk, "_single_threaded", SINGLE_THREADED)
    stop = threading.Event()
    watcher = threading.Thread(target=stop.wait)  # like watch_notes' file watcher
    watcher.start()
    try:
        with bulk.forked_map(
            lambda _: os.getpid(), range(40), min_per_worker=10, chunksize=3
        ) as pids:
            assert set(pids) == {os.getpid()}
    finally:
        stop.set()
        watcher.join()
    assert pools == []


def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    if (os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux"):
        pytest.skip("needs two cores and Linux's parent-death signal")
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, sys, time
            from studyapp import bulk
            def work(_):
                # One write: a line two workers print at once must not interleave.
                os.write(1, f"{os.getpid()}\\n".encode())
                time.sleep(60)
            with bulk.forked_map(work, range(4), min_per_worker=1, chunksize=1) as results:
                list(results)
            """
        )
    )
    root = Path(__file__).resolve().parent.parent
    parent = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(root)},
    )
    workers = {int(parent.stdout.readline()) for _ in range(2)}
    parent.send_signal(signal.SIGTERM)
    parent.wait(10)

    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_fewer_collections_restores_the_threshold_when_the_last_thread_leaves() -> None:
    before = gc.get_threshold()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with bulk.fewer_collections():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with bulk.fewer_collections():
            second_in.set()
            first_out.wait(5)
            assert gc.get_threshold()[0] == max(before[0], bulk.FEWER_COLLECTIONS)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert gc.get_threshold() == before
