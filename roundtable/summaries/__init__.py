"""Round summaries: offline (TF-IDF, numpy) or through the configured LLM."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roundtable.summaries.model import Discussion, Summary


def summarise_offline(discussion: Discussion) -> Summary:
    """The offline summary. numpy (12 MB) is imported on first use, in the caller's thread (a
    worker thread: never the event loop), not when the bot starts."""
    from roundtable.summaries import offline

    return offline.summarise(discussion)
