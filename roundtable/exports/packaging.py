"""Fitting an export into what one Discord message may carry: as it is when it fits, else
zipped, else the zip cut into numbered parts that each fit (joined again with `cat`)."""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_FILES = 10  # attachments on one Discord message
PART_CHUNK = 1024 * 1024


def fit(paths: list[Path], limit: int, stem: str) -> tuple[list[Path], str]:
    """The files to send (each, or each part, at most `limit` bytes) and how they were made:
    "as is", "zipped" or "parts". Runs in a worker thread: zipping is CPU work."""
    directory = paths[0].parent
    total = sum(p.stat().st_size for p in paths)
    if total <= limit and len(paths) <= MAX_FILES:
        return paths, "as is"
    if len(paths) == 1 and paths[0].suffix == ".zip":
        archive = paths[0]
    else:
        archive = directory / f"{stem}.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in paths:
                zf.write(path, arcname=path.name)
                path.unlink()
    if archive.stat().st_size <= limit:
        return [archive], "zipped"
    return split(archive, limit), "parts"


def split(archive: Path, limit: int) -> list[Path]:
    """archive.zip -> archive.zip.001, .002, ... of at most `limit` bytes each."""
    parts = []
    with archive.open("rb") as source:
        number = 0
        while True:
            first = source.read(min(limit, PART_CHUNK))
            if not first:
                break
            number += 1
            part = archive.with_name(f"{archive.name}.{number:03d}")
            with part.open("wb") as out:
                out.write(first)
                left = limit - len(first)
                while left > 0 and (chunk := source.read(min(left, PART_CHUNK))):
                    out.write(chunk)
                    left -= len(chunk)
            parts.append(part)
    archive.unlink()
    return parts
