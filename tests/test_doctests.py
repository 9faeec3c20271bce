"""Every docstring example of the package runs as a test (the README's "docs that run").

Each module of ``gelu_math`` is imported and its examples run with ``doctest`` (ELLIPSIS and
NORMALIZE_WHITESPACE); an example marked ``# doctest: +SKIP`` says why in its comment (it writes
files or takes long and is covered by a named test).  Modules that need matplotlib are skipped
without it."""

from __future__ import annotations

import doctest
import importlib
import os
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gelu_math"
MODULES = sorted(".".join(("gelu_math",) + p.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
                 for p in PACKAGE.rglob("*.py") if p.name != "__main__.py")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    if name.startswith("gelu_math.plots"):
        pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=True,
                             verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed (see above)"
    assert os.listdir(tmp_path) == [], "an example wrote files"
