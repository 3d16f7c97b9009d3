"""The pack file: Markdown with a small front matter, editable by hand.

    ---
    roundtable: 1
    title: Sputnik moment?
    author: ...
    source: ...
    date: 2025-01-28
    licence: ...
    stances: Agree, Disagree, Unsure
    ---

    ## First section title

    A paragraph of the section's text.

    Another paragraph.

    ### Questions

    1. A debate question?
    2. Another one?

    ## Second section title
    ...

The `roundtable: 1` line marks the file as a pack (any other Markdown is imported as a text);
files from before the marker are still read as packs when they read cleanly. `parse_pack`
reports every problem with its line number; `render_pack` writes the canonical
form, which `parse_pack` reads back identical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roundtable.errors import UserError
from roundtable.packs.model import (
    DEFAULT_STANCES,
    MAX_PACK_TITLE,
    MAX_QUESTION_CHARS,
    MAX_QUESTIONS,
    MAX_SECTION_TITLE,
    MAX_SECTIONS,
    MAX_STANCE_LABEL,
    MAX_STANCES,
    MIN_STANCES,
    Pack,
    Section,
)
from roundtable.text import INVISIBLE

FORMAT_VERSION = 1
MARKER = re.compile(r"^---[ \t]*\r?\n(?:.*\r?\n){0,10}?roundtable[ \t]*:", re.IGNORECASE)
FRONT_KEYS = ("title", "author", "source", "date", "licence", "stances")
_KEY_ALIASES = {"license": "licence"}
_SECTION = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_QUESTIONS = re.compile(r"^###\s+questions\s*:?\s*$", re.IGNORECASE)
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,2}[.)])\s+(.*)$")
_NEEDS_ESCAPE = re.compile(r"^(##\s|###\s+questions\s*:?\s*$|\\)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Problem:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class PackError(UserError):
    """The pack cannot be used; `problems` lists each one with its line."""

    def __init__(self, problems: list[Problem], *, what: str = "This pack file") -> None:
        self.problems = problems
        self.what = what
        shown = "\n".join(f"- {p}" for p in problems[:15])
        more = f"\n- … and {len(problems) - 15} more" if len(problems) > 15 else ""
        super().__init__(f"{what} has {_count(len(problems), 'problem')}:\n{shown}{more}")

    def __reduce__(self) -> tuple[object, ...]:
        # Imports run in a worker process: the error travels back pickled, problems and all.
        return (_pack_error, (self.problems, self.what))


def _pack_error(problems: list[Problem], what: str) -> PackError:
    return PackError(problems, what=what)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _paragraphs(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _unescape(line: str) -> str:
    return line[1:] if line.startswith("\\") and _NEEDS_ESCAPE.match(line[1:]) else line


def parse_pack(text: str) -> Pack:
    """Read a pack file; raises PackError listing every problem with its line number."""
    problems: list[Problem] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta, body_start = _front_matter(lines, problems)
    sections = _sections(lines, body_start, problems)
    stances = _stances(meta, problems)
    title = meta.get("title", ("", 0))
    if not title[0]:
        problems.insert(0, Problem(1, "the front matter needs a title: line"))
    elif len(title[0]) > MAX_PACK_TITLE:
        problems.append(Problem(title[1], f"the title is over {MAX_PACK_TITLE} characters"))
    if problems:
        raise PackError(problems)
    return Pack(
        title=title[0].translate(INVISIBLE),
        author=meta.get("author", ("", 0))[0],
        source=meta.get("source", ("", 0))[0],
        date=meta.get("date", ("", 0))[0],
        licence=meta.get("licence", ("", 0))[0],
        stances=stances,
        sections=tuple(sections),
    )


def _front_matter(
    lines: list[str], problems: list[Problem]
) -> tuple[dict[str, tuple[str, int]], int]:
    if not lines or lines[0].strip() != "---":
        problems.append(
            Problem(1, "a pack file starts with a front matter: a line ---, then title: ...")
        )
        return {}, 0
    meta: dict[str, tuple[str, int]] = {}
    for index in range(1, len(lines)):
        number, line = index + 1, lines[index].strip()
        if line == "---":
            return meta, index + 1
        if not line:
            continue
        key, sep, value = line.partition(":")
        key = _KEY_ALIASES.get(key.strip().lower(), key.strip().lower())
        if key == "roundtable" and sep:
            if value.strip() != str(FORMAT_VERSION):
                problems.append(
                    Problem(
                        number,
                        f"this is a pack file of format {value.strip()!r}; this Roundtable "
                        f"reads format {FORMAT_VERSION}: update Roundtable or export it again",
                    )
                )
        elif not sep:
            problems.append(Problem(number, f"expected key: value, not {line!r}"))
        elif key not in FRONT_KEYS:
            problems.append(
                Problem(number, f"unknown key {key!r}; the keys are {', '.join(FRONT_KEYS)}")
            )
        elif key in meta:
            problems.append(Problem(number, f"{key} is given twice (first on line {meta[key][1]})"))
        else:
            meta[key] = (value.strip(), number)
    problems.append(Problem(1, "the front matter is not closed with a line ---"))
    return meta, len(lines)


def _stances(meta: dict[str, tuple[str, int]], problems: list[Problem]) -> tuple[str, ...]:
    if "stances" not in meta:
        return DEFAULT_STANCES
    raw, line = meta["stances"]
    labels = tuple(s.strip() for s in raw.split(",") if s.strip())
    if not MIN_STANCES <= len(labels) <= MAX_STANCES:
        problems.append(
            Problem(line, f"stances lists {MIN_STANCES} to {MAX_STANCES} labels, comma-separated")
        )
    elif len({s.lower() for s in labels}) != len(labels):
        problems.append(Problem(line, "the stance labels must differ"))
    elif any(len(s) > MAX_STANCE_LABEL for s in labels):
        problems.append(Problem(line, f"a stance label is over {MAX_STANCE_LABEL} characters"))
    return labels


def _sections(lines: list[str], start: int, problems: list[Problem]) -> list[Section]:
    sections: list[Section] = []
    seen: dict[str, int] = {}
    current: dict | None = None

    def close() -> None:
        if current is None or current.get("stray"):
            return
        text = _paragraphs(current["text"])
        if not text:
            problems.append(Problem(current["line"], f"section {current['title']!r} has no text"))
        if current["in_questions"] and not current["questions"]:
            problems.append(Problem(current["q_line"], "### Questions is followed by no question"))
        for q, q_line in current["questions"]:
            if len(q) > MAX_QUESTION_CHARS:
                problems.append(
                    Problem(q_line, f"a question is over {MAX_QUESTION_CHARS} characters")
                )
        if len(current["questions"]) > MAX_QUESTIONS:
            problems.append(
                Problem(current["q_line"], f"a section has at most {MAX_QUESTIONS} questions")
            )
        questions = tuple(q for q, _ in current["questions"])
        sections.append(Section(title=current["title"], text=text, questions=questions))

    for index in range(start, len(lines)):
        number, raw = index + 1, lines[index]
        heading = _SECTION.match(raw)
        if heading:
            close()
            title = heading.group(1).translate(INVISIBLE).strip()
            key = title.casefold()
            if key in seen:
                problems.append(
                    Problem(
                        number, f"section title {title!r} is used twice (also line {seen[key]})"
                    )
                )
            seen.setdefault(key, number)
            if len(title) > MAX_SECTION_TITLE:
                problems.append(
                    Problem(number, f"section title is over {MAX_SECTION_TITLE} characters")
                )
            current = {
                "title": title,
                "line": number,
                "text": [],
                "questions": [],
                "in_questions": False,
                "q_line": number,
            }
            continue
        if current is None:
            if raw.strip():
                problems.append(
                    Problem(
                        number, "text before the first section: start each section with ## Title"
                    )
                )
                current = {"stray": True, "in_questions": False, "text": []}
            continue
        if _QUESTIONS.match(raw.strip()) and not current["in_questions"]:
            current["in_questions"], current["q_line"] = True, number
            continue
        if current["in_questions"]:
            item = _ITEM.match(raw)
            if item:
                current["questions"].append((item.group(1).strip(), number))
            elif raw.strip() and current["questions"]:
                q, q_line = current["questions"][-1]
                current["questions"][-1] = (f"{q} {raw.strip()}", q_line)
            elif raw.strip():
                problems.append(Problem(number, "questions are list items: - Question?"))
            continue
        current["text"].append(_unescape(raw))
    close()
    if not sections and not any("section" in p.message for p in problems):
        problems.append(Problem(None, "the pack has no sections: add at least one ## Title"))
    if len(sections) > MAX_SECTIONS:
        problems.append(
            Problem(None, f"the pack has {len(sections)} sections; at most {MAX_SECTIONS}")
        )
    return sections


def _escape(line: str) -> str:
    return "\\" + line if _NEEDS_ESCAPE.match(line) else line


def render_pack(pack: Pack) -> str:
    """The canonical pack file; parse_pack(render_pack(p)) == p."""
    out = ["---", f"roundtable: {FORMAT_VERSION}"]
    values = {
        "title": pack.title,
        "author": pack.author,
        "source": pack.source,
        "date": pack.date,
        "licence": pack.licence,
        "stances": ", ".join(pack.stances) if pack.stances != DEFAULT_STANCES else "",
    }
    out += [f"{key}: {values[key]}" for key in FRONT_KEYS if values[key]]
    out.append("---")
    for section in pack.sections:
        out += ["", f"## {section.title}", ""]
        out += [_escape(line) for line in section.text.split("\n")]
        if section.questions:
            out += ["", "### Questions", ""]
            out += [f"{n}. {q}" for n, q in enumerate(section.questions, start=1)]
    return "\n".join(out) + "\n"
