"""The offline summary engine against sumy's LexRank, on the same labelled debates.

    make bench-summaries      (installs bench/requirements.txt, then runs this)

For 500, 2,000 and 10,000 messages (bench/../sandbox/debates.py, five known viewpoints plus
chatter): wall time of our engine (whole summary: every question and the thread) and of sumy's
LexRankSummarizer picking the same number of sentences from the same messages (one sentence a
message), and how many of the five viewpoints each covers. sumy's English tokenizer needs NLTK
data downloaded at run time, so it is replaced by a regex tokenizer (no network here). LexRank
compares every pair of sentences; past SUMY_LIMIT seconds a size is reported as not finished.
Results are printed and appended to bench/results/summaries.md.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roundtable.summaries.offline import summarise  # noqa: E402
from sandbox.debates import covered, debate  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "summaries.md"
SIZES = (500, 2000, 10000)
SUMY_LIMIT = 300.0


class RegexTokenizer:
    """sumy's tokenizer interface without NLTK's downloadable models."""

    language = "english"
    _sentence = re.compile(r"(?<=[.!?])\s+")
    _word = re.compile(r"[A-Za-z0-9']+")

    def to_sentences(self, paragraph: str) -> list[str]:
        return [s for s in self._sentence.split(paragraph) if s]

    def to_words(self, sentence: str) -> list[str]:
        return self._word.findall(sentence)


def run_sumy(texts: list[str], count: int) -> tuple[list[int], float]:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = RegexTokenizer()
    sentences = [Sentence(text, tokenizer) for text in texts]
    document = ObjectDocumentModel([Paragraph(sentences)])
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    start = time.perf_counter()
    picked = summarizer(document, count)
    elapsed = time.perf_counter() - start
    index = {id(s): i for i, s in enumerate(sentences)}
    return [index[id(s)] for s in picked], elapsed


def with_limit(fn, *args):
    """Run fn in a daemon thread; None if it has not finished within SUMY_LIMIT seconds."""
    box: dict = {}
    worker = threading.Thread(target=lambda: box.setdefault("r", fn(*args)), daemon=True)
    worker.start()
    worker.join(SUMY_LIMIT)
    return box.get("r")


def main(sizes: tuple[int, ...]) -> None:
    rows = []
    for n in sizes:
        labelled = debate(n, seed=11)
        d = labelled.discussion
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            summary = summarise(d)
            runs.append(time.perf_counter() - start)
        ours = min(runs)
        points = [p.message_ids for s in summary.sections for p in s.points]
        ours_cover = len(set().union(*(covered([p], labelled.viewpoint_of) for p in points)))
        texts = [c.text for c in d.contributions]
        result = with_limit(run_sumy, texts, len(points))
        if result is None:
            sumy_time, sumy_cover, ratio = None, None, None
        else:
            picked, sumy_time = result
            ids = [(d.contributions[i].message_id,) for i in picked]
            sumy_cover = len(covered(ids, labelled.viewpoint_of))
            ratio = sumy_time / ours
        rows.append((n, len(points), ours, ours_cover, sumy_time, sumy_cover, ratio))
        print(rows[-1], flush=True)
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"{platform.machine()}, seed 11",
        "",
        "| messages | points | offline engine (s) | viewpoints covered (of 5) | sumy LexRank (s) |"
        " viewpoints covered (of 5) | offline speed-up |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, k, ours, cover, sumy_time, sumy_cover, ratio in rows:
        sumy_cell = (
            f"{sumy_time:.3f}" if sumy_time is not None else f"> {SUMY_LIMIT:.0f} (not finished)"
        )
        lines.append(
            f"| {n:,} | {k} | {ours:.3f} | {cover} | {sumy_cell} | "
            f"{sumy_cover if sumy_cover is not None else '-'} | "
            f"{f'{ratio:,.0f}×' if ratio is not None else f'> {SUMY_LIMIT / ours:,.0f}×'} |"
        )
    text = "\n".join(lines)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    header = "" if RESULTS.exists() else "# Offline summary engine vs sumy LexRank\n"
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(header + "\n" + text + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    main(tuple(parser.parse_args().sizes))
