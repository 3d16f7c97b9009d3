"""`python bot.py pack check FILE [--json]` as a moderator runs it."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.seed import OP_ED, OP_ED_SECTIONS

ROOT = Path(__file__).resolve().parents[2]


def pack_check(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "pack", "check", *args],
        cwd=cwd,
        env={},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_op_ed_as_json(tmp_path: Path) -> None:
    result = pack_check(str(OP_ED), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"title", "author", "read_as", "sections", "left_out", "split", "joined"}
    assert data["read_as"] == "a plain text, by short heading lines between paragraphs"
    assert data["split"] == []
    assert [s["title"] for s in data["sections"]] == OP_ED_SECTIONS
    for section in data["sections"]:
        assert set(section) == {"title", "chars", "parts", "questions"}
        assert section["parts"] == 1
        assert len(section["questions"]) >= 2
    assert [item["reason"] for item in data["left_out"]] == [
        "publisher's disclaimer",
        "donation appeal",
    ]


def test_an_op_ed_as_text(tmp_path: Path) -> None:
    result = pack_check(str(OP_ED), cwd=tmp_path)
    assert result.returncode == 0
    assert "2. Licences that expire  (2,075 characters, 1 part)" in result.stdout
    assert "Left out (check these):" in result.stdout


def test_the_shipped_pack_checks_clean(tmp_path: Path) -> None:
    shipped = ROOT / "prompts" / "packs" / "deepseek-sputnik-moment.md"
    data = json.loads(pack_check(str(shipped), "--json", cwd=tmp_path).stdout)
    assert data["title"] == "DeepSeek-R1: China's Sputnik moment?"
    assert data["left_out"] == []


def test_an_unusable_file_exits_1_with_the_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\nroundtable: 1\ntitle: T\ncolour: red\n---\n\n## A\n\n## A\n\ntext\n")
    result = pack_check(str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"roundtable: {bad}: This pack file has 3 problems:\n")
    assert "- line 4: unknown key 'colour'" in result.stderr
    assert "- line 7: section 'A' has no text" in result.stderr
    assert "- line 9: section title 'A' is used twice (also line 7)" in result.stderr
    missing = pack_check(str(tmp_path / "nope.txt"), cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (
        1,
        f"roundtable: {tmp_path / 'nope.txt'} is not a file.\n",
    )


def test_a_long_book_is_split_not_refused(tmp_path: Path) -> None:
    from tests.fixtures.books import book

    path = tmp_path / "harbour-year.txt"
    path.write_text(book([12_000, 97_000, 20_000]), "utf-8")
    result = pack_check(str(path), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["title"].split(":")[0] for s in data["sections"]] == [
        "Chapter I",
        *["Chapter II"] * 5,
        "Chapter III",
    ]
    [split] = data["split"]
    assert (split["title"].split(":")[0], split["rounds"]) == ("Chapter II", 5)
    assert path.read_text("utf-8").splitlines()[split["line"] - 1] == "CHAPTER II"
    assert all(s["parts"] <= 10 for s in data["sections"])
    text = pack_check(str(path), cwd=tmp_path).stdout
    assert "Too long for one round, split into several:" in text


def test_every_kind_of_file_as_json(tmp_path: Path) -> None:
    from tests.fixtures import documents

    files = {
        "quarterly.pdf": (documents.pdf(), "a PDF", "page"),
        "reader.epub": (documents.epub(), "an EPUB book", "chapter file"),
        "article.html": (documents.web_page(), "a saved web page", "line"),
        "notes.md": (documents.markdown_article().encode(), "a Markdown text", "line"),
    }
    for name, (data, kind, unit) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = pack_check(str(path), "--json", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        found = json.loads(result.stdout)
        assert found["read_as"].startswith(kind)
        assert len(found["sections"]) >= 3
        assert {item["unit"] for item in found["left_out"]} == {unit}
    # A paper's authors, read from its first page, are the pack's author.
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(documents.two_column_pdf())
    found = json.loads(pack_check(str(paper), "--json", cwd=tmp_path).stdout)
    assert (found["title"], found["author"]) == (
        "Two Columns of Readers",
        "Ada Example, Ben Sample",
    )
    text = pack_check(str(paper), cwd=tmp_path).stdout
    assert text.startswith("Two Columns of Readers, by Ada Example, Ben Sample\n")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(documents.pdf(scanned=True))
    result = pack_check(str(scan), "--json", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert "this PDF has no text layer" in result.stderr


@pytest.mark.parametrize(("name", "limit"), [("book.txt", "1,000,000"), ("book.pdf", "25,000,000")])
def test_a_huge_file_is_refused_by_its_size_without_being_read_whole(
    tmp_path: Path, name: str, limit: str
) -> None:
    """#27: `pack check` read a 500 MB file whole before saying it was too large. The file is
    sparse (no disk used); the check runs with 400 MB of address space, less than reading it
    would take."""
    huge = tmp_path / name
    with huge.open("wb") as file:
        file.truncate(500_000_000)

    def at_most_400_mb() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (400 << 20, resource.RLIM_INFINITY))

    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "pack", "check", str(huge)],
        cwd=tmp_path,
        env={},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=at_most_400_mb,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"roundtable: {huge}: the file is 500,000,000 bytes; the limit is {limit}.\n"
    )
    assert result.stdout == ""
