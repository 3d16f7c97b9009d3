"""Exports: rounds, series and their summaries as Markdown, JSON, CSV and HTML, streamed."""
