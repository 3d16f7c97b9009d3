"""What `python bot.py pack check FILE` prints: sections, parts and questions, or the problems."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from roundtable.errors import UserError
from roundtable.packs.library import ImportPreview, prepare_import
from roundtable.packs.readers.detect import max_bytes, too_large
from roundtable.packs.writers import TemplateWriter


def read_limited(path: Path) -> bytes:
    """The file's bytes, read no further than the import limit for its kind, as /pack import
    downloads no further: a 500 MB file is refused by its size, not read whole first."""
    limit = max_bytes(path.name)
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size > limit:
            raise UserError(too_large(size, limit) + ".")
        data = file.read(limit + 1)  # a file still growing, or a pipe, stops here too
    if len(data) > limit:
        raise UserError(f"the file is more than {limit:,} bytes, the limit.")
    return data


async def check_bytes(data: bytes, filename: str) -> ImportPreview:
    """Import a file's bytes as /pack import would (template questions), storing nothing."""
    return await prepare_import(data, filename=filename, title=None, writer=TemplateWriter())


def as_json(preview: ImportPreview) -> dict[str, Any]:
    return {
        "title": preview.pack.title,
        "author": preview.pack.author,
        "read_as": preview.found_by,
        "sections": [
            {"title": s.title, "chars": s.chars, "parts": s.parts, "questions": list(s.questions)}
            for s in preview.sections
        ],
        "left_out": [
            {"line": item.line, "unit": item.unit, "reason": item.reason, "excerpt": item.excerpt}
            for item in preview.left_out
        ],
        "split": [
            {"line": s.line, "unit": s.unit, "title": s.title, "chars": s.chars, "rounds": s.pieces}
            for s in preview.split
        ],
        "joined": [
            {"line": j.line, "unit": j.unit, "title": j.title, "sections": j.sections}
            for j in preview.joined
        ],
    }


def as_text(preview: ImportPreview) -> str:
    pack = preview.pack
    lines = [
        f"{pack.title}" + (f", by {pack.author}" if pack.author else ""),
        f"{len(pack.sections)} section(s), read as {preview.found_by}; "
        f"{preview.generated_questions} question(s) written from templates.",
        "",
    ]
    for s in preview.sections:
        parts = "1 part" if s.parts == 1 else f"{s.parts} parts"
        lines.append(f"{s.number}. {s.title}  ({s.chars:,} characters, {parts})")
        lines += [f"   - {q}" for q in s.questions]
    if preview.split:
        lines += ["", "Too long for one round, split into several:"]
        lines += [f"  {item}" for item in preview.split]
    if preview.joined:
        lines += ["", "Short sections read together, a round each (the pack holds 100):"]
        lines += [f"  {item}" for item in preview.joined]
    if preview.left_out:
        lines += ["", "Left out (check these):"]
        lines += [f"  {item}" for item in preview.left_out]
    return "\n".join(lines)


def dumps(preview: ImportPreview) -> str:
    return json.dumps(as_json(preview), ensure_ascii=False, indent=2)
