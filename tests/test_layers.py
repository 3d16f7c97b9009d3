"""The house's layers, checked on the code (STYLE.md): the core (roundtable/) imports neither
discord nor storage, and cogs never import storage. What does not hold yet is named below, by
module, so that the list can only shrink: a new module that breaks a rule fails, and so does a
listed one that no longer needs its place (issue #24: the composition root)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# app.py is the composition root: no cog imports storage any more.
COGS_STILL_ON_STORAGE: set[str] = set()


def _imports(path: Path) -> set[str]:
    """The top-level packages a module imports (at any depth: also inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _modules(folder: str) -> dict[str, set[str]]:
    return {
        p.relative_to(ROOT).as_posix(): _imports(p) for p in sorted((ROOT / folder).rglob("*.py"))
    }


def test_the_core_imports_neither_discord_nor_storage() -> None:
    core = _modules("roundtable")
    assert [m for m, names in core.items() if "discord" in names] == []
    assert [m for m, names in core.items() if "storage" in names] == []
    # Each feature's services are handed a store: a Protocol in the core that storage implements.
    for feature in ("rounds", "series", "packs", "guild_config", "privacy", "summaries", "exports"):
        assert (ROOT / "roundtable" / feature / "store.py").is_file(), feature


def test_cogs_never_import_storage() -> None:
    on_storage = {m for m, names in _modules("cogs").items() if "storage" in names}
    assert on_storage == COGS_STILL_ON_STORAGE


def test_storage_never_imports_discord_or_cogs() -> None:
    for module, names in _modules("storage").items():
        assert not names & {"discord", "cogs"}, module


def test_only_the_rounds_service_shapes_a_round() -> None:
    """One owner for a round's life: a scheduled series asks RoundService.shape for each
    occurrence's round instead of building its own."""
    makers = set()
    for folder in ("roundtable", "cogs", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "NewRound":
                    makers.add(path.relative_to(ROOT).as_posix())
    assert makers == {"roundtable/rounds/service.py"}
