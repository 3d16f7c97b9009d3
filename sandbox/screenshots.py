"""The README's picture, made from what `make demo` left: the HTML export of the demo's first
round, rendered by headless Chromium (`make screenshots`, after `make demo`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_DB = ROOT / "data" / "demo" / "roundtable.db"
PICTURE = ROOT / "docs" / "images" / "export-report.png"
SIZE = (900, 1250)


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    raise SystemExit("screenshots: Chromium is needed (sudo apt-get install chromium).")


def main() -> int:
    if not DEMO_DB.is_file():
        print(f"screenshots: run `make demo` first ({DEMO_DB} is missing).", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "round.html"
        subprocess.run(
            [sys.executable, str(ROOT / "bot.py"), "export", "--round", "1", "--format", "html",
             "--server-name", "Reading Group", "-o", str(page)],
            env={"DATABASE_PATH": str(DEMO_DB)}, check=True, capture_output=True,
        )  # fmt: skip
        PICTURE.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--window-size={SIZE[0]},{SIZE[1]}", f"--screenshot={PICTURE}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    print(f"Wrote {PICTURE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
