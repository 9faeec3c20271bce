"""The fused evaluator of the compiled audit path (audit/fastform.py) computes the same float64
values as the numpy code sympy.lambdify generated (FloatImpl.evaluate), bit for bit, for every
own kernel (issue 20 item 1).  The reference is FloatImpl.evaluate itself: the claim under test
is equality with it, on every float16 and bfloat16 value and a float32 sample."""

import numpy as np
import pytest
from numpy import copysign, exp, less, mean, nan, select

from gelu_math.audit import audit, compiled, fastform
from gelu_math.definitions import registry
from gelu_math.floats import implementation

needs_numba = pytest.mark.skipif(not compiled.available(), reason="numba not installed (the fast extra)")


def _inputs():
    with np.errstate(invalid="ignore"):
        f16 = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float64)
        bf16 = (np.arange(1 << 16, dtype=np.uint32) << 16).view(np.float32).astype(np.float64)
        f32 = np.random.default_rng(7).integers(0, 1 << 32, size=1 << 18, dtype=np.uint64).astype(np.uint32)
        f32 = f32.view(np.float32).astype(np.float64)
    edge = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1e308, -1e308, 2.0 ** -40, -(2.0 ** -40)]
    return np.concatenate([f16, bf16, f32, edge])


XS = _inputs()


def _same(a, b) -> bool:
    """Bit-identical, except that NaNs may differ in sign and payload (which NaN operand a
    multiplication propagates is not fixed; the audit only asks whether a value is NaN)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    nan = np.isnan(a) & np.isnan(b)
    return a.shape == b.shape and bool(np.all((a.view(np.uint64) == b.view(np.uint64)) | nan))


@needs_numba
@pytest.mark.parametrize("derivative", [0, 1])
@pytest.mark.parametrize("name", registry.names())
def test_every_own_kernel_bit_identical(name, derivative):
    impl = implementation(name, derivative)
    prog = fastform.program(impl)
    assert prog is not None, "every own kernel's generated code is read"  # else the audit would be slow, not wrong
    out = prog(XS)
    assert _same(out[0], impl.evaluate(XS))
    if impl.evaluate_magnitude is None:
        assert len(out) == 1
    else:
        assert len(out) == 2 and _same(out[1], impl.evaluate_magnitude(XS))


@needs_numba
def test_nondefault_parameters_and_shared_calls():
    impl = implementation("elu", 0, {"alpha": "1/3"})
    assert _same(fastform.program(impl)(XS)[0], impl.evaluate(XS))
    # gelu_tanh': x**3 and the sigmoid of the same argument are computed once each, for the form and
    # its magnitude form together
    prog = fastform.program(implementation("gelu_tanh", 1))
    assert len(prog.calls) == 3  # x**3, Sigmoid(t), Sigmoid(-t)


def _mod(x):
    return x % 2


def _bool_times(x):
    return less(x, 0) * x  # numpy: bool·float; refused rather than guessed


def _two_statements(x):
    y = x + 1
    return y


def _plain(x):
    return select([less(x, 0), True], [exp(x) - 1, (1 / 2) * x ** 2 + abs(x) ** 3], default=nan)


def _int_select(x):
    return select([less(x, 0)], [2 ** 32], default=0) ** 2  # numpy: int64 (wraps); refused


def _float_condition(x):
    return select([x, True], [x, 1.0], default=nan)  # numpy refuses a float condition


def _reduction(x):
    return x - mean(x, keepdims=True)  # not elementwise: refused by the probe


def _signed_zeros(x):
    # from an independent review: +0.0 and -0.0 are equal numbers but different constants
    return copysign(1.0, x + 0.0) - copysign(1.0, x + -0.0)


@needs_numba
@pytest.mark.parametrize("fn", [_mod, _bool_times, _two_statements, _int_select, _float_condition, _reduction])
def test_unknown_constructs_are_not_fused(fn):
    with pytest.raises(fastform._Unsupported):
        fastform.Program([fastform._Reader(fn).root])


@needs_numba
def test_reader_on_plain_code():
    prog = fastform.Program([fastform._Reader(_plain).root])
    assert len(prog.calls) == 2  # exp(x) and abs(x)**3 stay numpy calls; the rest is one loop
    with np.errstate(all="ignore"):
        assert _same(prog(XS)[0], _plain(XS))


@needs_numba
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name,derivative", [("gelu_tanh", 1), ("mish", 1), ("selu", 0), ("softsign", 1)])
def test_exhaustive_16bit_audit_same_with_fused_evaluation(name, derivative, dtype, monkeypatch):
    # 16-bit runs have fewer inputs than MIN_SIZE: lower it so that the fused program evaluates them
    a = audit(name, dtype, derivative=derivative, compiled=False)
    monkeypatch.setattr(fastform, "MIN_SIZE", 1)
    b = audit(name, dtype, derivative=derivative, compiled=True)
    assert a == b


@needs_numba
def test_float32_chunks_same_with_fused_evaluation():
    # chunks of 2^16 inputs (the fused size) around a rounding-boundary-rich range and near 0
    for name, d, domain in (("gelu_tanh", 1, (0.75, 0.7508)), ("hardswish", 0, (-1e-38, 1e-38)),
                            ("logsigmoid", 0, (-90.0, -89.9))):
        kw = dict(derivative=d, exhaustive=True, domain=domain, workers=1, chunk=1 << 16)
        assert audit(name, "float32", compiled=False, **kw) == audit(name, "float32", compiled=True, **kw)


@needs_numba
def test_signed_zero_constants_are_different_nodes():
    prog = fastform.Program([fastform._Reader(_signed_zeros).root])
    assert len(prog.calls) == 2
    xs = np.array([-0.0, 0.0, 1.0, -1.0])
    assert _same(prog(xs)[0], _signed_zeros(xs))
    assert prog(xs)[0][0] == 2.0  # copysign(1, -0 + 0) = 1, copysign(1, -0 + -0) = -1


@needs_numba
def test_kernel_other_than_its_reference_with_fused_evaluation():
    # gelu_tanh' against the correctly rounded gelu': two programs, the kernel's without its magnitude
    kw = dict(derivative=1, exhaustive=True, domain=(-3.0, -2.99), workers=1, chunk=1 << 16)
    assert audit("gelu_tanh", "float32", "gelu", compiled=False, **kw) == audit("gelu_tanh", "float32", "gelu",
                                                                                 compiled=True, **kw)
    impl = implementation("gelu_tanh", 1)
    assert len(fastform.program(impl, magnitude=False)(XS)) == 1
