"""Run pytest against a throwaway PostgreSQL cluster: `python -m tests.run_on_postgres [ARGS]`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.pgcluster import ClusterError, running_cluster


def main(args: list[str]) -> int:
    """Start the cluster, run pytest with `args` on it, and return pytest's exit code."""
    # Turn a TERM (e.g. a CI timeout) into an exception, so the cluster is still stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        with running_cluster() as url:
            print(f"==> PostgreSQL cluster ready at {url}", flush=True)
            # STUDYAPP_EXPECT_DB makes tests/test_database_backend.py prove the run used it.
            env = {**os.environ, "DATABASE_URL": url, "STUDYAPP_EXPECT_DB": "postgresql"}
            return subprocess.run([sys.executable, "-m", "pytest", *args], env=env).returncode
    except ClusterError as error:
        print(f"run_on_postgres: {error}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
