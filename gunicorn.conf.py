"""gunicorn's settings for studyapp (`gunicorn studyapp.wsgi`), read from the environment.

gunicorn loads ./gunicorn.conf.py by itself when started from the project folder; see
docs/deploy.md and docs/configuration.md.
"""

from __future__ import annotations

import gc
import multiprocessing
import os

from studyapp.env import envint

# gunicorn's usual advice is 2 × CPUs + 1; capped, as each worker holds its own database
# connection and twenty learners do not need more.
workers = envint("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
timeout = envint("GUNICORN_TIMEOUT", 30)
# Access and error logs to standard output/error, where systemd or the container collects them.
accesslog = "-"
errorlog = "-"
# Restart workers now and then, so a slow leak never grows into an outage. Not too often: a
# new worker spends a quarter of a second of CPU importing Django and the app while requests
# queue behind it, and under load (a team studying at once) a worker serves 10,000 requests
# in half a minute (docs/performance.md). Not preload_app, which would make new workers ready
# at once: with it, `systemctl reload` (HUP) would no longer load upgraded code (docs/deploy.md).
max_requests = 50000
max_requests_jitter = 5000


def post_worker_init(worker: object) -> None:
    """Called by gunicorn in each worker once it has loaded the app."""
    # What the worker has loaded lives as long as it does. Left to the collector, each full
    # collection walked all of it: a 45-50 ms pause of the worker every few seconds under load,
    # the longest stall of the study flow. Frozen, it is never walked again; a full collection
    # then takes a few ms (docs/performance.md, fix 28). Loading the app stops at Django and the
    # WSGI handler; the URL maps, and with them every view module, are built by the first
    # request, so they are built here first, to be frozen too. Templates still compile on
    # first use.
    from django.urls import get_resolver

    _ = get_resolver().reverse_dict
    gc.freeze()
