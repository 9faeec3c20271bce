"""The README's architecture table is kept true: every module has a layer, and imports flow one way.

The table (README "Architecture") assigns each module of ``gelu_math`` a layer L0…L6; a module
may import from its own layer or lower ones, never from a higher one, except the documented
lazy import of the LaTeX renderer by ``Analysis._repr_latex_`` (for Jupyter).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gelu_math"
EXCEPTIONS = {("engine", "render/latex")}  # Analysis._repr_latex_, lazily (README)


def _table() -> dict[str, int]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Architecture"):]
    out = {}
    for m in re.finditer(r"^\| L(\d) \| (.*?) \|", section, re.M):
        layer, cell = int(m.group(1)), m.group(2)
        cell = re.sub(r"\(([^)]*)\)", "", cell)  # submodule lists of a package row
        for name in re.findall(r"`([^`]+)`", cell):
            out[name.rstrip("/")] = layer
    return out


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return "/".join(parts)


def _layer(table: dict[str, int], module: str) -> int | None:
    while module:
        if module in table:
            return table[module]
        module = module.rpartition("/")[0]
    return None


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module.split("/") if path.name != "__init__.py" else module.split("/") + ["__init__"]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - node.level]
                target = base + (node.module.split(".") if node.module else [])
                names = [target + [a.name] for a in node.names] if not node.module else [target]
            elif node.module and node.module.startswith("gelu_math"):
                names = [node.module.split(".")[1:]]
            else:
                continue
            for parts in names:
                out.add("/".join(p for p in parts if p))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("gelu_math."):
                    out.add("/".join(a.name.split(".")[1:]))
    return out


def test_every_module_has_a_layer():
    table = _table()
    missing = [m for m in map(_module_name, PACKAGE.rglob("*.py")) if m and _layer(table, m) is None]
    assert not missing, f"modules missing from the README architecture table: {missing}"


def test_imports_never_go_up_a_layer():
    table = _table()
    bad = []
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        if not module:
            continue
        mine = _layer(table, module)
        for target in _imports(path, module):
            theirs = _layer(table, target)
            if None not in (mine, theirs) and theirs > mine and (module, target) not in EXCEPTIONS:
                bad.append(f"{module} (L{mine}) imports {target} (L{theirs})")
    assert not bad, "\n".join(sorted(bad))


def test_plugin_and_command_line_load_without_numpy_and_set_one_blas_thread():
    """pytest loads gelu-math's plugin in every session: it must not import numpy (a conftest could then
    no longer choose numpy's BLAS threads), and the command line sets one BLAS thread per process before
    numpy loads, unless the user chose a number."""
    import os
    import subprocess
    import sys

    code = ("import sys, os, gelu_math.testing.plugin; assert 'numpy' not in sys.modules\n"
            "import gelu_math.cli; assert 'numpy' not in sys.modules\n"
            "import numpy; print(os.environ['OPENBLAS_NUM_THREADS'])")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "1", out.stderr
    out = subprocess.run([sys.executable, "-c", code], env={**env, "OPENBLAS_NUM_THREADS": "3"},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "3", out.stderr
