"""The shape of the code: imports run one way along the data flow, no module reaches into
another's private names, and the repository is lint- and format-clean."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kg"

# The rooms of kg/ in the order data flows; a module may import its own room and the
# rooms before it, never one after it (kg/__init__.py's lazy API is the one exception).
ROOMS = (
    "kg.errors",
    "kg.resources",
    "kg.vocab",
    "kg.lang",
    "kg.pipeline",
    "kg.read",
    "kg.analysis",
    "kg.notebook",
    "kg.cli",
)
# Inside the pipeline, the same rule in its own order.
PIPELINE = (
    "kg.pipeline.corpus",
    "kg.pipeline.nlp",
    "kg.pipeline.extract",
    "kg.pipeline.merge",
    "kg.pipeline.rdf",
    "kg.pipeline.dumps",
    "kg.pipeline.tables",
    "kg.pipeline.outputs",
    "kg.pipeline.cache",
    "kg.pipeline.engines",
    "kg.pipeline.build",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every import in a file, at any depth (lazy imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((alias.name, [], node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names], node.lineno))
    return found


def _rank(module: str, order: tuple[str, ...]) -> int | None:
    for i, room in enumerate(order):
        if module == room or module.startswith(room + "."):
            return i
    return None


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__main__.py")


def test_every_module_lives_in_a_room():
    homeless = [
        _module_name(p)
        for p in _modules()
        if p != PACKAGE / "__init__.py" and _rank(_module_name(p), ROOMS) is None
    ]
    assert not homeless, f"modules outside kg's rooms {ROOMS}: {homeless}"


def test_imports_run_one_way_along_the_flow():
    backwards = []
    for path in _modules():
        me = _module_name(path)
        if me == "kg":
            continue  # the lazy public API
        mine = _rank(me, ROOMS)
        mine_in_pipeline = _rank(me, PIPELINE)
        for module, names, line in _imports(path):
            if not module.startswith("kg"):
                continue
            theirs = _rank(module, ROOMS)
            if module == "kg":
                if names != ["__version__"]:  # the version is the one thing the root declares
                    backwards.append(f"{me}:{line} imports the package root")
            elif theirs is not None and mine is not None and theirs > mine:
                backwards.append(f"{me}:{line} imports {module}")
            elif mine_in_pipeline is not None:
                theirs_in_pipeline = _rank(module, PIPELINE)
                if theirs_in_pipeline is not None and theirs_in_pipeline > mine_in_pipeline:
                    backwards.append(f"{me}:{line} imports {module} (later in the pipeline)")
    assert not backwards, "imports that run back up the flow:\n" + "\n".join(backwards)


def test_no_module_imports_another_modules_private_names():
    reaching = []
    for path in _modules():
        me = _module_name(path)
        for module, names, line in _imports(path):
            if module.startswith("kg") and module != me:
                private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                if private:
                    reaching.append(f"{me}:{line} imports {', '.join(private)} from {module}")
    assert not reaching, "\n".join(reaching)


@pytest.mark.skipif(
    shutil.which("ruff") is None and sys.prefix == sys.base_prefix, reason="no ruff"
)
def test_the_repository_is_lint_and_format_clean():
    ruff = [sys.executable, "-m", "ruff"]
    check = subprocess.run([*ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    if "No module named ruff" in check.stderr:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    assert check.returncode == 0, check.stdout[-3000:]
    fmt = subprocess.run(
        [*ruff, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout[-3000:]
