"""The first reading text: the op-ed in ../shared/seeds/, laid beside the clone (CI does too).

It is not copied into this repository: the shipped pack is a digest in our own words.
"""

from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_fa043505587b87a6.txt"
