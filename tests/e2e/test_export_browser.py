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
from storage.exports import ExportStorage
from tests.fixtures.discussions import GUILD, HOSTILE, SHIPPED, fixed_round, services

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
    files, _, _ = await ExportService(ExportStorage(db)).write(
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
    assert "Round 1 · No chips for China" in headings
    links = dom.xpath("//a/@href")
    assert all(h.startswith(("#round-", "https://discord.com/channels/")) for h in links)
    assert len(dom.xpath("//svg[@class='chart']")) == 3  # the series and each round
    # A report: each round opens with its summary, then the excerpt, then the questions, each
    # question once; its summary points link down to the question.
    first = dom.xpath("//section[@class='round']")[0]
    order = [" ".join(h.text_content().split()) for h in first.xpath(".//h3")]
    assert order[:3] == ["Summary", "Excerpt", "Questions and answers"]
    questions = [" ".join(h.text_content().split()) for h in first.xpath(".//h4[@id]")]
    assert len(questions) == len(set(questions)) >= 1
    text = " ".join(first.text_content().split())
    for question in questions:
        assert text.count(question) == 1
    for href in first.xpath(".//div[@class='summary']//h4/a/@href"):
        assert first.xpath(f".//h4[@id='{href[1:]}']"), href
    # Tables name their header rows, so a printed table repeats them on each page.
    assert all(t.xpath("./thead/tr/th") for t in dom.xpath("//table"))


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


def _printed(page: Path, tmp_path: Path) -> list[str]:
    """The page printed to PDF by Chromium: each page's text."""
    pdf = tmp_path / f"{page.stem}.pdf"
    chromium(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    reader = PdfReader(pdf)
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages} == {
        (595, 842)  # A4, in points
    }
    return [" ".join(p.extract_text().split()) for p in reader.pages]


def test_the_page_prints(page: Path, tmp_path: Path) -> None:
    pages = _printed(page, tmp_path)
    text = " ".join(pages)
    assert "How stances moved" in text and "<script>alert('x')</script>" in text
    # No page but the last is mostly empty (a forced break, an orphaned chart or heading).
    fullest = max(len(p) for p in pages)
    assert all(len(p) >= 0.3 * fullest for p in pages[:-1]), [len(p) for p in pages]


ANSWERS = {
    501: {1: "Export controls slowed them down for a year or two, no more; the evidence is one "
             "model, and I would want to see whether the other Chinese labs followed the same path."},
    502: {2: "A training run's cost leaves out the researchers, the failed runs and the hardware "
             "bought before the ban. It is a marginal cost, not what it took to get there."},
    503: {3: "Open weights help researchers and small firms most. The risk of misuse is real, but "
             "closed models leak too, and openness lets others check the claims."},
    504: {4: "A founder's account of his motives is advertising until the accounts say otherwise, "
             "in Hangzhou or in Palo Alto."},
}  # fmt: skip


async def test_a_round_with_four_answers_prints_on_two_pages_at_most(
    db: Database, tmp_path: Path
) -> None:
    """The shipped pack's longest section, four members' answers, their stances, a summary."""
    s = await services(db)
    record, _ = await s.rounds.reserve(
        GUILD, pack_slug=SHIPPED, section=2, channel_id=100, closes_in=None, by=9
    )
    record = await s.rounds.posted(record, thread_id=9002, posts=[(100, 502)])
    for n, (user, given) in enumerate(ANSWERS.items()):
        await s.rounds.answer(GUILD, record.id, user, given, name=f"Member {n + 1}")
        await s.rounds.stance(GUILD, record.id, user, n % 3, name=f"Member {n + 1}")
    plan = await s.rounds.close(GUILD, record.id, by=9)
    await s.summaries.make(plan.record, engine="offline")
    request = Request(GUILD, Scope("round", round_id=record.id), "html")
    files, _, responses = await ExportService(ExportStorage(db)).write(
        request, tmp_path, now=datetime(2026, 12, 1, tzinfo=UTC)
    )
    assert responses == 4
    pages = _printed(files[0], tmp_path)
    assert len(pages) <= 2, [len(p) for p in pages]
    assert "Hangzhou or in Palo Alto" in pages[-1]  # the last answer made it onto the paper
