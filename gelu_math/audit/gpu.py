"""The device path of the audit: kernel and float64 reference on an accelerator (torch, optional).

For a kernel that runs on a device (``torch:gelu`` with ``device="cuda"``), copying every input's
output back and evaluating the reference on the CPU would make the CPU the limit.  Here, per
chunk, the *device* evaluates the kernel, the reference's float64 cancellation-free form and its
error bound ``REL_BOUND·M(x) + ABS_BOUND``; for float32 it also rounds y ± bound and y to float32
(IEEE nearest-even: a float64 → float32 conversion is one correct rounding on CUDA and on CPUs)
and marks the ambiguous inputs; only bit patterns and index lists come back.  The CPU then
settles the ambiguous inputs (Arb, exactly as in the other paths, :meth:`.reference.Reference.settle`)
and compares (shared code of :mod:`.engine`).  16-bit formats bring y, the bound and the outputs
back and round on the CPU (torch's float64 → bfloat16/float16 conversions round twice, via float32).

The array library is injected (:class:`ArrayModule`): :class:`TorchModule` for a torch device,
:class:`NumpyModule` for the tests, so the logic is tested without torch.

What a device run measures: the device's own kernel outputs (what the framework computes
there), compared with correctly rounded values; the float64 reference on the device relies on the
device's float64 functions meeting the 2^-40 bound (CUDA's libdevice erfc/exp/tanh are within a few
float64 ULPs), so its rounded values are those of the CPU path wherever the bound holds; the
escalation count may differ from a CPU run (other float64 last bits), the verdicts do not.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..definitions.symbols import x
from ..errors import InputError
from ..floats import FloatFormat
from .reference import ABS_BOUND, REL_BOUND, Reference


class NumpyModule:
    """numpy as the 'device' (tests; the CPU)."""

    name = "numpy"

    def to_device(self, a):
        return np.asarray(a, dtype=np.float64)

    def to_host(self, a):
        return np.asarray(a)

    def float32(self, a):
        return np.asarray(a).astype(np.float32)

    def isfinite(self, a):
        return np.isfinite(a)

    def nonzero(self, mask):
        return np.flatnonzero(mask)

    def bits32(self, a32):
        return np.ascontiguousarray(a32).view(np.uint32)

    def functions(self) -> dict:
        from scipy import special

        return {"Erfc": special.erfc, "erfc": special.erfc, "erf": special.erf, "Sigmoid": special.expit,
                "Expm1": np.expm1, "Log1p": np.log1p, "Softplus": lambda t: np.logaddexp(0.0, t),
                "exp": np.exp, "log": np.log, "tanh": np.tanh, "sqrt": np.sqrt, "Abs": np.abs}


class TorchModule(NumpyModule):
    """A torch device (``cuda``, ``cuda:1``, ``cpu``)."""

    def __init__(self, device: str):
        try:
            import torch
        except ImportError:
            raise InputError("--device needs torch (pip install torch)") from None
        self.torch = torch
        try:
            self.device = torch.device(device)
            torch.zeros(1, device=self.device)
        except Exception as exc:  # noqa: BLE001 - no such device: the user's input
            raise InputError(f"torch device {device!r} is not available: {type(exc).__name__}: {exc}") from None
        self.name = f"torch:{self.device}"

    def to_device(self, a):
        return self.torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64)).to(self.device)

    def to_host(self, a):
        return a.detach().cpu().numpy()

    def float32(self, a):
        return a.to(self.torch.float32)

    def isfinite(self, a):
        return self.torch.isfinite(a)

    def nonzero(self, mask):
        return self.to_host(self.torch.nonzero(mask).flatten()).astype(np.int64)

    def bits32(self, a32):
        return self.to_host(a32.contiguous()).view(np.uint32)

    def functions(self) -> dict:
        """torch's functions on tensors; on the form's constants (sqrt(2), exp(-1/2): Python numbers, which
        torch's functions refuse) numpy's, as in the CPU path, so a constant has the same float64 value."""
        t = self.torch
        device = {"Erfc": t.special.erfc, "erfc": t.special.erfc, "erf": t.special.erf, "Sigmoid": t.sigmoid,
                  "Expm1": t.expm1, "Log1p": t.log1p, "Softplus": lambda v: t.logaddexp(t.zeros_like(v), v),
                  "exp": t.exp, "log": t.log, "tanh": t.tanh, "sqrt": t.sqrt, "Abs": t.abs}
        return scalar_safe(device, NumpyModule.functions(self), t.is_tensor)


def scalar_safe(device: dict, host: dict, is_array) -> dict:
    """Each of ``device``'s functions where its argument is a device array (``is_array``), ``host``'s of
    the same name, as a Python float, where it is a number: lambdify leaves the form's constants as
    calls (sqrt(2)), and torch's functions take tensors only (torch.sqrt(2) is a TypeError)."""

    def either(on_device, on_host):
        return lambda v: on_device(v) if is_array(v) else float(on_host(v))

    return {name: either(f, host[name]) for name, f in device.items()}


def device_form(expr: sp.Expr, am: NumpyModule):
    """``expr`` (a float form) as a function of a float64 device array, on ``am``'s functions."""
    if expr.has(sp.Piecewise):
        raise InputError("the device path evaluates smooth forms only (no pieces); audit this kernel on the CPU")
    names = {f.func.__name__ for f in expr.atoms(sp.Function)} | {"sqrt", "exp"}
    fns = am.functions()
    missing = sorted(n for n in names if n not in fns and n not in ("Pow",))
    if missing:
        raise InputError(f"no device function for {', '.join(missing)}")
    f = sp.lambdify(x, expr, modules=[fns, "math"])
    return f


class DeviceValues:
    """Per-chunk values of an audit on a device: ``__call__(fmt, xs) -> (got bits, want bits,
    escalated, undefined, candidates)`` as the engine's other value functions."""

    def __init__(self, kernel_run, ref: Reference, am: NumpyModule):
        self.run, self.ref, self.am = kernel_run, ref, am
        self.y = device_form(ref.impl.form, am)
        mag = ref.impl.magnitude
        self.m = None if ref.impl.evaluate_magnitude is None else device_form(mag, am)

    def __call__(self, fmt: FloatFormat, xs: np.ndarray):
        am = self.am
        xd = am.to_device(xs)
        y = self.y(xd)
        b = REL_BOUND * (abs(y) if self.m is None else self.m(xd)) + ABS_BOUND
        got = self.run(xd)  # the kernel's outputs, values of fmt (any device float dtype)
        if fmt.name == "float32":
            hi = y + b
            w32 = am.float32(y)
            g32 = am.float32(got)
            amb_mask = (am.float32(y - b) != am.float32(hi)) | ~am.isfinite(hi)
            amb = am.nonzero(amb_mask)
            cand = am.nonzero(amb_mask | (g32 != w32))
            want_bits, got_bits = am.bits32(w32).copy(), am.bits32(g32).copy()
            if amb.size:
                yh, bh = am.to_host(y[_index(am, amb)]), am.to_host(b[_index(am, amb)])
            else:
                yh = bh = np.zeros(0)
        else:  # 16-bit formats: round on the CPU
            yh_all, bh_all = am.to_host(y), am.to_host(b)
            got_bits = fmt.to_bits(np.asarray(am.to_host(got), dtype=np.float64))
            with np.errstate(all="ignore"):
                lo, hi = fmt.to_bits(yh_all - bh_all), fmt.to_bits(yh_all + bh_all)
                ok = np.isfinite(yh_all + bh_all)
            mask = fmt.uint(fmt.sign_mask - 1)
            amb = np.flatnonzero(((lo != hi) & (((lo | hi) & mask) != 0)) | ~ok)
            want_bits = fmt.to_bits(yh_all)
            yh, bh, cand = yh_all[amb], bh_all[amb], None
        undefined = None
        if amb.size:
            vals, und = self.ref.settle(fmt, xs[amb], yh, bh, fmt.from_bits(want_bits[amb]))
            want_bits[amb] = fmt.to_bits(vals)
            if und.any():
                undefined = np.zeros(xs.shape, dtype=bool)
                undefined[amb] = und
        return got_bits, want_bits, int(amb.size), undefined, cand


def _index(am, idx):
    if isinstance(am, TorchModule):
        return am.torch.from_numpy(idx).to(am.device)
    return idx


def torch_kernel(attr: str, fmt: FloatFormat, am: TorchModule, derivative: int = 0):
    """``torch:gelu`` / ``torch:gelu_tanh`` on ``am``'s device, in the format's torch dtype."""
    if derivative:
        raise InputError("the device path audits f itself (--derivative 0)")
    t = am.torch
    dtype = {"float16": t.float16, "bfloat16": t.bfloat16, "float32": t.float32}.get(fmt.name)
    if dtype is None:
        raise InputError("the device path audits float16, bfloat16 or float32")
    approximate = "tanh" if attr == "gelu_tanh" else "none"

    def run(xd):
        with t.no_grad():
            return t.nn.functional.gelu(xd.to(dtype), approximate=approximate).to(t.float64)

    return run
