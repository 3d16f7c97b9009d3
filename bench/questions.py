"""Template questions on the labelled evaluation texts (tests/fixtures/question_texts.py),
against a baseline of the templates before sentences were classified (#25), run from git in the
same process: per text the share of questions about an arguable claim, the evidence for a
figure, a bare fact, a set-up or quote, a citation/code/boilerplate line, a fragment, key
phrases, and generic ones.

    .venv/bin/python bench/questions.py      (`make bench-questions`)

Results are printed and appended to bench/results/questions.md. Goals (#25): at least 90 %
arguable or evidence, no set-up, quote, citation, code or fragment, at most 5 % generic. A
story's sections have few claims to argue with: its questions are about its people instead
(counted as key phrases), so totals are given with and without it.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import time
import types
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roundtable.packs import questions  # noqa: E402
from tests.fixtures.question_texts import OUTCOMES, evaluation_set, judge  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "questions.md"
# The last commit with the templates as they were before #25's sentence classes.
BASELINE = "d9d5eb910649958f872cebe8f8fb3042e408091b"
SHORT = {
    "arguable": "arg.",
    "evidence": "evid.",
    "bare fact": "fact",
    "set-up or quote": "set-up",
    "citation, code or boilerplate": "cit./code",
    "fragment": "frag.",
    "key phrases": "phrases",
    "generic": "generic",
}


def baseline() -> types.ModuleType:
    """questions.py as it was at BASELINE, loaded from git."""
    source = subprocess.run(
        ["git", "show", f"{BASELINE}:roundtable/packs/questions.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("baseline_questions")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{BASELINE[:7]}:questions.py", "exec"), module.__dict__)
    return module


def outcomes(module) -> dict[str, Counter[str]]:
    found = {}
    for text in evaluation_set():
        counts: Counter[str] = Counter()
        for section in text.sections:
            for question in module.template_questions(section.title, section.text):
                counts[judge(question, section.labels, module.snippet)] += 1
        found[text.name] = counts
    return found


def row(name: str, counts: Counter[str]) -> str:
    total = sum(counts.values()) or 1
    shares = " | ".join(f"{100 * counts[o] / total:.0f} %" for o in OUTCOMES)
    good = 100 * (counts["arguable"] + counts["evidence"]) / total
    return f"| {name} | {sum(counts.values())} | {good:.0f} % | {shares} |"


def main() -> None:
    began = time.perf_counter()
    runs = {"today": outcomes(questions), f"baseline {BASELINE[:7]}": outcomes(baseline())}
    seconds = time.perf_counter() - began
    header = (
        "| text | questions | arguable or evidence | "
        + " | ".join(SHORT[o] for o in OUTCOMES)
        + " |\n| --- | ---: | ---: | "
        + " | ".join("---:" for _ in OUTCOMES)
        + " |"
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = [f"## {stamp} · {platform.python_version()} · {platform.machine()}", ""]
    for run, per_text in runs.items():
        total: Counter[str] = Counter()
        arguments: Counter[str] = Counter()
        lines = []
        for text in evaluation_set():
            counts = per_text[text.name]
            lines.append(row(text.name, counts))
            total.update(counts)
            if not text.story:
                arguments.update(counts)
        lines.append(row("**all but the story**", arguments))
        lines.append(row("**all**", total))
        report += [f"### {run}", "", header, *lines, ""]
    report.append(f"Both runs: {seconds:.2f} s.")
    print("\n".join(report))
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write("\n".join(report) + "\n\n")


if __name__ == "__main__":
    main()
