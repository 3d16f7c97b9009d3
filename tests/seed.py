"""An op-ed written for the tests in the shape of the first reading text (../shared/seeds/):
paragraphs one to a line, an introduction, three short unmarked heading lines, a quotation, a
question, figures, and a disclaimer and a donation appeal at the end. The tests need nothing
outside this repository; `make seed-check` (run by .ci/run when shared/ is there) checks the
real seed.
"""

from pathlib import Path

OP_ED = Path(__file__).resolve().parent / "fixtures" / "op_ed.txt"
OP_ED_SECTIONS = ["Introduction", "Licences that expire", "Closing the shelves", "A public option"]
