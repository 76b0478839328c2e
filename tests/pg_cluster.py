"""A private, throwaway PostgreSQL cluster on 127.0.0.1 for the test session.

``initdb`` refuses to run as root, so under root the cluster belongs to the ``postgres``
user. Nothing here mocks the database: tests talk to a real server.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

TEMPLATE = "claimbot_template"


def find_bindir() -> Path | None:
    """Return the folder holding initdb and pg_ctl (Debian's versioned one first)."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """initdb + pg_ctl start in a temp dir; ``stop`` removes everything."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable  # fsync on (benchmarks); tests trade durability for speed
        self.root = Path(tempfile.mkdtemp(prefix="claimbot-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._user: str | None = None
        if os.geteuid() == 0:
            self._user = "postgres"
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.started = False

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._user is not None:
            command = ["runuser", "-u", self._user, "--", *command]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=True, cwd=self.root
        )

    def start(self) -> None:
        """Create the cluster and start the server on a free loopback port."""
        self._run(
            "initdb", "-D", str(self.data), "-U", "claimbot", "--auth=trust", "-E", "UTF8",
            "--no-sync", "--locale=C",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.root}"
            " -c max_connections=200"
        )
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        self.started = True

    def url(self, dbname: str) -> str:
        """Return the URL of one database of the cluster."""
        return f"postgresql://claimbot@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        """Stop the server and delete the cluster."""
        if self.started:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
