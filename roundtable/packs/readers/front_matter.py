"""Front matter as static-site generators write it: YAML between --- lines at the top.

Read with a YAML parser; when the block is not valid YAML, `key: value` lines are read instead.
Only title, author, date and source (or url) are taken; every other key is ignored, and nothing
in a front matter is ever an error of the text's.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml

from roundtable.packs.blocks import Meta

MAX_FRONT_MATTER = 20_000  # characters; a longer block is read as key: value lines only
_CLOSE = ("---", "...")
_SOURCE_KEYS = ("source", "url", "canonical_url", "canonicalurl", "link", "permalink")
_DATE_KEYS = ("date", "published", "pubdate", "publishdate", "created")
_AUTHOR_KEYS = ("author", "authors", "creator", "byline")


def split(text: str) -> tuple[dict[str, object] | None, str]:
    """(front matter, text) with the front matter's lines blanked so line numbers still hold;
    (None, text) when the text has none."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text
    for index in range(1, len(lines)):
        if lines[index].strip() in _CLOSE:
            raw = "\n".join(lines[1:index])
            body = "\n" * (index + 1) + "\n".join(lines[index + 1 :])
            return parse(raw), body
    return None, text


def parse(raw: str) -> dict[str, object]:
    if len(raw) <= MAX_FRONT_MATTER:
        try:
            loaded = yaml.safe_load(raw)
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict):
            return {str(k).strip().lower(): v for k, v in loaded.items()}
    return _key_value_lines(raw)


def _key_value_lines(raw: str) -> dict[str, object]:
    found: dict[str, object] = {}
    for line in raw.split("\n"):
        key, sep, value = line.partition(":")
        if sep and re.fullmatch(r"[A-Za-z_][\w -]*", key.strip()):
            found.setdefault(key.strip().lower(), value.strip().strip("\"'"))
    return found


def meta(front: dict[str, object]) -> Meta:
    return Meta(
        title=_text(front.get("title")),
        author=_first(front, _AUTHOR_KEYS),
        date=_first(front, _DATE_KEYS),
        source=_first(front, _SOURCE_KEYS),
    )


def _first(front: dict[str, object], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = _text(front.get(key))
        if value:
            return value
    return ""


def _text(value: object, limit: int = 200) -> str:
    """A front-matter value as one line: lists joined, dates ISO, mappings by their name."""
    if isinstance(value, dt.datetime | dt.date):
        text = value.isoformat()
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, list):
        text = ", ".join(t for t in (_text(v, limit) for v in value[:10]) if t)
    elif isinstance(value, dict):
        text = _text(value.get("name"), limit)
    else:
        text = ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
