"""IMPL specifications: which float kernel to audit.

* ``NAME`` — gelu-math's own derived implementation of a registered function (``gelu``,
  ``gelu_tanh``, ...): float64 evaluation of the cancellation-free form, rounded once.
* ``torch:gelu``, ``torch:gelu_tanh`` — ``torch.nn.functional.gelu`` (approximate 'none' /
  'tanh') on a CPU tensor of the target dtype (torch has bfloat16).
* ``jax:gelu``, ``jax:gelu_tanh`` — ``jax.nn.gelu(approximate=False / True)``.
* ``module:function`` (dotted names) — any importable callable.  Importing a user-named
  module runs its code: that is the point of this form, and the syntax is checked strictly.

A kernel receives a numpy array of the target dtype (bfloat16 values travel as float32
arrays holding exact bfloat16 values) and returns an array of the same shape; the audit
rounds its outputs to the target format, as storing them in that dtype would.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import InputError, UnknownFunctionError
from ..floats import FloatFormat, FloatImpl, implementation

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = rf"{_IDENT}(?:\.{_IDENT})*"
_SPEC = re.compile(rf"^({_DOTTED}):({_DOTTED})$")
_ADAPTERS = {"torch": ("gelu", "gelu_tanh"), "jax": ("gelu", "gelu_tanh")}


@dataclass
class Kernel:
    """A resolved IMPL: ``label`` and ``run(array) -> array``; ``own`` for our implementations."""

    label: str
    run: Callable[[np.ndarray], np.ndarray]
    own: FloatImpl | None = None


def is_own(spec) -> bool:
    """Whether ``spec`` names one of gelu-math's own implementations (a registered function)."""
    return isinstance(spec, str) and bool(spec) and ":" not in spec


def default_reference(spec) -> str:
    """The reference an audit uses unless told: GELU for its approximations and for foreign
    kernels (torch, jax, module:function, callables), else the own implementation's function."""
    if not is_own(spec):
        return "gelu"
    try:
        act = activation(spec)
    except UnknownFunctionError as exc:
        raise UnknownFunctionError(f"unknown IMPL: {exc} (or use module:function)") from None
    return "gelu" if act.family == "gelu" else act.name


def activation(name: str):
    """The registered activation ``name`` (aliases and user-defined functions included)."""
    from ..definitions import registry

    registry.names()  # fills the registry on first use
    return registry.REGISTRY.get(name)


def resolve(spec: str, fmt: FloatFormat, derivative: int = 0, params=None) -> Kernel:
    """The kernel named by ``spec`` for format ``fmt`` (see the module docstring); ``params``
    (own implementations only) sets the function's parameters.

    From Python, ``spec`` may also be a callable (the kernel itself)."""
    if params and not is_own(spec):
        raise InputError(f"IMPL parameters apply only to gelu-math's own implementations (a registered name), "
                         f"not to {getattr(spec, '__qualname__', spec)}; the reference's are set by --ref-param "
                         "(API: ref_params)")
    if callable(spec) and not isinstance(spec, str):
        return Kernel(getattr(spec, "__qualname__", repr(spec)) + "'" * derivative, spec)
    if not isinstance(spec, str) or not spec:
        raise InputError("IMPL must be a non-empty string")
    if ":" not in spec:
        try:
            impl = implementation(spec, derivative, params)
        except UnknownFunctionError as exc:
            raise UnknownFunctionError(f"unknown IMPL: {exc} (or use module:function)") from None
        return Kernel(impl.label, impl.kernel(fmt), impl)
    m = _SPEC.match(spec)
    if not m:
        raise InputError(f"IMPL {spec!r} is not NAME or module:function (dotted Python identifiers)")
    module, attr = m.groups()
    if module in _ADAPTERS:
        if attr not in _ADAPTERS[module]:
            raise InputError(f"unknown {module} adapter {attr!r}; available: "
                             + ", ".join(f"{module}:{a}" for a in _ADAPTERS[module]))
        return (_torch if module == "torch" else _jax)(attr, fmt, derivative)
    try:
        mod = importlib.import_module(module)
    except Exception as exc:  # noqa: BLE001 - any import failure is the user's input problem
        raise InputError(f"cannot import module {module!r}: {type(exc).__name__}: {exc}") from None
    obj = mod
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise InputError(f"module {module!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise InputError(f"{spec} is not callable")
    return Kernel(spec + "'" * derivative, obj)


def _torch(attr: str, fmt: FloatFormat, derivative: int) -> Kernel:
    try:
        import torch
    except ImportError:
        raise InputError("torch is not installed (pip install torch) - needed for torch:" + attr) from None
    torch.set_num_threads(1)  # the audit parallelises over processes
    dtype = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32,
             "float64": torch.float64}[fmt.name]
    approximate = "tanh" if attr == "gelu_tanh" else "none"

    def run(a):
        t = torch.from_numpy(np.ascontiguousarray(a)).to(dtype)
        if derivative:
            t.requires_grad_(True)
            torch.nn.functional.gelu(t, approximate=approximate).sum().backward()
            out = t.grad
        else:
            with torch.no_grad():
                out = torch.nn.functional.gelu(t, approximate=approximate)
        return out.detach().to(torch.float64).numpy()

    return Kernel(f"torch:{attr}" + "'" * derivative, run)


def _jax(attr: str, fmt: FloatFormat, derivative: int) -> Kernel:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        raise InputError("jax is not installed (pip install jax) - needed for jax:" + attr) from None
    if fmt.name == "float64":
        jax.config.update("jax_enable_x64", True)
    dtype = {"float16": jnp.float16, "bfloat16": jnp.bfloat16, "float32": jnp.float32,
             "float64": jnp.float64}[fmt.name]
    approximate = attr == "gelu_tanh"

    def f(t):
        return jax.nn.gelu(t, approximate=approximate)

    g = jax.vmap(jax.grad(f)) if derivative else f

    def run(a):
        return np.asarray(g(jnp.asarray(a, dtype=dtype)).astype(jnp.float32 if fmt.bits < 64 else jnp.float64),
                          dtype=np.float64)

    return Kernel(f"jax:{attr}" + "'" * derivative, run)
