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


# -- for bench/run.py ------------------------------------------------------------------------


def _sumy_available() -> bool:
    try:
        import sumy  # noqa: F401
    except ImportError:
        return False
    return True


async def llm_tokens(n: int) -> tuple[int, float, float | None, int, int]:
    """The LLM path on a labelled debate of n messages through the real openai client and the
    fake server: (requests, tokens sent / the thread's own as the bot estimates them (4
    characters a token), the same counted by a real tokenizer (o200k, GPT-4o's; None when
    bpe-openai is not installed), largest request, budget)."""
    from roundtable.llm import open_llm
    from roundtable.settings import load_settings
    from roundtable.summaries.llm_engine import LLMSummariser, estimate_tokens
    from sandbox.fake_openai import FakeOpenAI

    d = debate(n, seed=11).discussion
    async with FakeOpenAI() as fake:
        env = {
            "OPENAI_BASE_URL": fake.base_url,
            "OPENAI_MODEL": "fake",
            "LLM_CONTEXT_TOKENS": "8192",
        }
        settings = load_settings(env, need_token=False)
        async with open_llm(settings) as client:
            assert client is not None
            await LLMSummariser(client).summarise(d, excluded=set())
        texts = [[m["content"] for m in r["messages"]] for r in fake.requests]
    sent = [sum(estimate_tokens(t) for t in r) for r in texts]
    own = sum(estimate_tokens(c.text) for c in d.contributions)
    real = None
    try:  # a real tokenizer's tables inside its wheel (tiktoken downloads them at run time)
        import bpe_openai
    except ImportError:
        pass
    else:
        count = bpe_openai.get_encoding("o200k_base").encode_ordinary
        real = sum(len(count(t)) for r in texts for t in r) / sum(
            len(count(c.text)) for c in d.contributions
        )
    assert settings.llm is not None
    return len(sent), sum(sent) / own, real, max(sent), settings.llm.context_tokens


_MEMORY = """
import resource, sys, time
sys.path.insert(0, {root!r})
from sandbox.debates import wide_chat
d = wide_chat({n})
status = open("/proc/self/status").read()
before = int(status.split("VmRSS:")[1].split()[0])  # kB resident now, the discussion built
from roundtable.summaries.offline import summarise
began = time.perf_counter()
summarise(d)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(time.perf_counter() - began, before / 1024, peak / 1024)
"""


def memory(n: int) -> tuple[float, float, float]:
    """The offline summary of a thread of n messages from a large vocabulary, in a process of
    its own: (seconds, MB resident with the discussion built, MB at the most after)."""
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", _MEMORY.format(root=str(ROOT), n=n)],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return float(out[0]), float(out[1]), float(out[2])


async def scenario(quick: bool) -> list:
    from bench.common import Row, median

    rows = []
    sizes = (500,) if quick else SIZES
    have_sumy = _sumy_available()
    for n in sizes:
        d = debate(n, seed=11).discussion
        runs = []
        for _ in range(1 if quick else 3):
            start = time.perf_counter()
            summary = summarise(d)
            runs.append(time.perf_counter() - start)
        base = None
        # LexRank on 10,000 messages did not finish in 300 s (bench/results/summaries.md), and
        # its thread cannot be stopped: it would take a core from the scenarios after it.
        if have_sumy and n <= 2_000:
            points = sum(len(s.points) for s in summary.sections)
            result = with_limit(run_sumy, [c.text for c in d.contributions], points)
            base = result[1] if result else SUMY_LIMIT
        rows.append(
            Row("4 summaries", f"offline engine, {n:,} messages", median(runs), "s",
                ("sumy LexRank" if n <= 2_000 else "sumy LexRank (> 300 s, not run)")
                if have_sumy
                else "sumy LexRank (not installed: make bench)",
                base, "≤ 2 s at 10,000" if n == 10_000 else "",
                median(runs) <= 2 if n == 10_000 else None, tuple(runs))
        )  # fmt: skip
        requests, ratio, real, largest, budget = await llm_tokens(n)
        rows.append(
            Row("4 summaries", f"LLM path, {n:,} messages: tokens sent ÷ the thread's own "
                "(estimated, 4 characters a token)", ratio, "×", goal="≤ 1.15×",
                met=ratio <= 1.15)
        )  # fmt: skip
        if real is not None:
            rows.append(
                Row("4 summaries", f"LLM path, {n:,} messages: tokens sent ÷ the thread's own "
                    "(o200k tokenizer)", real, "×", goal="≤ 1.15×", met=real <= 1.15)
            )  # fmt: skip
        else:
            print("  (o200k token counts not measured: pip install -r bench/requirements.txt)")
        rows.append(
            Row("4 summaries", f"LLM path, {n:,} messages: largest of {requests} requests",
                largest, "tokens", "the context budget", budget, "never over the budget",
                largest <= budget)
        )  # fmt: skip
    n = 20_000 if quick else 100_000
    seconds, before, peak = memory(n)
    rows.append(
        Row("4 summaries", f"offline engine, {n:,} messages of a large vocabulary: memory at most",
            peak, "MB", "the process with the discussion built", before, "≤ 1 GB at 100,000",
            peak <= 1024 if n == 100_000 else None)
    )  # fmt: skip
    rows.append(
        Row("4 summaries", f"offline engine, {n:,} messages of a large vocabulary", seconds, "s")
    )
    return rows
