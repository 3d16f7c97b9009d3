"""Suites that try what goes wrong in real use (README: Reliability). `make soak` runs them with
SOAK=10: ten times the bursts and examples."""

import os

SCALE = max(1, int(os.environ.get("SOAK", "1") or "1"))
