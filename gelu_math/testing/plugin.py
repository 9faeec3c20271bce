"""pytest plugin of gelu-math (entry point ``pytest11``: loaded wherever gelu-math is installed).

Fixtures and hooks:

* ``gelu_math_analysis`` — session-scoped factory ``(name, params=None, digits=20)`` returning a
  cached certified :class:`~gelu_math.engine.Analysis` (one computation per function and digits).
* ``activation`` — parametrized over function names by the marker
  ``@pytest.mark.activations("gelu", "silu")`` (no arguments: every built-in function;
  ``family="gelu"``: GELU and its approximations).  Unmarked tests are left alone.
* ``--gelu-math-functions FILE.toml`` (repeatable) registers user-defined functions before
  collection, so tests and markers can use their names.

Example::

    @pytest.mark.activations(family="gelu")
    def test_bounded_below(activation, gelu_math_analysis):
        assert gelu_math_analysis(activation)["range"].value["inf"].value.is_finite

The plugin module imports only pytest at load time; gelu-math itself is imported when used.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("gelu-math")
    group.addoption("--gelu-math-functions", action="append", default=[], metavar="FILE.toml",
                    help="register user-defined functions ([function.NAME] tables) for the test session")


def pytest_configure(config):
    config.addinivalue_line("markers", "activations(*names, family=None): parametrize the `activation` fixture "
                            "over gelu-math function names (default: every built-in function)")
    for path in config.getoption("gelu_math_functions", default=[]) or []:
        from gelu_math.definitions.user import load_functions
        from gelu_math.errors import InputError

        try:
            load_functions(path)
        except InputError as exc:  # one line, like the command line
            raise pytest.UsageError(f"--gelu-math-functions: {exc}") from None


def _names(marker) -> list[str]:
    from gelu_math.definitions.registry import REGISTRY, names

    if marker.args:
        return list(marker.args)
    family = marker.kwargs.get("family")
    all_names = names() + REGISTRY.user_names()
    if family is None:
        return names()
    return [n for n in all_names if REGISTRY.get(n).family == family]


def pytest_generate_tests(metafunc):
    marker = metafunc.definition.get_closest_marker("activations")
    if marker is None or "activation" not in metafunc.fixturenames:
        return
    values = _names(marker)
    metafunc.parametrize("activation", values, ids=values)


@pytest.fixture(scope="session")
def gelu_math_analysis():
    """Factory: ``gelu_math_analysis(name, params=None, digits=20)`` → cached certified Analysis."""
    from gelu_math.claims.check import analysis
    from gelu_math.testing import instance

    def factory(name, params=None, digits: int = 20):
        return analysis(instance(name, params), digits)

    return factory
