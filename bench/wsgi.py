"""The app as the benchmark serves it: studyapp's WSGI application, plus a Server-Timing header.

`Server-Timing: app;dur=<ms>, cpu;dur=<ms>` is the time from the request reaching Django to the
response being ready (every middleware, the view and the template included), and the CPU time
the worker spent on it, so the load generator can tell server time from queueing and its own
overhead, and CPU cost from waiting for a core. Only with bench.settings.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

_django = get_wsgi_application()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    started, cpu = time.perf_counter(), time.process_time()

    def timed(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        elapsed_ms = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
        headers.append(("Server-Timing", f"app;dur={elapsed_ms:.3f}, cpu;dur={cpu_ms:.3f}"))
        return start_response(status, headers, exc_info)

    return _django(environ, timed)
