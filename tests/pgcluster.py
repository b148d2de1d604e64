"""A throwaway PostgreSQL cluster for the test suite: started in a temp dir, deleted afterwards.

Pure Python on purpose (no Django), so it can start before Django reads DATABASE_URL.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

INSTALL_HINT = "install the PostgreSQL 15 server: apt-get install postgresql-15"
# initdb and postgres refuse to run as root; as root we run them as this unprivileged user.
SERVICE_USER = "studyapp-pg"
FALLBACK_USER = "nobody"
# Durability is worthless for a cluster deleted after the run, and costs most of the time.
SERVER_OPTIONS = (
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c listen_addresses=127.0.0.1",
)


class ClusterError(RuntimeError):
    """The throwaway cluster could not be created or started."""


def find_bindir() -> Path:
    """Return the folder holding initdb and pg_ctl: from PATH, else Debian's newest version."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(os.path.realpath(initdb)).parent
    bindirs = [Path(found).parent for found in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    for bindir in sorted(bindirs, key=_major_version, reverse=True):
        if (bindir / "pg_ctl").exists():
            return bindir
    raise ClusterError(f"no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin: {INSTALL_HINT}")


def _major_version(bindir: Path) -> int:
    name = bindir.parent.name  # /usr/lib/postgresql/15/bin -> "15"
    return int(name) if name.isdigit() else 0


def free_port() -> int:
    """Ask the kernel for a loopback port nobody is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_cluster() -> Iterator[str]:
    """Start a fresh cluster, yield its URL, then stop it and delete every file it made."""
    bindir = find_bindir()
    user = _unprivileged_user()
    # /tmp rather than $TMPDIR when switching user: $TMPDIR may sit under /root, untraversable.
    workdir = Path(tempfile.mkdtemp(prefix="studyapp-pg-", dir="/tmp" if user else None))
    try:
        if user:
            shutil.chown(workdir, user=user, group=pwd.getpwnam(user).pw_gid)
        datadir = workdir / "data"
        initdb = [bindir / "initdb", "-D", datadir, "-A", "trust", "-U", "postgres"]
        _run(user, workdir, [*initdb, "-E", "UTF8", "--locale=C", "--no-sync"])
        port = _start(user, workdir, bindir, datadir)
        try:
            yield f"postgres://postgres@127.0.0.1:{port}/postgres"
        finally:
            _run(user, workdir, [bindir / "pg_ctl", "-D", datadir, "-m", "immediate", "stop"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _start(user: str | None, workdir: Path, bindir: Path, datadir: Path) -> int:
    """Start the server on a free port; retry if another process took the port meanwhile."""
    logfile = workdir / "server.log"
    for _attempt in range(3):
        port = free_port()
        options = " ".join((*SERVER_OPTIONS, f"-p {port}", f"-k {workdir}"))
        try:
            pg_ctl = [bindir / "pg_ctl", "-D", datadir, "-l", logfile, "-w", "-t", "60"]
            _run(user, workdir, [*pg_ctl, "-o", options, "start"])
        except ClusterError:
            continue
        _wait_for_port(port)
        return port
    log = logfile.read_text(errors="replace") if logfile.exists() else "(no server log)"
    raise ClusterError(f"PostgreSQL did not start; its log says:\n{log}")


def _wait_for_port(port: int, timeout: float = 30.0) -> None:
    """pg_ctl -w already waits for the server; this also proves TCP on 127.0.0.1 answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise ClusterError(f"PostgreSQL refuses connections on port {port}") from None
            time.sleep(0.1)


def _unprivileged_user() -> str | None:
    """None when we are not root; otherwise a user initdb will accept, created if need be."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVICE_USER)
        return SERVICE_USER
    except KeyError:
        pass
    created = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
        capture_output=True,
        check=False,
    )
    return SERVICE_USER if created.returncode == 0 else FALLBACK_USER


def _run(user: str | None, cwd: Path, command: list[str | Path]) -> None:
    """Run one PostgreSQL tool (as `user` when given); raise with its output if it fails."""
    argv = [str(part) for part in command]
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    # cwd: postgres fails if it cannot read the directory it was started from.
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ClusterError(
            f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}{result.stderr}"
        )
