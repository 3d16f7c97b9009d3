"""One writer per format; `for_format` picks it. Writers are synchronous (the service runs
them in a worker thread) and write to files as the batches come, never holding the export."""

from __future__ import annotations

from pathlib import Path

from roundtable.exports.model import Request
from roundtable.exports.writers.base import Writer


def for_format(request: Request, directory: Path, stem: str) -> Writer:
    if request.format == "md":
        from roundtable.exports.writers.markdown import MarkdownWriter

        return MarkdownWriter(request, directory, stem)
    if request.format == "json":
        from roundtable.exports.writers.json_writer import JSONWriter

        return JSONWriter(request, directory, stem)
    if request.format == "csv":
        from roundtable.exports.writers.csv_writer import CSVWriter

        return CSVWriter(request, directory, stem)
    from roundtable.exports.writers.html import HTMLWriter

    return HTMLWriter(request, directory, stem)
