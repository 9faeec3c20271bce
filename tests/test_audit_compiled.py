"""The compiled (numba) audit path agrees with the numpy path bit for bit (issue 20 item 1)."""

import dataclasses

import numpy as np
import pytest
import sympy as sp

from gelu_math.audit import audit, compiled
from gelu_math.audit.engine import use_compiled
from gelu_math.audit.impls import resolve
from gelu_math.errors import InputError
from gelu_math.floats import FORMATS

needs_numba = pytest.mark.skipif(not compiled.available(), reason="numba not installed (the fast extra)")

CASES = [("gelu", 0), ("gelu", 1), ("gelu_tanh", 0), ("hardswish", 1), ("silu", 1), ("elu", 0)]


@needs_numba
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name,derivative", CASES)
def test_exhaustive_16bit_same_result(name, derivative, dtype):
    a = audit(name, dtype, derivative=derivative, compiled=False)
    b = audit(name, dtype, derivative=derivative, compiled=True)
    assert a == b
    assert a.saturation is not None and a.inputs == {"float16": 63488, "bfloat16": 65280}[dtype]


@needs_numba
@pytest.mark.parametrize("name,derivative,dtype", [("gelu", 0, "float16"), ("gelu", 1, "bfloat16"),
                                                   ("gelu", 1, "float32"), ("hardswish", 0, "float32"),
                                                   ("silu", 0, "float32")])
def test_sampled_same_result(name, derivative, dtype):
    kw = dict(derivative=derivative, samples=40_000, seed=3)
    assert audit(name, dtype, compiled=False, **kw) == audit(name, dtype, compiled=True, **kw)


@needs_numba
@pytest.mark.parametrize("domain", [(-1e-44, 1e-44), (-2.0 ** -40, -2.0 ** -40 * 0.999), (0.75, 0.7501),
                                    (-3.4e38, -3.39e38)])
def test_exhaustive_float32_same_result(domain):
    # -0 and the subnormals (Taylor adjustment near 0), a rounding-boundary-rich range, overflow region
    for name, d in (("gelu", 0), ("hardswish", 0), ("gelu_tanh", 1)):
        kw = dict(derivative=d, exhaustive=True, domain=domain, workers=1, chunk=1 << 10)
        a = audit(name, "float32", compiled=False, **kw)
        assert a == audit(name, "float32", compiled=True, **kw)
        assert a == audit(name, "float32", compiled=False, derivative=d, exhaustive=True, domain=domain, workers=1)


@needs_numba
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_inputs_and_rounding_match_numpy(dtype):
    fmt = FORMATS[dtype]
    m = fmt.max_ordinal
    for start, stop in ((-m, m + 1), (-5, 7)) if fmt.bits == 16 else ((-m, -m + 4096), (-4096, 4096), (m - 9, m + 1)):
        o = np.arange(start, stop, dtype=np.int64)
        assert np.array_equal(compiled.float_inputs(fmt, start, stop).view(np.uint64),
                              fmt.from_bits(fmt.bits_of_ordinal(o)).view(np.uint64))
    # rounding of float64 values: format values, exact ties (midpoints), near-ties, overflow edge,
    # subnormals, zeros, infinities, NaN
    rng = np.random.default_rng(1)
    o = rng.integers(-m, m + 1, size=20_000)
    v = fmt.from_bits(fmt.bits_of_ordinal(o))
    w = fmt.from_bits(fmt.bits_of_ordinal(np.clip(o + 1, -m, m)))
    mid = (v + w) / 2
    ys = np.concatenate([v, mid, np.nextafter(mid, np.inf), np.nextafter(mid, -np.inf), rng.normal(size=2000),
                         rng.normal(size=2000) * 1e-40, [fmt.max_value * (1 + fmt.eps / 2), -fmt.max_value * 1.0000001,
                                                         0.0, -0.0, np.inf, -np.inf, 1e300, -1e-300]])
    y = np.ascontiguousarray(ys)
    want, got, amb, _ = compiled.fused_round(fmt, y, y, None, None, None, 0.0, 0.0)
    expect = fmt.to_bits(y)
    assert np.array_equal(want, expect) and np.array_equal(got, expect)
    assert np.array_equal(amb, np.flatnonzero(~np.isfinite(y)))  # zero bound: only the infinities
    # ambiguity with the reference's bound, as Reference.rounded_from decides it
    for rel in (2.0 ** -40, 2.0 ** -12):
        b = rel * np.abs(y) + 2.0 ** -1060
        mag = fmt.uint(fmt.sign_mask - 1)
        with np.errstate(all="ignore"):
            lo, hi = fmt.to_bits(y - b), fmt.to_bits(y + b)
            expect_amb = np.flatnonzero(((lo != hi) & (((lo | hi) & mag) != 0)) | ~np.isfinite(y + b))
        assert np.array_equal(compiled.fused_round(fmt, y, y, None, None, None, rel, 2.0 ** -1060)[2], expect_amb)
    nan_bits = compiled.fused_round(fmt, np.array([np.nan]), np.array([np.nan]), None, None, None, 0.0, 0.0)[0]
    assert (int(nan_bits[0]) & (fmt.sign_mask - 1)) > fmt.max_bits + 1  # still a NaN


def test_numpy_path_without_numba(monkeypatch):
    kernel = resolve("gelu", FORMATS["float16"])
    monkeypatch.setattr(compiled, "_numba", lambda: None)
    assert not compiled.available()
    assert not use_compiled(kernel, FORMATS["float16"])
    with pytest.raises(InputError, match="numba"):
        audit("gelu", "float16", compiled=True)
    r = audit("gelu", "float16", domain=(1, 2))  # default: the numpy path, no error
    assert r.inputs == 1025 and r.max_ulp.error == 0


def test_foreign_kernels_keep_the_numpy_path():
    kernel = resolve("numpy:negative", FORMATS["float16"])
    assert not use_compiled(kernel, FORMATS["float16"], None)
    assert not use_compiled(resolve("gelu", FORMATS["float64"]), FORMATS["float64"], None)


# --- the device path (issue 20 item 6), with numpy as the device's array library ---------------

@pytest.mark.parametrize("dtype,kw", [("float32", dict(samples=20_000)), ("float32", dict(exhaustive=True,
                                      domain=(-6, -5.9), chunk=1 << 16)), ("bfloat16", {})])
def test_device_path_agrees_with_the_cpu_path(dtype, kw):
    from gelu_math.audit.gpu import DeviceValues, NumpyModule
    from gelu_math.audit.reference import Reference
    from gelu_math.floats import implementation

    fmt = FORMATS[dtype]
    kernel = implementation("gelu_tanh").kernel(fmt)  # a "device" kernel: its outputs are values of fmt

    def on_device(xd):
        return np.asarray(kernel(fmt.to_storage(xd)), dtype=np.float64)

    def gelu_tanh_kernel(a):
        return kernel(a)

    dv = DeviceValues(on_device, Reference("gelu"), NumpyModule())
    assert audit(gelu_tanh_kernel, dtype, device_values=dv, **kw) == audit(gelu_tanh_kernel, dtype, **kw)


def test_device_path_refusals():
    from gelu_math.audit.gpu import NumpyModule, device_form

    with pytest.raises(InputError, match="smooth forms only"):
        device_form(implementation_form("relu"), NumpyModule())
    with pytest.raises(InputError, match="torch:gelu"):
        audit("gelu", "float32", samples=10, device="cuda")


def implementation_form(name):
    from gelu_math.floats import implementation

    return implementation(name).form


def test_device_functions_take_the_forms_constants():
    # torch's functions refuse Python numbers (torch.sqrt(2): TypeError), and lambdify leaves the form's
    # constants as calls: on a fake device whose functions take arrays only, the form of GELU
    # (x/2·erfc(−x/√2)) must give numpy's values bit for bit (found with torch installed: the device
    # path failed on every reference before the constants went to the host's functions)
    from gelu_math.audit.gpu import NumpyModule, device_form, scalar_safe

    def arrays_only(f):
        def g(v):
            if not isinstance(v, np.ndarray):
                raise TypeError(f"argument must be an array, not {type(v).__name__}")
            return f(v)
        return g

    class FakeDevice(NumpyModule):
        def functions(self):
            host = NumpyModule.functions(self)
            return scalar_safe({k: arrays_only(f) for k, f in host.items()}, host,
                               lambda v: isinstance(v, np.ndarray))

    class BareDevice(NumpyModule):  # what TorchModule was: the device's functions only
        def functions(self):
            return {k: arrays_only(f) for k, f in NumpyModule.functions(self).items()}

    xs = np.linspace(-9.0, 9.0, 2001)
    for name in ("gelu", "gelu_tanh", "silu", "mish"):
        form = implementation_form(name)
        if form.has(sp.sqrt(2)):  # gelu's erfc(−√2x/2), the tanh form's √(2/π)
            with pytest.raises(TypeError):
                device_form(form, BareDevice())(xs)
        got = device_form(form, FakeDevice())(xs)
        assert np.array_equal(got, device_form(form, NumpyModule())(xs)), name


def test_torch_device_cpu_matches_the_cpu_audit():
    pytest.importorskip("torch")
    kw = dict(samples=20_000, domain=(-20, 20))
    dev = audit("torch:gelu", "float32", device="cpu", **kw)
    cpu = audit("torch:gelu", "float32", **kw)
    # torch's float64 erfc may differ from scipy's in last bits: the escalations may differ, the
    # correctly rounded values (so every error measure) may not
    assert dataclasses.replace(dev, escalated=0) == dataclasses.replace(cpu, escalated=0)


@needs_numba
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_saturation_lengths_match_numpy(dtype):
    from gelu_math.audit import saturation

    fmt = FORMATS[dtype]
    rng = np.random.default_rng(5)
    tiny = fmt.from_bits(fmt.bits_of_ordinal(np.arange(1, 4)))  # subnormals: flushed under FTZ
    xs = np.sort(fmt.from_bits(fmt.bits_of_ordinal(rng.integers(-fmt.max_ordinal, fmt.max_ordinal + 1, 300))))
    nan = fmt.to_bits(np.array([np.nan]))
    cases = []
    for body in (np.zeros(300), xs, np.full(300, 1.0), np.full(300, -0.0)):
        got = fmt.to_bits(body)
        for head, tail in ((0, 0), (3, 0), (0, 5), (2, 2)):
            g = got.copy()
            g[:head] = fmt.to_bits(np.resize(tiny, head))  # subnormal outputs before the run
            g[len(g) - tail:] = fmt.to_bits(-np.resize(tiny, tail))
            cases.append(g)
        g = got.copy()
        g[0] = g[-1] = nan[0]  # a NaN at the ends is never constant
        cases.append(g)
    for g in cases:
        assert compiled.saturation_lengths(fmt, xs, g) == saturation.lengths(fmt, xs, g)
    one = np.array([1.0])
    assert compiled.saturation_lengths(fmt, one, fmt.to_bits(one)) == saturation.lengths(fmt, one, fmt.to_bits(one))


@needs_numba
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_saturation_lengths_match_numpy_on_random_runs(dtype):
    # The compiled scan tests all six (class, FTZ) runs in one pass per end and takes a run that
    # reaches the far end as the whole chunk; the numpy scan (saturation.lengths) tests each run on
    # its own.  Outputs built from random blocks — the input itself (identity), ±0, subnormals of
    # either sign (zero only under FTZ), a constant, NaN, other values — in random order and lengths.
    from gelu_math.audit import saturation

    fmt = FORMATS[dtype]
    rng = np.random.default_rng(11)
    tiny = fmt.from_bits(fmt.bits_of_ordinal(np.arange(1, 6)))
    for trial in range(400):
        # float32 chunks skip whole blocks of _jit._BLOCK inputs in which every live run goes on
        n = int(rng.integers(1, 90)) if trial % 2 or dtype != "float32" else int(rng.integers(200, 2000))
        lo = int(rng.integers(-fmt.max_ordinal, fmt.max_ordinal - n))
        if trial % 4 == 0:  # around 0: −0, +0 and subnormal inputs (a run may start or end at ±0)
            lo = (0, -n + 1, int(rng.integers(-n, 1)))[trial // 4 % 3]
        xs = fmt.from_bits(fmt.bits_of_ordinal(np.arange(lo, lo + n)))
        if lo <= 0 < lo + n:  # −0 just before +0, as in an exhaustive run
            xs = np.concatenate([xs[:-lo], [-0.0], xs[-lo:]])
            n += 1
        got = np.empty(n, dtype=np.float64)
        i = 0
        while i < n:
            k = int(rng.integers(1, n + 1)) if trial % 3 else int(rng.integers(1, 8))
            kind = int(rng.integers(0, 7))
            sl = slice(i, min(n, i + k))
            m = len(got[sl])
            got[sl] = (xs[sl], 0.0, -0.0, rng.choice(np.concatenate([tiny, -tiny]), size=m), np.nan,
                       rng.choice([1.0, -2.5, 3.0], size=m),
                       np.copysign(rng.choice(tiny, size=m), xs[sl]))[kind]  # FTZ: ±0 at x = ±0
            i += k
        g = fmt.to_bits(got)
        assert compiled.saturation_lengths(fmt, xs, g) == saturation.lengths(fmt, xs, g), (trial, list(got))
    # identity across the smallest normal, on both sides of 0: under FTZ the run from the normal end
    # stops at the subnormals, inside a block of float32 inputs
    normal = 1 << (fmt.precision - 1)
    for lo in (normal - 300, normal - 1, -normal - 700):
        xs = fmt.from_bits(fmt.bits_of_ordinal(np.arange(lo, lo + 1000)))
        for got in (xs, np.where(np.abs(xs) < fmt.from_bits(fmt.bits_of_ordinal(np.array([normal])))[0], -0.0, xs)):
            g = fmt.to_bits(got)
            assert compiled.saturation_lengths(fmt, xs, g) == saturation.lengths(fmt, xs, g), lo


@needs_numba
@pytest.mark.parametrize("name,derivative,domain", [
    ("gelu", 0, (-1e-40, 1e-40)),  # −0, subnormals, the Taylor rule; an odd-sized chunk with −0
    ("gelu_tanh", 1, (0.5, 0.51)),  # many rounding boundaries; the last chunk ends off a multiple of 8
    ("hardswish", 0, (-3.02, -2.98)),  # exact rational ties near −3 (the exact path)
])
def test_exhaustive_float32_chunks_above_the_fused_size_same_result(name, derivative, domain):
    # chunks of 2^16 inputs (fastform.MIN_SIZE): the fused programs, the scratch memory reused from
    # chunk to chunk and the flag scan run; the numpy path allocates everything afresh
    from gelu_math.audit import fastform

    kw = dict(derivative=derivative, exhaustive=True, domain=domain, workers=1, chunk=fastform.MIN_SIZE)
    a = audit(name, "float32", compiled=False, **kw)
    assert a.inputs > 2 * fastform.MIN_SIZE
    assert a == audit(name, "float32", compiled=True, **kw)


@needs_numba
def test_fused_program_reuse_gives_the_same_bits_in_the_same_memory():
    from gelu_math.audit import fastform
    from gelu_math.floats import implementation

    from gelu_math.audit import buffers

    impl = implementation("gelu_tanh", 1)
    prog = fastform.program(impl)
    rng = np.random.default_rng(11)
    first = None
    for _ in range(3):
        xs = rng.uniform(-12, 12, fastform.MIN_SIZE)
        want = [impl.evaluate(xs)] + ([impl.evaluate_magnitude(xs)] if impl.evaluate_magnitude else [])
        buffers.reset()  # a new chunk
        got = prog(xs, reuse=True)
        assert all(np.array_equal(g.view(np.uint64), w.view(np.uint64)) for g, w in zip(got, want))
        if first is None:
            first = got[0]
        assert np.shares_memory(got[0], first)  # reused, not reallocated
    assert not np.shares_memory(prog(xs)[0], first)  # without reuse: a fresh array


def test_scratch_buffers_are_per_thread_slots_reused_after_reset():
    import threading

    from gelu_math.audit import buffers

    buffers.release()  # a fresh arena for this thread
    a = buffers.take(10, np.float64)
    b = buffers.take(10, np.float64)
    assert not np.shares_memory(a, b)  # two arrays of one chunk never alias
    buffers.reset()
    assert np.shares_memory(a, buffers.take(5, np.float32))  # the next chunk reuses slot 0, any dtype
    big = buffers.take(1000, np.float64)
    assert big.size == 1000 and big.flags.aligned  # slot 1 grown
    buffers.reset()
    held = [buffers.take(1, np.uint8) for _ in range(2)]  # what one thread holds: one chunk's slots
    assert len(buffers._ARENA.slots) == 2 and held[1].base is not None
    other = []

    def in_thread():
        buffers.reset()
        other.append(buffers.take(10, np.float64))

    t = threading.Thread(target=in_thread)
    t.start()
    t.join()
    assert not np.shares_memory(other[0], a)  # another thread: another arena
    buffers.release()
    assert buffers._ARENA.slots == []


@needs_numba
def test_chunks_of_several_kernels_hold_one_chunk_of_scratch_memory():
    # the arena is per chunk, not per kernel (a Dask worker thread auditing every kernel keeps one
    # chunk's arrays), and an audit releases it at its end
    from gelu_math.audit import buffers, engine, fastform
    from gelu_math.audit.reference import Reference

    fmt = FORMATS["float32"]
    start = int(fmt.ordinal(fmt.to_bits(np.array([0.5])))[0])
    slots = []
    for name in ("gelu", "mish", "gelu"):
        engine._STATE.update(fmt=fmt, kernel=resolve(name, fmt), ref=Reference(name), thr=1e-3, gap=16,
                             compiled=True, values=None)
        engine._work((start, start + fastform.MIN_SIZE))
        slots.append(len(buffers._ARENA.slots))
    assert slots[2] == slots[1] >= slots[0] > 0  # mish's chunk reused gelu's slots; gelu again added none
    audit("gelu", "float32", exhaustive=True, domain=(0.5, 0.5001), workers=1, chunk=fastform.MIN_SIZE)
    assert buffers._ARENA.slots == []
