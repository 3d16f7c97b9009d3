"""The HTML export in a real headless Chromium (Debian's `chromium`, which `make test` installs
when it is missing): a clean document with the hostile text shown as text, no script or image
elements, light and dark themes, and a printable PDF."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import numpy as np
import pytest
from matplotlib import image
from pypdf import PdfReader

from roundtable.exports.model import Request, Scope
from roundtable.exports.service import ExportService
from storage.database import Database
from tests.fixtures.discussions import GUILD, HOSTILE, fixed_round

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM, "Chromium is missing: `apt-get install chromium` (make test does it as root)"
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture
async def page(db: Database, tmp_path: Path) -> Path:
    round_id = await fixed_round(db)
    second = await fixed_round(db, section=3)
    assert second
    request = Request(GUILD, Scope("pack", pack_slug="deepseek-r1-chinas-sputnik-moment"), "html")
    files, _, _ = await ExportService(db).write(
        request, tmp_path, now=datetime(2026, 12, 1, tzinfo=UTC)
    )
    assert round_id
    return files[0]


def test_the_page_renders_as_a_clean_document(page: Path) -> None:
    dom = lxml.html.fromstring(chromium("--dump-dom", page.as_uri()).stdout)
    assert dom.xpath("//script") == [] and dom.xpath("//img") == []
    assert dom.xpath("//iframe | //object | //embed | //link[@rel='stylesheet']") == []
    text = " ".join(dom.text_content().split())
    assert HOSTILE.replace("  ", " ") in text  # shown as the member typed it
    headings = [" ".join(h.text_content().split()) for h in dom.xpath("//h2")]
    assert headings[:2] == ["Contents", "How stances moved (opening → closing)"]
    assert "Round 1 · DeepSeek-R1: China's Sputnik moment? · 2. No chips for China" in headings
    links = dom.xpath("//a/@href")
    assert all(h.startswith(("#round-", "https://discord.com/channels/")) for h in links)
    assert len(dom.xpath("//svg[@class='chart']")) == 3  # the series and each round


def _brightness(png: Path) -> float:
    pixels = np.asarray(image.imread(png))[:200, :, :3]
    return float(pixels.mean())


def test_light_and_dark_screenshots(page: Path, tmp_path: Path) -> None:
    light, dark = tmp_path / "light.png", tmp_path / "dark.png"
    size = "--window-size=1000,1200"
    chromium(f"--screenshot={light}", size, page.as_uri())
    chromium(
        f"--screenshot={dark}",
        size,
        "--force-dark-mode",
        "--blink-settings=preferredColorScheme=0",
        page.as_uri(),
    )
    assert np.asarray(image.imread(light)).std() > 0.05  # not a blank page
    assert _brightness(light) > 0.8 > 0.3 > _brightness(dark)


def test_the_page_prints(page: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "export.pdf"
    chromium(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 3  # each round starts a page
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "How stances moved" in text and "<script>alert('x')</script>" in text
