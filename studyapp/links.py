"""URLs reversed once per process, for pages served thousands of times a day (the study card).

reverse() took 28 µs, and a study card has one to four links. A URL depends only on the
URLconf, the script prefix, the name and the arguments, so those are the key. No app namespace
here is mounted twice, so `current_app` plays no part.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse


def reverse_once(name: str, *args: Any) -> str:
    return _reversed(get_urlconf(), get_script_prefix(), name, args)


@lru_cache(maxsize=4096)
def _reversed(urlconf: Any, prefix: str, name: str, args: tuple[Any, ...]) -> str:
    return reverse(name, urlconf=urlconf, args=args)
