"""How long an import holds up the event loop (every server's clicks wait that long): the
longest gap a 5 ms timer sees while a file is imported, with the reading in a thread (as the
command line does) against in the worker process (as the bot does), in the same run.

    .venv/bin/python bench/import_loop.py      (`make bench-import-loop`; needs the dev
                                                install: the inputs are written by tests/fixtures/)

Inputs: a 1,000,000-byte novel and a crafted megabyte of "1. 1. 1. …". Results are printed and
appended to bench/results/import-loop.md.
"""

from __future__ import annotations

import asyncio
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.imports import novel  # noqa: E402
from roundtable.packs.library import prepare_import  # noqa: E402
from roundtable.packs.worker import ProcessRunner, Runner, in_thread  # noqa: E402
from roundtable.packs.writers import TemplateWriter  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "import-loop.md"


async def measure(data: bytes, run: Runner) -> tuple[float, float]:
    worst = 0.0

    async def tick() -> None:
        nonlocal worst
        while True:
            began = time.perf_counter()
            await asyncio.sleep(0.005)
            worst = max(worst, time.perf_counter() - began - 0.005)

    ticker = asyncio.create_task(tick())
    began = time.perf_counter()
    try:
        await prepare_import(
            data, filename="bench.txt", title=None, writer=TemplateWriter(run), run=run
        )
    except Exception as exc:  # a refused file still counts: how long did it hold us up?
        print(f"  refused: {str(exc)[:80]}")
    seconds = time.perf_counter() - began
    ticker.cancel()
    return seconds, worst


async def main() -> None:
    inputs = {
        "novel, 1 MB": novel(),
        "crafted '1. 1. 1.', 1 MB": ("Title\n\n" + "1. " * 333_000).encode(),
    }
    process = ProcessRunner()
    await process(len, "warm")  # the worker starts with the bot, not with the first import
    rows = []
    try:
        for name, data in inputs.items():
            for where, run in (("thread", in_thread), ("worker process", process)):
                seconds, worst = await measure(data, run)
                row = f"| {name} | {where} | {seconds:.1f} s | {worst * 1000:.0f} ms |"
                print(row)
                rows.append(row)
    finally:
        process.close()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(
            "\n".join(
                [
                    f"## {stamp} · {platform.python_version()} · {platform.machine()}",
                    "",
                    "| input | reading in | import time | longest event-loop stall |",
                    "| --- | --- | ---: | ---: |",
                    *rows,
                    "",
                ]
            )
            + "\n"
        )


if __name__ == "__main__":
    asyncio.run(main())
