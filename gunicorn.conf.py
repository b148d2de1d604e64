"""gunicorn's settings for studyapp (`gunicorn studyapp.wsgi`), read from the environment.

gunicorn loads ./gunicorn.conf.py by itself when started from the project folder; see
docs/deploy.md and docs/configuration.md.
"""

from __future__ import annotations

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
# Load the app once in the master and fork workers from it: a new worker (after a crash or a
# max_requests restart) is then ready at once instead of spending a quarter of a second of
# CPU importing Django and the app while requests queue behind it (docs/performance.md).
# Nothing opens a database connection at import, so no connection is shared across the fork.
# A code change needs a restart, not a HUP.
preload_app = True
# Restart workers now and then, so a slow leak never grows into an outage. Not too often:
# under load (a team studying at once) a worker serves 10,000 requests in half a minute.
max_requests = 50000
max_requests_jitter = 5000
