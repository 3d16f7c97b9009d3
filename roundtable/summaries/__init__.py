"""Round summaries: offline (TF-IDF, numpy) or through the configured LLM."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roundtable.summaries.model import Discussion, Summary


def chart_png(summary: Summary, d: Discussion) -> bytes:
    """The stance chart. matplotlib (32 MB, ~0.6 s to import) loads on the first chart, in the
    caller's worker thread: imported on the event loop it held the loop up for that long."""
    from roundtable.summaries.chart import cached_png

    return cached_png(summary, d)


def summarise_offline(discussion: Discussion) -> Summary:
    """The offline summary. numpy (12 MB) is imported on first use, in the caller's thread (a
    worker thread: never the event loop), not when the bot starts."""
    from roundtable.summaries import offline

    return offline.summarise(discussion)
