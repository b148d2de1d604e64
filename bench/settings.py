"""Settings the benchmark serves the app with: the production settings, unchanged, plus
`/bench/ping/` (the baseline view) when STUDYAPP_BENCH=true.

The product's own URLconf and settings know nothing of the benchmark; this module wraps them.
"""

from __future__ import annotations

from studyapp.env import envbool
from studyapp.settings import *  # noqa: F403

BENCH = envbool("STUDYAPP_BENCH", "false")
if BENCH:
    ROOT_URLCONF = "bench.urls"
