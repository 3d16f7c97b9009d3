"""Checks against the first reading text itself, which lives outside this repository
(../shared/seeds/): the importer still finds its introduction and three headed sections, and
the shipped seed pack is a digest in our own words, not a copy; its template questions ask
agreement only of arguable claims (never of the reported stock-price figure).

    python -m tests.seed_check SEED_FILE      (`make seed-check`; .ci/run when shared/ is there)
"""

from __future__ import annotations

import sys
from pathlib import Path

from roundtable.packs.importer import decode, import_text
from roundtable.packs.library import SHIPPED_DIR
from roundtable.packs.questions import claims, snippet, template_questions

SECTIONS = ["Introduction", "No chips for China", "Closing the gap", "AI arms race"]
RUN = 12  # words: no run this long from the op-ed may appear in the pack


def problems(seed: Path) -> list[str]:
    found = []
    original = seed.read_text("utf-8")
    result = import_text(decode(seed.read_bytes()), fallback_title="Seed")
    titles = [s.title for s in result.sections]
    if titles != SECTIONS:
        found.append(f"the importer found sections {titles}, expected {SECTIONS}")
    reasons = [item.reason for item in result.left_out]
    if reasons != ["publisher's disclaimer", "donation appeal"]:
        found.append(f"the importer left out {reasons}")
    for section in result.sections:
        arguable = {snippet(c.sentence) for c in claims(section.text) if c.arguable}
        for question in template_questions(section.title, section.text):
            if question.startswith("The text says:"):
                quoted = question.split("“", 1)[1].rsplit("”", 1)[0]
                if quoted not in arguable:
                    found.append(f"{section.title}: agreement asked of a bare fact: {quoted}")
            if "800%" in question and "Do you agree" in question:
                found.append(f"{section.title}: agreement asked of the stock-price figure")
    pack = (SHIPPED_DIR / "deepseek-sputnik-moment.md").read_text("utf-8")
    words = original.split()
    runs = {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN)}
    flat = " ".join(pack.split())
    copied = sorted(run for run in runs if run in flat)
    if copied:
        found.append(f"the shipped pack copies {len(copied)} {RUN}-word run(s), e.g. {copied[0]!r}")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_file():
        print("usage: python -m tests.seed_check SEED_FILE", file=sys.stderr)
        return 2
    found = problems(Path(argv[0]))
    for problem in found:
        print(f"seed check: {problem}", file=sys.stderr)
    if not found:
        print("seed check: the seed imports as 4 sections; the shipped pack is our own words")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
