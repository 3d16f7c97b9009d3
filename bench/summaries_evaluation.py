"""The offline summary on the labelled evaluation set (tests/fixtures/evaluation.py), against
two baselines with as many messages as the summary has points: the last messages, and
LexRank-style degree centrality; plus the engine's time on 10,000 messages.

    .venv/bin/python bench/summaries_evaluation.py      (`make bench-summaries-eval`)

Results are printed and appended to bench/results/summaries-evaluation.md.
"""

from __future__ import annotations

import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roundtable.summaries.offline import summarise  # noqa: E402
from sandbox.debates import debate  # noqa: E402
from tests.fixtures.evaluation import (  # noqa: E402
    answered_in,
    central_messages,
    covers,
    evaluation_set,
    last_messages,
    low_information,
    score,
)

RESULTS = ROOT / "bench" / "results" / "summaries-evaluation.md"


def main() -> None:
    rows = []
    for labelled in evaluation_set():
        began = time.perf_counter()
        summary = summarise(labelled.discussion)
        seconds = time.perf_counter() - began
        s = score(labelled, summary)
        n = s.points
        last_texts = last_messages(labelled.discussion, n)
        central_texts = central_messages(labelled.discussion, n)
        last = sum(covers(last_texts, t) for t in labelled.topics)
        central = sum(covers(central_texts, t) for t in labelled.topics)
        # What a reader of the baseline reads that says nothing ("+1", "brb", "thanks!").
        last_chatter = sum(low_information(t) for t in last_texts)
        central_chatter = sum(low_information(t) for t in central_texts)
        decisions = f"{s.decisions_found}/{s.decisions}" if s.decisions else "–"
        answered = "–"
        if s.answered:
            last_qa = answered_in(labelled, last_messages(labelled.discussion, n))
            central_qa = answered_in(labelled, central_messages(labelled.discussion, n))
            answered = (
                f"{s.answered_shown}/{s.answered} ({last_qa}, {central_qa}); "
                f"{s.unanswered_said}/{s.unanswered} ({s.wrongly_unanswered} wrongly)"
            )
        if s.non_decisions_listed:
            decisions += f" ({s.non_decisions_listed} not decisions)"
        rows.append(
            f"| {labelled.name} | {len(labelled.discussion.contributions):,} | {n} | "
            f"{s.covered}/{s.topics} | {last}/{s.topics} ({last_chatter}) | "
            f"{central}/{s.topics} ({central_chatter}) | "
            f"{s.low_information} | {s.invalid_citations} | {decisions} | "
            f"{s.labels} / {s.pair_labels} / {s.labels_apart} | {answered} | {seconds:.2f} s |"
        )
        print(rows[-1])
    big = debate(10_000, seed=3).discussion
    began = time.perf_counter()
    summarise(big)
    speed = time.perf_counter() - began
    print(f"10,000 messages: {speed:.2f} s")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = [
        f"## {stamp} · {platform.python_version()} · {platform.machine()}",
        "",
        "| discussion | messages | points | topics covered | last messages (chatter among them) "
        "| centrality (chatter) | "
        "low-information quotes | invalid citations | decisions listed | labels / glued pairs"
        " / not about their quote | answered questions with their answer (last messages, "
        "centrality); unanswered said | time |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"The offline engine on a 10,000-message debate: {speed:.2f} s.",
        "",
    ]
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write("\n".join(report) + "\n")


if __name__ == "__main__":
    main()
