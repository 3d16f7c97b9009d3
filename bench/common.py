"""What the benchmarks share: a result row, medians, percentiles, and the bot as its own process
against the sandbox (exactly as `make run` starts it)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    """One measured figure, with the baseline it is compared to (measured in the same run)."""

    scenario: str
    measure: str
    value: float
    unit: str
    baseline: str = ""
    baseline_value: float | None = None
    goal: str = ""
    met: bool | None = None
    runs: tuple[float, ...] = ()

    @property
    def ratio(self) -> float | None:
        if self.baseline_value in (None, 0):
            return None
        return self.value / self.baseline_value  # type: ignore[operator]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far, user and system, all its threads (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def quiet(pid: int, *, idle: float = 0.02, every: float = 0.5, limit: float = 120) -> None:
    """Until the process used under `idle` CPU seconds in `every` seconds (its start-up work
    done), or `limit` seconds passed."""
    end = time.monotonic() + limit
    used = cpu_seconds(pid)
    while time.monotonic() < end:
        await asyncio.sleep(every)
        now = cpu_seconds(pid)
        if now - used < idle:
            return
        used = now


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class BotProcess:
    """`python bot.py run` with the sandbox's settings; stopped with SIGTERM."""

    def __init__(self, env: dict[str, str], cwd: Path, *, script: Sequence[str] | None = None):
        self.env = {**os.environ, **env, "LOG_LEVEL": env.get("LOG_LEVEL", "WARNING"),
                    "PYTHONPATH": str(ROOT)}  # fmt: skip
        self.cwd = cwd
        self.script = list(script or [str(ROOT / "bot.py"), "run"])
        self.process: asyncio.subprocess.Process | None = None
        self.log = cwd / "bot.log"

    async def start(self) -> asyncio.subprocess.Process:
        handle = self.log.open("ab")
        try:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, *self.script, env=self.env, cwd=self.cwd, stdout=handle,
                stderr=handle,
            )  # fmt: skip
        finally:
            handle.close()
        return self.process

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 60)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    def held_up(self) -> tuple[int, int]:
        """How many times the watchdog saw the bot's event loop held up over 100 ms: (in
        Roundtable's code or a library it called, while discord.py read the gateway's backlog
        without yielding)."""
        text = self.log.read_text("utf-8", "replace")
        lines = text.splitlines()
        for n, line in enumerate(lines):  # what held it up (and where), for whoever reads the run
            if (
                "in Roundtable's code:" in line
                or "in library code only" in line
                or ("failed; storing them one by one" in line)
            ):
                print("   held up:", *lines[n : n + 24], sep="\n     ", file=sys.stderr)
        ours = text.count("in Roundtable's code:") + text.count("in library code only")
        return ours, text.count("while discord.py read the gateway's backlog")


async def sync_commands(env: dict[str, str], cwd: Path) -> None:
    sync = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bot.py"), "sync", env={**os.environ, **env}, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(sync.communicate(), 120)
    if sync.returncode:
        raise RuntimeError(f"bot.py sync failed: {err.decode()[-2000:]}")


class Poller:
    """Counts rows in a thread of this process (its own connection), every `every` s, so that
    each row's commit time is known to within that."""

    def __init__(self, db: Path | str, sql: str, *, every: float = 0.005):
        """`db`: a SQLite file, or a PostgreSQL URL."""
        self.db, self.sql, self.every = db, sql, every
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Poller:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        if isinstance(self.db, str):
            self._run_postgres(self.db)
            return
        conn = sqlite3.connect(self.db, timeout=30)
        try:
            while not self._stop.wait(self.every):
                count = conn.execute(self.sql).fetchone()[0]
                self.samples.append((time.monotonic(), count))
        finally:
            conn.close()

    def _run_postgres(self, url: str) -> None:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            while not self._stop.wait(self.every):
                row = conn.execute(self.sql).fetchone()
                self.samples.append((time.monotonic(), int(row[0]) if row else 0))

    @property
    def count(self) -> int:
        return self.samples[-1][1] if self.samples else 0

    def times_of(self, n: int) -> list[float]:
        """When the 1st, 2nd, ... n-th row was first seen (rows are committed in order)."""
        out: list[float] = []
        for at, count in self.samples:
            while len(out) < min(count, n):
                out.append(at)
        return out


async def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)
