"""gunicorn.conf.py as gunicorn reads it: the worker hook that keeps full collections short."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import clear_url_caches, get_resolver
from gunicorn.app.base import Application
from gunicorn.config import Config

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


class _Loaded(Application):
    """gunicorn's own loading of a config file, without parsing this process's arguments."""

    def __init__(self) -> None:  # gunicorn's would parse the arguments of pytest
        self.cfg = Config()


@pytest.fixture
def config() -> Iterator[Config]:
    app = _Loaded()
    app.load_config_from_module_name_or_filename(str(CONF))
    yield app.cfg
    gc.unfreeze()  # what the hook froze goes back to the collector, as before the test


def test_a_worker_freezes_what_it_loaded_so_full_collections_skip_it(config: Config) -> None:
    loaded = [[] for _ in range(3)]  # lists are tracked by the collector
    gc.unfreeze()
    assert any(o is loaded for o in gc.get_objects())

    config.post_worker_init(object())

    # Frozen objects are in no generation, so no collection walks them. Without the hook
    # (gunicorn's default does nothing) they would still be there.
    assert not any(o is loaded or o is loaded[0] for o in gc.get_objects())
    assert gc.get_freeze_count() > 0


def test_a_worker_builds_the_url_maps_before_freezing_so_they_are_frozen_too(
    config: Config,
) -> None:
    clear_url_caches()  # as in a worker that has served no request yet

    config.post_worker_init(object())

    resolver = get_resolver()  # the one the hook built, not a new one
    maps = resolver.reverse_dict
    assert not any(o is resolver or o is maps for o in gc.get_objects())
