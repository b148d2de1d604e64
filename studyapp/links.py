"""URLs reversed once per process, for pages served thousands of times a day (the study card).

reverse() took 28 µs, and a study card has one to four links. A URL depends only on the
URLconf, the script prefix, the name and the arguments, so those are the key. No app namespace
here is mounted twice, so `current_app` plays no part. Arguments come from requests too (a cram
scope's slug and anchor are posted back), so only short ones are kept: a long one is reversed
every time rather than held, and the cache stays a few MB at most.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Slugs are at most 200 characters; anything longer is not a URL worth keeping.
_LONGEST_KEPT = 256


def reverse_once(name: str, *args: Any) -> str:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    if sum(len(str(arg)) for arg in args) > _LONGEST_KEPT:
        return reverse(name, urlconf=urlconf, args=args)
    return _reversed(urlconf, get_script_prefix(), name, args)


@lru_cache(maxsize=4096)
def _reversed(urlconf: Any, prefix: str, name: str, args: tuple[Any, ...]) -> str:
    return reverse(name, urlconf=urlconf, args=args)
