"""The audit: a float kernel against the correctly rounded reference, over a whole format.

``audit(impl, dtype)`` evaluates the kernel on every finite value of a 16-bit format (all
bit patterns but NaN/inf, including −0), on every finite float32 (2^32 patterns, chunked
over worker processes, with a progress bar on stderr) or on a deterministic sample of
values drawn uniformly over the *bit patterns* of the domain (so every binade counts
alike), and compares with :class:`~.reference.Reference`:

* absolute error |got − want|, relative error |got − want|/|want| (0/0 = 0, nonzero/0 = inf),
  ULP error = number of representable values between got and want (±0 are equal,
  ±inf is one step past ±max) — the maximum of each and where it occurs;
* a histogram of ULP errors;
* *regions of lost relative accuracy*: maximal runs of consecutive inputs (in value order)
  whose relative error exceeds ``rel_threshold`` (default max(2^-10, 4·eps of the format)) or
  whose output is non-finite against a finite reference; runs separated by at most
  ``gap`` accurate inputs are merged;
* NaN / ±inf outputs for finite inputs whose reference is finite.

Results are plain data (:class:`AuditResult`); renderers format them.
"""

from __future__ import annotations

import dataclasses
import multiprocessing as mp
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np
from flint import arb, ctx

from ..errors import InputError
from ..floats import FloatFormat, get_format
from . import buffers, fastform, saturation
from .impls import Kernel, activation, default_reference, resolve
from .reference import Reference
from .saturation import Saturation

ULP_EDGES = (0, 1, 2, 3, 5, 9, 17, 65, 257, 1025, 2 ** 16 + 1, 2 ** 24 + 1)
CHUNK = 1 << 22
DEFAULT_SAMPLES = {"float16": 65536, "bfloat16": 65536, "float32": 1_000_000, "float64": 20_000}
MAX_REGIONS = 16


@dataclass(frozen=True)
class Extreme:
    """The input where an error measure is largest, with the kernel's and the reference value."""

    error: float
    x: float
    got: float
    want: float
    exact: float | None = None  # f(x) to float64 accuracy (from a 128-bit ball; for display next to got/want)


@dataclass(frozen=True)
class Region:
    """A run of inputs [lo, hi] (value order) with lost relative accuracy."""

    lo: float
    hi: float
    count: int  # inputs in the run whose error exceeds the threshold
    max_rel: float


@dataclass(frozen=True)
class AuditResult:
    impl: str
    reference: str
    dtype: str
    mode: str  # "exhaustive" | "sampled"
    seed: int | None
    domain: tuple[float, float]
    inputs: int
    escalated: int  # inputs whose float64 interval was ambiguous: decided by Arb, the Taylor rule near 0 or exactly
    undefined: int  # inputs without a decidable finite reference (excluded)
    max_abs: Extreme | None
    max_rel: Extreme | None
    max_ulp: Extreme | None
    histogram: tuple[tuple[str, int], ...]  # (bucket label, count); "nan" last
    nan_outputs: int
    inf_outputs: int  # ±inf for a finite reference
    nonfinite_examples: tuple[Extreme, ...]
    rel_threshold: float
    regions: tuple[Region, ...]
    regions_total: int
    lost_inputs: int  # inputs above the relative threshold (all regions)
    saturation: tuple[Saturation, ...] | None = None  # exhaustive runs only (see .saturation)
    # outputs that are a zero of the wrong sign (kernel +0 where the exact value is negative and rounds to −0);
    # the ULP measures count ±0 as equal.  None: some correctly rounded zero's sign is not certified
    zero_sign_mismatches: int | None = 0
    seconds: float = field(default=0.0, compare=False)

    @property
    def correctly_rounded_fraction(self) -> float:
        return dict(self.histogram).get("0", 0) / self.inputs if self.inputs else 1.0


def _bucket_labels():
    labels = []
    for lo, hi in zip(ULP_EDGES, ULP_EDGES[1:] + (None,)):
        if hi is None:
            labels.append(f">={lo}")
        elif hi - lo == 1:
            labels.append(str(lo))
        else:
            labels.append(f"{lo}-{hi - 1}")
    return labels + ["nan"]


# --- one chunk ----------------------------------------------------------------------------

@dataclass
class _Chunk:
    n: int = 0
    escalated: int = 0
    undefined: int = 0
    best: dict = field(default_factory=dict)  # measure -> Extreme
    hist: np.ndarray = field(default_factory=lambda: np.zeros(len(ULP_EDGES) + 1, dtype=np.int64))
    nan: int = 0
    inf: int = 0
    examples: list = field(default_factory=list)
    runs: list = field(default_factory=list)  # (pos_lo, pos_hi, x_lo, x_hi, count, max_rel)
    lost: int = 0
    zero_sign: int = 0  # inputs whose output is a zero of the wrong sign (the exact value's sign certified)
    zero_sign_unknown: bool = False  # some correctly rounded ±0 could not be signed (f's signs not certified)
    saturation: list = field(default_factory=list)  # (pos, k, n, summary) per value-ordered segment


def _values_numpy(kernel: Kernel, ref: Reference, fmt: FloatFormat, xs: np.ndarray):
    """(got bits, want bits, escalated, undefined mask or None) with numpy: the reference and the kernel."""
    y, b = ref.float64_with_bound(xs)
    rv = ref.rounded_from(fmt, xs, y, b)
    if kernel.own is not None:  # our own kernel: its float64 values, rounded once
        own = kernel.own
        got_bits = fmt.to_bits(own.adjust(fmt, xs, y if own is ref.impl else own.evaluate(xs)))
    else:
        got_bits = _foreign_bits(kernel, fmt, xs)
    return got_bits, fmt.to_bits(rv.values), rv.escalated, (rv.undefined if rv.undefined.any() else None), None


def _foreign_bits(kernel: Kernel, fmt: FloatFormat, xs: np.ndarray) -> np.ndarray:
    try:
        out = np.asarray(kernel.run(fmt.to_storage(xs)))
    except Exception as exc:  # noqa: BLE001 - a failing user kernel is reported in one line
        raise InputError(f"{kernel.label} raised {type(exc).__name__}: {exc}") from None
    if out.shape != xs.shape:
        raise InputError(f"{kernel.label} returned shape {out.shape} for input shape {xs.shape}")
    if out.dtype.kind not in "fiu":  # complex, strings, objects: never converted silently
        raise InputError(f"{kernel.label} returned values that are not real numbers (dtype {out.dtype})")
    return fmt.to_bits(np.asarray(out, dtype=np.float64))


def _values_compiled(kernel: Kernel, ref: Reference, fmt: FloatFormat, xs: np.ndarray):
    """As :func:`_values_numpy`, the per-input work after the float64 evaluation fused in one
    compiled pass (:mod:`.compiled`); the same values bit for bit."""
    from . import compiled
    from .reference import ABS_BOUND, REL_BOUND

    own = kernel.own
    y, m = _evaluate(ref.impl, xs, with_magnitude=True, reuse=True)
    yk = None if own is ref.impl else _evaluate(own, xs, reuse=True)[0]
    taylor = own.taylor if fmt.bits < 64 else None
    want_bits, got_bits, amb, cand = compiled.fused_round(fmt, xs, y, m, yk, taylor, REL_BOUND, ABS_BOUND,
                                                          reuse=True)
    undefined = None
    if amb.size:
        with np.errstate(all="ignore"):
            bnd = REL_BOUND * (np.abs(y[amb]) if m is None else m[amb]) + ABS_BOUND
        vals, und = ref.settle(fmt, xs[amb], y[amb], bnd, fmt.from_bits(want_bits[amb]))
        want_bits[amb] = fmt.to_bits(vals)
        if und.any():
            undefined = np.zeros(xs.shape, dtype=bool)
            undefined[amb] = und
    return got_bits, want_bits, int(amb.size), undefined, cand


def _evaluate(impl, xs: np.ndarray, with_magnitude: bool = False, reuse: bool = False):
    """(impl.evaluate(xs), impl.evaluate_magnitude(xs) or None), by the fused program of
    :mod:`.fastform` on large chunks (the same bits, NaN payloads aside); ``reuse``: in the
    program's scratch memory (:mod:`.buffers`: valid until this thread's next chunk)."""
    need_m = with_magnitude and impl.evaluate_magnitude is not None
    prog = fastform.program(impl, need_m) if xs.size >= fastform.MIN_SIZE else None
    if prog is not None:
        out = prog(xs, reuse=reuse)
        return out[0], (out[1] if need_m else None)
    return impl.evaluate(xs), (impl.evaluate_magnitude(xs) if need_m else None)


def use_compiled(kernel: Kernel, fmt: FloatFormat, compiled: bool | None = None) -> bool:
    """Whether a chunk goes through the compiled path: own kernels in 16/32-bit formats with numba
    available (``compiled=False`` forces numpy; ``True`` asks for it and fails without numba)."""
    from . import compiled as comp

    if compiled is False or kernel.own is None or fmt.name not in comp.KINDS:
        return False
    if compiled and not comp.available():
        raise InputError("the compiled audit path needs numba: pip install 'gelu-math[fast]'")
    return comp.available()


def _evaluate_chunk(kernel: Kernel, ref: Reference, fmt: FloatFormat, xs: np.ndarray, pos: np.ndarray,
                    rel_threshold: float, gap: int, compiled: bool | None = False, segments=None,
                    values=None) -> _Chunk:
    """One chunk: ``segments`` (exhaustive runs) lists the [lo, hi) index ranges of ``xs`` that are
    consecutive in value order, for the saturation thresholds; ``values`` (the device path,
    :class:`.gpu.DeviceValues`) replaces the kernel's and the reference's evaluation."""
    runs = saturation.lengths
    if values is not None:
        got_bits, want_bits, escalated, undefined, cand = values(fmt, xs)
    elif use_compiled(kernel, fmt, compiled):
        from .compiled import saturation_lengths as runs

        got_bits, want_bits, escalated, undefined, cand = _values_compiled(kernel, ref, fmt, xs)
    else:
        got_bits, want_bits, escalated, undefined, cand = _values_numpy(kernel, ref, fmt, xs)
    c = _Chunk()
    # the sign of a correctly rounded zero, from f's certified signs (the float64 stage gives gelu′(−40) +0)
    want_bits, signed, c.zero_sign_unknown = ref.signed_zeros(fmt, xs, want_bits)
    if signed is not None:
        zero = (got_bits & fmt.uint(fmt.sign_mask - 1)) == fmt.uint(0)
        c.zero_sign = int((signed & zero & ((got_bits ^ want_bits) != fmt.uint(0))).sum())
    if segments is not None:
        c.saturation = [(int(pos[lo]) if hi > lo else 0, k, hi - lo,
                         saturation.segment(fmt, xs[lo:hi], got_bits[lo:hi], runs))
                        for k, (lo, hi) in enumerate(segments)]
    if undefined is not None:
        keep = ~undefined
        xs, pos, got_bits, want_bits = xs[keep], pos[keep], got_bits[keep], want_bits[keep]
        c.undefined = int(undefined.sum())
        cand = None  # positions moved: compare everything
    c.n = int(xs.size)
    c.escalated = escalated
    if not c.n:
        return c
    # Only inputs whose bits differ need error measures (±0 count as equal): usually a few.
    mag = fmt.uint(fmt.sign_mask - 1)
    if cand is None:
        differ = (got_bits != want_bits) & (((got_bits | want_bits) & mag) != fmt.uint(0))
        idx = np.flatnonzero(differ)
    else:  # a superset of the differing inputs, in increasing order
        g, w = got_bits[cand], want_bits[cand]
        idx = cand[(g != w) & (((g | w) & mag) != fmt.uint(0))]
    c.hist[0] += c.n - idx.size
    if not idx.size:
        g0, w0 = float(fmt.from_bits(got_bits[:1])[0]), float(fmt.from_bits(want_bits[:1])[0])
        e = Extreme(0.0, float(xs[0]), g0, w0)  # equal up to the sign of zero
        c.best = {"abs": e, "rel": e, "ulp": e}
        return c
    xs, pos = xs[idx], pos[idx]
    got, want = fmt.from_bits(got_bits[idx]), fmt.from_bits(want_bits[idx])
    with np.errstate(all="ignore"):
        isnan = np.isnan(got)
        same = got == want  # equal infinities
        abs_err = np.where(same, 0.0, np.abs(got - want))
        abs_err[isnan] = np.inf
        # a finite result where the correctly rounded value overflows is infinitely far off
        # relatively (inf/inf would be NaN and drop out of every maximum)
        rel_err = np.where(same, 0.0, np.where(np.isinf(want), np.inf, abs_err / np.abs(want)))
    ulp = _ulp_distance(fmt.ordinal(got_bits[idx]), fmt.ordinal(want_bits[idx]))
    ulp[isnan] = -1
    bad_inf = np.isinf(got) & np.isfinite(want)
    c.nan = int((isnan & ~np.isnan(want)).sum())
    c.inf = int(bad_inf.sum())
    for i in np.flatnonzero(isnan | bad_inf)[:5]:
        c.examples.append(Extreme(float(abs_err[i]), float(xs[i]), float(got[i]), float(want[i])))
    finite_err = ~isnan
    for key, arr in (("abs", abs_err), ("rel", rel_err), ("ulp", ulp)):
        a = np.where(finite_err, arr, -1)
        i = int(np.argmax(a))
        if a[i] >= 0:
            c.best[key] = Extreme(float(arr[i]), float(xs[i]), float(got[i]), float(want[i]))
    hidx = np.searchsorted(np.asarray(ULP_EDGES), ulp[finite_err], side="right") - 1
    c.hist[: len(ULP_EDGES)] += np.bincount(hidx, minlength=len(ULP_EDGES))
    c.hist[-1] += int(isnan.sum())
    bad = (rel_err > rel_threshold) | isnan | bad_inf
    c.lost = int(bad.sum())
    if c.lost:
        order = np.argsort(pos[bad], kind="stable")
        bp, bx, br = pos[bad][order], xs[bad][order], rel_err[bad][order]
        cuts = np.flatnonzero(np.diff(bp) > gap + 1) + 1
        for seg_p, seg_x, seg_r in zip(np.split(bp, cuts), np.split(bx, cuts), np.split(br, cuts)):
            c.runs.append((int(seg_p[0]), int(seg_p[-1]), float(seg_x[0]), float(seg_x[-1]), int(seg_p.size),
                           float(np.max(seg_r))))
    return c


def _exact_float64(ref: Reference, xv: float) -> float | None:
    """f(xv) to float64 accuracy — the midpoint of an Arb ball whose radius is below 2^-60 of
    its magnitude (precision raised as needed) — or None when no such ball is found (f(xv) = 0
    exactly, or too much cancellation): shows where the exact value lies relative to the
    kernel's and the correctly rounded values."""
    saved = ctx.prec
    try:
        for prec in (128, 512, 2048, 8192):
            ctx.prec = prec
            b = ref.ball(arb(xv))
            if b.is_finite() and not b.contains(0) and b.rad() < abs(b.mid()) * arb(2) ** -60:
                return float(b.mid())
        return None
    finally:
        ctx.prec = saved


def _ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a − b| for ordinals as float64: exact below 2^53; ordinals of opposite sign are added
    as floats (float64 ordinals reach ±2^63, so their int64 difference would wrap)."""
    with np.errstate(over="ignore"):
        same_sign = (a >= 0) == (b >= 0)
        near = np.abs(np.where(same_sign, a - b, 0)).astype(np.float64)
    far = np.abs(a.astype(np.float64)) + np.abs(b.astype(np.float64))
    return np.where(same_sign, near, far)


def _merge(chunks, gap: int) -> _Chunk:
    total = _Chunk()
    for c in chunks:
        total.n += c.n
        total.escalated += c.escalated
        total.undefined += c.undefined
        total.hist += c.hist
        total.nan += c.nan
        total.inf += c.inf
        total.lost += c.lost
        total.zero_sign += c.zero_sign
        total.zero_sign_unknown |= c.zero_sign_unknown
        total.examples.extend(c.examples)
        total.runs.extend(c.runs)
        total.saturation.extend(c.saturation)
        for key, e in c.best.items():
            old = total.best.get(key)
            if old is None or e.error > old.error or (e.error == old.error and e.x < old.x):
                total.best[key] = e
    runs = sorted(total.runs)
    merged = []
    for r in runs:
        if merged and r[0] - merged[-1][1] <= gap + 1:
            p = merged[-1]
            merged[-1] = (p[0], max(p[1], r[1]), min(p[2], r[2]), max(p[3], r[3]), p[4] + r[4], max(p[5], r[5]))
        else:
            merged.append(r)
    total.runs = merged
    total.examples = sorted(total.examples, key=lambda e: e.x)[:5]
    return total


# --- inputs -------------------------------------------------------------------------------

def _ordinal_range(fmt: FloatFormat, domain) -> tuple[int, int]:
    lo, hi = domain
    m = fmt.max_ordinal
    if lo > hi:
        raise InputError(f"empty domain [{lo}, {hi}]")

    def ordinal_at(v, up):
        if abs(v) > fmt.max_value:  # beyond ±max: the first/last finite value inside, if any
            return (m + 1 if v > 0 else -m) if up else (m if v > 0 else -m - 1)
        o = int(fmt.ordinal(fmt.to_bits(np.array([v])))[0])
        w = float(fmt.from_bits(fmt.bits_of_ordinal(np.array([o])))[0])
        if up and w < v:
            o += 1
        if not up and w > v:
            o -= 1
        return max(-m, min(m, o))

    olo, ohi = ordinal_at(lo, True), ordinal_at(hi, False)
    if olo > ohi:
        raise InputError(f"domain [{lo}, {hi}] contains no {fmt.name} value")
    return olo, ohi


def _inputs(fmt: FloatFormat, ordinals: np.ndarray, with_negative_zero: bool):
    bits = fmt.bits_of_ordinal(ordinals)
    xs = fmt.from_bits(bits)
    pos = ordinals
    if with_negative_zero:
        xs = np.append(xs, -0.0)
        pos = np.append(pos, 0)
    return xs, pos


class _Positions:
    """The positions (ordinals) of a range chunk start..start+n-1 (then −0 at index n, position 0),
    computed when indexed instead of held as an array."""

    def __init__(self, start: int, n: int):
        self.start, self.n = start, n

    def __getitem__(self, k):
        if isinstance(k, (int, np.integer)):
            return 0 if k == self.n else self.start + int(k)
        k = np.asarray(k)
        if k.dtype == bool:
            k = np.flatnonzero(k)
        return np.where(k == self.n, 0, self.start + k.astype(np.int64))


def _range_inputs(fmt: FloatFormat, start: int, stop: int, compiled: bool):
    """Inputs of the ordinals start..stop-1 (−0 appended when 0 is among them), their positions,
    and the value-ordered segments of the array (−0 comes just before +0)."""
    with_zero = start <= 0 < stop
    if compiled:
        from .compiled import float_inputs

        n = stop - start
        xs = float_inputs(fmt, start, stop, extra=int(with_zero), reuse=True)
        pos = _Positions(start, n)
        if with_zero:
            xs[n] = -0.0
    else:
        xs, pos = _inputs(fmt, np.arange(start, stop, dtype=np.int64), with_zero)
    n = stop - start
    segments = [(0, -start), (n, n + 1), (-start, n)] if with_zero else [(0, n)]
    return xs, pos, segments


# --- workers ------------------------------------------------------------------------------

_STATE: dict = {}


def _work(task):
    start, stop = task
    s = _STATE
    fmt, kernel = s["fmt"], s["kernel"]
    values = s.get("values")
    compiled = use_compiled(kernel, fmt, s["compiled"]) and values is None
    buffers.reset()  # a new chunk: this thread's scratch arrays of the last one may be overwritten
    xs, pos, segments = _range_inputs(fmt, start, stop, compiled)
    return stop - start, _evaluate_chunk(kernel, s["ref"], fmt, xs, pos, s["thr"], s["gap"], compiled, segments,
                                         values)


def impls_spec(spec):
    """(module, attr) of a ``module:attr`` IMPL string, else None."""
    if isinstance(spec, str) and spec.count(":") == 1:
        return tuple(spec.split(":"))
    return None


def _init_worker(spec: dict) -> None:
    """Worker set-up on a cluster: the kernel and the reference rebuilt from their specification."""
    fmt = get_format(spec["dtype"])
    kernel = resolve(spec["impl"], fmt, spec["derivative"], spec["params"])
    ref = Reference(spec["reference"], spec["derivative"], spec["ref_params"])
    _STATE.clear()
    _STATE.update(fmt=fmt, kernel=kernel, ref=ref, thr=spec["thr"], gap=spec["gap"], compiled=spec["compiled"])


def _progress(done: int, total: int, t0: float) -> None:
    frac = done / total if total else 1.0
    el = time.perf_counter() - t0
    eta = el / frac - el if frac > 0 else 0.0
    bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
    sys.stderr.write(f"\r[{bar}] {100 * frac:5.1f}%  {done:,}/{total:,} inputs  {el:6.1f} s  eta {eta:6.1f} s")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def audit(impl: str, dtype: str, reference: str | None = None, *, derivative: int = 0,
          exhaustive: bool | None = None, samples: int | None = None, seed: int = 0,
          domain: tuple[float, float] | None = None, rel_threshold: float | None = None, gap: int | None = None,
          workers: int | None = None, progress: bool = False, stride: int = 1, params=None,
          ref_params=None, compiled: bool | None = None, cluster: str | None = None,
          chunk: int = CHUNK, device: str | None = None, device_values=None) -> AuditResult:
    """Audit kernel ``impl`` in ``dtype`` against the correctly rounded ``reference``.

    The reference defaults to GELU for its approximations and for foreign kernels, else to the
    own implementation's function (:func:`~.impls.default_reference`).  ``params`` sets the
    parameters of an own implementation; ``ref_params`` those of the reference, and defaults to
    ``params`` when the reference is the same function (``audit("elu", "float16",
    params={"alpha": "1/2"})`` compares ELU(α = 1/2) with itself).

    Default mode: exhaustive for float16/bfloat16, sampled (``DEFAULT_SAMPLES``) otherwise;
    ``exhaustive=True`` for float32 runs all 2^32 patterns over ``workers`` processes;
    ``stride=k`` evaluates only every k-th chunk of them (mode "slice 1/k", for benchmarks).
    ``compiled``: None uses the compiled path (:mod:`.compiled`, numba) for own kernels when numba
    is installed, False the numpy path, True requires numba; both give the same result.
    ``cluster``: a Dask scheduler address; the exhaustive chunks run on that cluster
    (:func:`gelu_math.cluster.executor`), with the same result as a local run.  ``chunk``: inputs
    per task of an exhaustive run (a power of two; the result does not depend on it).
    ``device`` (``torch:gelu``/``torch:gelu_tanh`` only): run the kernel and the float64 reference
    on that torch device (:mod:`.gpu`), in this process; ``device_values`` injects such a
    per-chunk evaluator directly (tests: :class:`.gpu.DeviceValues` on numpy).
    Example: ``audit("gelu", "float16").max_ulp.error == 0``.
    """
    fmt = get_format(dtype)
    if exhaustive and samples is not None:
        raise InputError("choose either exhaustive or samples, not both")
    if exhaustive is None:
        exhaustive = samples is None and fmt.bits == 16
    if exhaustive and fmt.bits == 64:
        raise InputError("float64 cannot be audited exhaustively; use samples")
    if samples is not None and (not isinstance(samples, int) or samples < 1 or samples > 10 ** 8):
        raise InputError(f"samples must be an integer in 1..10^8, got {samples!r}")
    if domain is None:
        domain = (-fmt.max_value, fmt.max_value)
    lo, hi = (float(domain[0]), float(domain[1]))
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise InputError("domain bounds must be finite numbers")
    thr = max(2.0 ** -10, 4 * fmt.eps) if rel_threshold is None else float(rel_threshold)
    if not thr > 0:
        raise InputError("rel_threshold must be positive")
    kernel = resolve(impl, fmt, derivative, params)
    if reference is None:
        reference = default_reference(impl)
    if ref_params is None and kernel.own is not None and kernel.own.name == activation(reference).name:
        ref_params = params
    ref = Reference(reference, derivative, ref_params)
    olo, ohi = _ordinal_range(fmt, (lo, hi))
    if not exhaustive and samples is not None and fmt.bits <= 32 and samples >= ohi - olo + 1:
        # as many samples as the domain has values (or more): a sample with replacement would count
        # duplicates ("1,000 inputs" in [1, 1]); every value is audited instead, and the mode says so
        exhaustive = True
    t0 = time.perf_counter()
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1 or chunk & (chunk - 1):
        raise InputError(f"chunk must be a power of two, got {chunk!r}")
    if use_compiled(kernel, fmt, compiled) and exhaustive and chunk >= fastform.MIN_SIZE:  # (True without numba: refused here)
        fastform.program(ref.impl), fastform.program(kernel.own, kernel.own is ref.impl)  # compiled before workers fork
    if device is not None:
        from . import gpu

        m = impls_spec(impl)
        if m is None or m[0] != "torch" or m[1] not in ("gelu", "gelu_tanh"):
            raise InputError("--device audits torch:gelu or torch:gelu_tanh")
        am = gpu.TorchModule(device)
        device_values = gpu.DeviceValues(gpu.torch_kernel(m[1], fmt, am, derivative), ref, am)
    if device_values is not None:
        if cluster is not None:
            raise InputError("choose either a device or a cluster, not both")
        workers = 1
    try:
        if exhaustive:
            gap = 16 if gap is None else gap
            tasks = [(s, min(s + chunk, ohi + 1)) for s in range(olo, ohi + 1, chunk)][::stride]
            total_inputs = sum(b - a for a, b in tasks)
            _STATE.update(fmt=fmt, kernel=kernel, ref=ref, thr=thr, gap=gap, compiled=compiled, values=device_values)
            workers = workers or os.cpu_count() or 1
            chunks = []
            done = [0]

            def tick(result):
                done[0] += result[0]
                if progress:
                    _progress(done[0], total_inputs, t0)

            if cluster is None and (len(tasks) == 1 or workers == 1):
                for t in tasks:
                    result = _work(t)
                    chunks.append(result[1])
                    tick(result)
            else:
                from ..cluster import executor

                if cluster is None:  # forked workers inherit _STATE (kernels given as callables included)
                    opts = {"mp_context": mp.get_context("fork")}
                else:
                    if not isinstance(impl, str):
                        raise InputError("a cluster audit needs IMPL as a name or module:function, not a Python object")
                    spec = dict(impl=impl, dtype=fmt.name, reference=reference, derivative=derivative,
                                params=params, ref_params=ref_params, thr=thr, gap=gap, compiled=compiled)
                    opts = {"initializer": _init_worker, "initargs": (spec,)}
                with executor(cluster, workers, **opts) as ex:
                    chunks = [c for _, c in ex.map(_work, tasks, on_result=tick)]
            mode, used_seed = ("exhaustive" if stride == 1 else f"slice 1/{stride}"), None
        else:
            gap = 2 if gap is None else gap
            n = DEFAULT_SAMPLES[fmt.name] if samples is None else samples
            rng = np.random.default_rng(seed)
            ords = np.sort(rng.integers(olo, ohi + 1, size=n, dtype=np.int64))
            chunks = []
            for s in range(0, n, CHUNK):
                part = ords[s: s + CHUNK]
                xs, _ = _inputs(fmt, part, False)
                buffers.reset()
                chunks.append(_evaluate_chunk(kernel, ref, fmt, xs, np.arange(s, s + part.size), thr, gap, compiled,
                                              values=device_values))
                if progress:
                    _progress(min(s + CHUNK, n), n, t0)
            mode, used_seed = "sampled", seed
    finally:
        buffers.release()  # this thread's chunk scratch memory (forked workers drop theirs on exit)
    tot = _merge(chunks, gap)
    sat = None
    if mode == "exhaustive":
        sat = saturation.merge(fmt, [(n, summary) for _, _, n, summary in sorted(tot.saturation, key=lambda t: t[:2])])
    for key, e in tot.best.items():
        if e.error != 0:  # where the kernel is off: show the exact value between got and want
            tot.best[key] = dataclasses.replace(e, exact=_exact_float64(ref, e.x))
    labels = _bucket_labels()
    regions = sorted(tot.runs, key=lambda r: (-r[4], r[2]))[:MAX_REGIONS]
    regions = tuple(Region(r[2], r[3], r[4], r[5]) for r in sorted(regions, key=lambda r: r[2]))
    return AuditResult(
        impl=kernel.label, reference=ref.label, dtype=fmt.name, mode=mode, seed=used_seed, domain=(lo, hi),
        inputs=tot.n, escalated=tot.escalated, undefined=tot.undefined,
        max_abs=tot.best.get("abs"), max_rel=tot.best.get("rel"), max_ulp=tot.best.get("ulp"),
        histogram=tuple((lab, int(cnt)) for lab, cnt in zip(labels, tot.hist) if cnt),
        nan_outputs=tot.nan, inf_outputs=tot.inf, nonfinite_examples=tuple(tot.examples),
        rel_threshold=thr, regions=regions, regions_total=len(tot.runs), lost_inputs=tot.lost, saturation=sat,
        zero_sign_mismatches=None if tot.zero_sign_unknown else tot.zero_sign, seconds=time.perf_counter() - t0)
