"""The documented production settings (deploy/deskmate.env), for processes the tests start."""

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ENV_FILE = Path(__file__).resolve().parents[2] / "deploy" / "deskmate.env"


def documented_settings() -> dict[str, str]:
    settings = {}
    for line in ENV_FILE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value.strip().strip('"')
    return settings


def production_environment(data_dir: Path, **overrides) -> dict[str, str]:
    """This machine's environment with the documented settings, a real secret and local storage."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DESKMATE_")
        and key not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(documented_settings())
    environment.update(
        DESKMATE_SECRET_KEY=secrets.token_urlsafe(50),
        DESKMATE_DATA_DIR=str(data_dir),
        DESKMATE_EMAIL_HOST="",
    )
    environment.pop("DATABASE_URL")  # SQLite in the data directory
    environment.update(overrides)
    return environment


def deskmate(*args, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "deskmate", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: How long a server may take to start: on PostgreSQL runs `serve --migrate` migrates an empty
#: SQLite database from scratch, which took over 60 s on a 2-core machine with a load of 19.
#: A bound against hanging for ever, not a timing check.
START_WITHIN = 240


def wait_until_listening(
    port: int, process: subprocess.Popen, *, within: float = START_WITHIN
) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {within} s")
