"""Every benchmark scenario, one command: `make bench` (minutes) or `make bench-quick` (a smoke
run that `make test` uses only to check the benchmarks still work; its figures mean nothing).

    .venv/bin/python -m bench.run [--quick] [--only capture,interactions,...] [--out DIR]

Each scenario names its baseline, measured in the same run, and reports absolutes and the
ratio; figures are the median of three runs (one in --quick). Writes DIR/latest.json and
DIR/latest.md (DIR: bench/results, or a temporary folder with --quick).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import math
import os
import platform
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench.common import ROOT, Row

SCENARIOS = {  # name -> module with `async def scenario(quick) -> list[Row]`
    "capture": "bench.capture",  # 1
    "interactions": "bench.interactions",  # 2
    "write_path": "bench.write_path",  # 3
    "summaries": "bench.summaries",  # 4
    "exports": "bench.exports",  # 5
    "scale": "bench.scale",  # 6
    "scale_out": "bench.scale_out",  # 8 (7 is growth, computed from 1, 3 and 5)
}
PREFIX = {  # "1 reply capture"...
    name: str(n) for n, name in enumerate(SCENARIOS, start=1) if name != "scale_out"
} | {"scale_out": "8"}
RESULTS = ROOT / "bench" / "results"


def kept(out: Path, only: list[str], quick: bool) -> list[Row]:
    """With --only, the other scenarios' rows of the last full run stay in latest.json."""
    path = out / "latest.json"
    if quick or set(only) == set(SCENARIOS) or not path.exists():
        return []
    numbers = {PREFIX[name] for name in only}
    rows = [
        Row(**{k: v for k, v in row.items() if k != "ratio"} | {"runs": tuple(row["runs"])})
        for row in json.loads(path.read_text("utf-8"))["rows"]
    ]
    return [r for r in rows if r.scenario.split()[0] not in numbers]


def growth(rows: list[Row]) -> list[Row]:
    """Scenario 7: per-item cost at 10× the load against 1×, for capture, writes and exports."""
    pairs = [
        ("1 reply capture", "2,000 replies: committed per second",
         "20,000 replies: committed per second", True),
        ("3 write path", "10,000 rows: replies committed per second (capture batches)",
         "100,000 rows: replies committed per second (capture batches)", True),
        ("3 write path", "10,000 rows: answers committed per second (a job each, grouped)",
         "100,000 rows: answers committed per second (a job each, grouped)", True),
        ("5 exports", "10,000 answers, json", "100,000 answers, json", False),
        ("5 exports", "10,000 answers, csv", "100,000 answers, csv", False),
    ]  # fmt: skip
    found = {(r.scenario, r.measure): r.value for r in rows}
    out = []
    for scenario, small, large, is_rate in pairs:
        a, b = found.get((scenario, small)), found.get((scenario, large))
        if a is None or b is None:
            continue
        # cost per item: 1/rate for rates; seconds/items (items 10×) for durations
        ratio = (a / b) if is_rate else (b / 10) / a
        shape = "linear" if 0.8 <= ratio <= 1.25 else ("better" if ratio < 0.8 else "worse")
        what = small.split(": ", 1)[1] if ": " in small else small.split(", ", 1)[1]
        sizes = f"{large.split(':')[0]} ÷ {small.split(':')[0]}"
        out.append(
            Row("7 growth", f"{what}: cost per item, {sizes}", ratio, f"× ({shape})",
                goal="linear or better", met=ratio <= 1.25)
        )  # fmt: skip
    return out


def markdown(rows: list[Row], meta: dict[str, str]) -> str:
    lines = [
        "# Roundtable benchmarks (`make bench`)",
        "",
        f"{meta['when']} · Python {meta['python']} · {meta['machine']} · {meta['cpus']} CPUs · "
        f"{meta['mode']}. Figures are medians of {meta['runs']} run(s); each baseline was "
        "measured in the same run. Scenarios are described at the top of each `bench/*.py`; "
        "for each goal marked **no**, the measured cause and the next step are in "
        "[docs/performance.md](../../docs/performance.md#goals-not-met-the-cause-measured-and-the-next-step).",
        "",
        "| scenario | measure | value | baseline | ratio | goal | met |",
        "| --- | --- | ---: | --- | ---: | --- | :---: |",
    ]
    for r in rows:
        base = ""
        if r.baseline:
            base = r.baseline + (f": {_fmt(r.baseline_value)}" if r.baseline_value else "")
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None and math.isfinite(r.ratio) else ""
        met = {True: "yes", False: "**no**", None: ""}[r.met]
        lines.append(
            f"| {r.scenario} | {r.measure} | {_fmt(r.value)} {r.unit} | {base} | {ratio} | "
            f"{r.goal} | {met} |"
        )
    return "\n".join(lines) + "\n"


def _fmt(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def save(out: Path, rows: list[Row], meta: dict[str, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(
        json.dumps({"meta": meta, "rows": [r.as_dict() for r in rows]}, indent=1,
                   default=lambda v: None if isinstance(v, float) and not math.isfinite(v)
                   else v) + "\n", "utf-8",
    )  # fmt: skip
    (out / "latest.md").write_text(markdown(rows, meta), "utf-8")


async def main(quick: bool, only: list[str], out: Path) -> int:
    logging.basicConfig(level=logging.ERROR)  # the engines' own warnings are not results
    rows: list[Row] = []
    failed: list[str] = []
    for name in only:
        began = time.monotonic()
        print(f"== {name}", flush=True)
        try:
            module = importlib.import_module(SCENARIOS[name])
            got = await module.scenario(quick)
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        for row in got:
            print(f"   {row.measure}: {_fmt(row.value)} {row.unit}"
                  + (f" (baseline {_fmt(row.baseline_value)}, {row.ratio:.2f}×)"
                     if row.ratio is not None and math.isfinite(row.ratio) else ""),
                  flush=True)  # fmt: skip
        rows += got
        print(f"   ({time.monotonic() - began:.0f} s)", flush=True)
    rows = kept(out, only, quick) + rows
    rows = [r for r in rows if not r.scenario.startswith("7 ")]
    rows.sort(key=lambda r: int(r.scenario.split()[0]))  # stable: each scenario's own order
    rows += growth(rows)
    rows.sort(key=lambda r: int(r.scenario.split()[0]))  # growth (7) before scale-out (8)
    meta = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": str(os.cpu_count()),
        "mode": "quick smoke run (figures not meaningful)" if quick else "full run",
        "runs": "1" if quick else "3",
    }
    save(out, rows, meta)
    print(f"Wrote {out / 'latest.json'} and {out / 'latest.md'}")
    if failed:
        print(f"Benchmarks that failed to run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    target = args.out or (Path(tempfile.mkdtemp(prefix="bench-")) if args.quick else RESULTS)
    sys.exit(asyncio.run(main(args.quick, chosen, target)))
