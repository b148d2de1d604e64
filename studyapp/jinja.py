"""The Jinja2 environment of the study card's templates (templates/jinja2/).

Why a second template engine: the study card is rendered on every step of every learner's
study loop, and Django's template language spent 0.3 ms of a 1.4 ms request on it; the same
card in Jinja2 takes about a sixth of that (docs/performance.md). Every other page stays in
Django templates. Autoescaping is on (Django's Jinja2 backend's default); Django's safe
strings (`linebreaks`) are kept as they are, like any object with `__html__`.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django.template.defaultfilters import linebreaks_filter
from django.utils import dateformat, timesince, timezone
from jinja2 import Environment

from studyapp.links import reverse_once


def environment(**options: Any) -> Environment:
    env = Environment(**options)  # noqa: S701 (Django's backend passes autoescape=True)
    env.globals.update(
        url=reverse_once,
        localtime=_localtime,
        # Django's `date` filter and `timeuntil`, for values already localized.
        date=dateformat.format,
        timeuntil=timesince.timeuntil,
    )
    env.filters["linebreaks"] = linebreaks_filter
    return env


def _localtime(value: datetime, zone: str) -> datetime:
    return timezone.localtime(value, zoneinfo.ZoneInfo(zone))
