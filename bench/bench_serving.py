"""The suggestions page beside the home page, on the production server, with and without the cache.

Builds the demo community (`deskmate demo-data --members N --seed 7`, then
`deskmate refresh-ties`) in a scratch SQLite database under
`bench/results/serving/N` (kept for the next run), signs in a spread of
members (sessions written straight into the session table, as a sign-in
would, to spare the deliberately slow password hash), and then for each
cache setting in turn starts the real production server (`deskmate serve`:
gunicorn, 2 workers of 4 threads, the documented production settings) on
127.0.0.1 and measures, with keep-alive clients in another process:

- cold: every signed-in member asks for the page once, right after the cache
  was emptied of every list (as after a tie refresh: each answer computed,
  and stored when the cache is on);
- warm: for a fixed time, the same members ask again and again, in turn.

Cache settings: `dummy://` (nothing cached: the code before this cache), the
default (Django's DatabaseCache in deskmate's SQLite database) and Redis at
127.0.0.1:6379 when one answers. For a few members the suggestion list with
the cache on is checked to be the same as without it.

Writes the table to docs/benchmarks.md under "## Serving: suggestions beside the home page".

    .venv/bin/python bench/bench_serving.py [--members 10000] [--viewers 200] [--seconds 20]
"""

import argparse
import json
import os
import queue
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.serving.production import (  # noqa: E402
    free_port,
    production_environment,
    wait_until_listening,
)

from bench.report import write_section  # noqa: E402

PAGES = {"home": "/", "suggestions": "/suggestions/mentors/"}
PROXY_HEADERS = {"Host": "mentoring.example.org", "X-Forwarded-Proto": "https"}
REDIS_URL = "redis://127.0.0.1:6379/3"
SUGGESTION_LIST = re.compile(r'<ol class="suggestions" id="suggestions">.*?</ol>', re.S)

SIGN_IN = """
import json, random, sys
import django
django.setup()
from django.contrib.sessions.backends.db import SessionStore
from deskmate.people.models import Member

ids = list(Member.objects.filter(user__is_active=True).values_list("pk", flat=True))
chosen = random.Random(7).sample(ids, min(int(sys.argv[1]), len(ids)))
sessions = []
for member in Member.objects.filter(pk__in=chosen).select_related("user"):
    session = SessionStore()
    session["_auth_user_id"] = str(member.user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = member.user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
print(json.dumps(sessions))
"""

# Cold as after a tie refresh: every list computed again, every member's generation already there.
EMPTY_CACHE = """
import django
django.setup()
from django.core.cache import cache
from deskmate.core.generations import COMMUNITY, generations, member_generation
from deskmate.people.models import Member

cache.clear()
generations([COMMUNITY, *(member_generation(pk) for pk in Member.objects.values_list("pk", flat=True))])
"""


def run(args: list[str], env: dict, *, timeout: int = 3600) -> str:
    done = subprocess.run(
        args,
        env={**env, "DJANGO_SETTINGS_MODULE": "deskmate.settings"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"{args[:3]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def deskmate(env: dict, *args: str) -> None:
    run([sys.executable, "-m", "deskmate", *args], env)


def community(data_dir: Path, members: int, env: dict) -> None:
    """The demo community and its ties, made the first time."""
    if (data_dir / "ready").exists():
        deskmate(env, "migrate", "--no-input")  # a newer checkout may have migrations to apply
        return
    deskmate(env, "migrate", "--no-input")
    deskmate(env, "demo-data", "--members", str(members), "--seed", "7", "--no-progress")
    deskmate(env, "refresh-ties")
    (data_dir / "ready").write_text("")


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as probe:
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Server:
    """`deskmate serve` with two workers, stopped with gunicorn's quick shutdown."""

    def __init__(self, env: dict, port: int):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deskmate", "serve", "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_listening(port, self.process)

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server and its workers so far (Linux /proc)."""
        ticks = os.sysconf("SC_CLK_TCK")
        children: dict[int, list[int]] = {}
        times: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
        total, waiting = 0.0, [self.process.pid]
        while waiting:
            pid = waiting.pop()
            total += times.get(pid, 0.0)
            waiting.extend(children.get(pid, []))
        return total

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _get(connection: HTTPConnection, path: str, session: str) -> tuple[int, str]:
    connection.request("GET", path, headers={**PROXY_HEADERS, "Cookie": f"sessionid={session}"})
    response = connection.getresponse()
    return response.status, response.read().decode()


def load(port: int, path: str, sessions: list[str], *, clients: int, seconds: float | None):
    """Requests from ``clients`` keep-alive connections: each session once (seconds=None), or in turn for a time.

    Returns the latencies in seconds, the wall time and the statuses that were not 200.
    """
    work: queue.Queue = queue.Queue()
    for session in sessions:
        work.put(session)
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    started = time.perf_counter()
    stop_at = None if seconds is None else started + seconds

    def client(offset: int) -> None:
        connection = HTTPConnection("127.0.0.1", port, timeout=60)
        turn = offset
        while True:
            if stop_at is None:
                try:
                    session = work.get_nowait()
                except queue.Empty:
                    break
            else:
                if time.perf_counter() >= stop_at:
                    break
                session = sessions[turn % len(sessions)]
                turn += clients
            begin = time.perf_counter()
            status, _ = _get(connection, path, session)
            took = time.perf_counter() - begin
            with lock:
                latencies.append(took)
                if status != 200:
                    failures.append(status)
        connection.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, failures


def figures(latencies: list[float], wall: float, failures: list[int], cpu: float) -> dict:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "server_cpu_ms": cpu / len(ordered) * 1000,
        "per_second": len(ordered) / wall,
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] * 1000,
        "failures": len(failures),
    }


def suggestion_lists(port: int, sessions: list[str]) -> list[str]:
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    found = []
    for session in sessions:
        _, page = _get(connection, PAGES["suggestions"], session)
        match = SUGGESTION_LIST.search(page)
        found.append(match.group(0) if match else "")
    connection.close()
    return found


def measure(env: dict, cache_url: str, sessions: list[str], args) -> dict:
    port = free_port()
    env = {**env, "DESKMATE_CACHE_URL": cache_url, "DESKMATE_BIND": f"127.0.0.1:{port}"}
    result: dict = {"load_before": os.getloadavg()[0]}
    server = Server(env, port)
    try:
        # Each worker's first requests pay for imports and the lexicon; not what is measured.
        load(port, "/", sessions[:4], clients=2, seconds=None)
        for page, path in PAGES.items():
            run([sys.executable, "-c", EMPTY_CACHE], env)
            before = server.cpu_seconds()
            cold = load(port, path, sessions, clients=args.clients, seconds=None)
            between = server.cpu_seconds()
            warm = load(port, path, sessions, clients=args.clients, seconds=args.seconds)
            after = server.cpu_seconds()
            result[page] = {
                "cold": figures(*cold, between - before),
                "warm": figures(*warm, after - between),
            }
            print(cache_url or "default", page, json.dumps(result[page]), flush=True)
        result["lists"] = suggestion_lists(port, sessions[: args.check])
    finally:
        server.stop()
    result["load_after"] = os.getloadavg()[0]
    return result


def table(results: dict[str, dict]) -> list[str]:
    lines = [
        "| cache | page | cold: req/s | cold: p50 / p95 | cold: server CPU per request | warm: req/s | warm: p50 / p95 | warm: server CPU per request | suggestions ÷ home (warm req/s) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        ratio = result["suggestions"]["warm"]["per_second"] / result["home"]["warm"]["per_second"]
        for page in PAGES:
            cold, warm = result[page]["cold"], result[page]["warm"]
            lines.append(
                f"| {name} | {page} | {cold['per_second']:.0f} | {cold['p50_ms']:.0f} / {cold['p95_ms']:.0f} ms "
                f"| {cold['server_cpu_ms']:.0f} ms "
                f"| {warm['per_second']:.0f} | {warm['p50_ms']:.0f} / {warm['p95_ms']:.0f} ms "
                f"| {warm['server_cpu_ms']:.0f} ms "
                f"| {f'{ratio:.0%}' if page == 'suggestions' else ''} |"
            )
    return lines


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument(
        "--viewers", type=int, default=200, help="signed-in members, a random spread"
    )
    parser.add_argument("--seconds", type=float, default=20, help="length of each warm run")
    parser.add_argument("--clients", type=int, default=8, help="keep-alive connections at once")
    parser.add_argument("--check", type=int, default=20, help="members whose lists are compared")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "results" / "serving")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    data_dir = args.data_dir / str(args.members)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = production_environment(data_dir, DESKMATE_SECRET_KEY=secrets.token_urlsafe(50))
    community(data_dir, args.members, env)
    deskmate(env, "collectstatic", "--no-input", "-v", "0")
    sessions = json.loads(
        run([sys.executable, "-c", SIGN_IN, str(args.viewers)], env).strip().splitlines()[-1]
    )
    settings = {"none (before)": "dummy://", "database (default)": ""}
    if redis_up():
        settings["Redis"] = REDIS_URL
    results = {name: measure(env, url, sessions, args) for name, url in settings.items()}
    reference = results["none (before)"]["lists"]
    same = {name: result["lists"] == reference for name, result in results.items()}
    failures = sum(
        result[page][run_]["failures"]
        for result in results.values()
        for page in PAGES
        for run_ in ("cold", "warm")
    )
    loads = ", ".join(
        f"{name} {result['load_before']:.1f} → {result['load_after']:.1f}"
        for name, result in results.items()
    )
    lines = [
        f"The demo community (`deskmate demo-data --members {args.members:,} --seed 7`, ties stored), "
        f"`deskmate serve` (gunicorn, 2 workers × 4 threads, production settings, SQLite) on 127.0.0.1; "
        f"{len(sessions)} signed-in members chosen at random, {args.clients} keep-alive clients in one "
        f"process on the same machine. Cold: each member once, right after every cached list was dropped (as after a tie refresh). "
        f"Warm: {args.seconds:.0f} s of the same members in turn. The home page shows the top three "
        f"suggestions, cached as their own entry.",
        "",
        *table(results),
        "",
        f"Requests that did not answer 200: {failures}. Suggestion lists of {args.check} members the same "
        f"as without the cache: {', '.join(f'{name} {ok}' for name, ok in same.items())}. "
        f"Load average (1 min) before → after each server's run: {loads}.",
        "",
        "Requests/s and latency depend on whatever else the machine runs; the server's CPU time "
        "per request (its workers' user and system time over the run) much less, so compare "
        "runs by it. Both pages are signed-in pages of the same members: the home page's own "
        "panels (mentorships, requests, introductions, profile) are read on every request, "
        "with or without the cache.",
    ]
    if not args.no_write:
        write_section("Serving: suggestions beside the home page", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
