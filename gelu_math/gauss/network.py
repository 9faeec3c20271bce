"""A deep MLP at initialisation, predicted and measured: the seeds' MNIST network (784 → 8 × 128).

Layer l (l = 1, …, L) computes hˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = f(hˡ), a⁰ = x, with fan-in n_l (784 for
l = 1, 128 after).  With independent weights of variance Var w = σ_w,l²/n_l and biases of variance
σ_b,l², the mean-field recursion (Poole et al. 2016) predicts the pre-activation variance

    q¹ = σ_w,1² E x² + σ_b,1²,     qˡ⁺¹ = σ_w,l+1² S(qˡ) + σ_b,l+1²,     S(q) = E f(√q Z)²,

and, for the backward pass of a loss L = gᵀf(h^L) with an independent readout g ~ N(0, I), the
squared norms of δˡ = ∂L/∂hˡ (Schoenholz et al. 2017, gradient independence)

    E‖δˡ‖² / E‖δᴸ‖² = Π_{k=l}^{L−1} χ_k,     χ_k = σ_w,k+1² D(q^k),   D(q) = E f′(√q Z)².

The prediction is certified: S and D at a ball of q are Arb quadratures with proved tails
(:class:`.criticality.Integrals`, an enclosure for every q in the ball), exact where S(q) has an
exact value — f positively homogeneous (S(q) = q·E f(Z)², D(q) = E f′(Z)²: ReLU) or q = 1 (the
gain initialisation keeps q = 1).  The measurement is a numpy Monte Carlo *estimate*: for each of
``SEEDS`` fixed seeds a network is drawn from the stated initialisation and ``BATCH`` standard
Gaussian inputs (E x² = 1, as standardised MNIST pixels) are propagated forward (the mean of (hˡ)²
over inputs and units) and backward (‖δˡ‖²/‖δᴸ‖² over the batch), with the derived float64
implementations of f and f′ (:mod:`gelu_math.floats.impl`); mean and spread (sample standard
deviation) over the seeds.

Initialisations (``INITS``):

* ``torch``: PyTorch ``nn.Linear``'s default — weights ``kaiming_uniform_(a=√5)``, i.e.
  U(±1/√n), Var w = 1/(3n); biases U(±1/√n), Var b = 1/(3n) (torch/nn/modules/linear.py,
  ``reset_parameters``): σ_w² = 1/3, σ_b² = 1/(3n).
* ``he``: ``kaiming_normal_`` (fan_in, gain √2), N(0, 2/n), zero biases: σ_w² = 2, σ_b² = 0.
* ``gain``: N(0, g²/n) with g = the rms gain 1/√E f(Z)² (gain 1 in layer 1, whose input is the
  data), zero biases: q = 1 in every layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
from flint import arb

from ..analysis.pieces import decompose
from ..certified.arbeval import const_ball
from ..certified.balls import bits_for, check_digits, dyadic, precision
from ..certified.numbers import exact_number
from ..errors import InputError
from ..facts import Number
from .criticality import Integrals, is_homogeneous
from .moments import instance_of, moments, positive

INPUT = 784
WIDTHS = (128,) * 8  # the seeds' MNIST network: 8 hidden layers of 128 units
SEEDS = tuple(range(10))
BATCH = 128
DIGITS = 15
GUARD_BITS = 24


@dataclass(frozen=True)
class Init:
    key: str
    title: str
    weights: str  # how Wˡ is drawn, in words
    biases: str


INITS = {
    "torch": Init("torch", "PyTorch nn.Linear default", "U(±1/√n), Var w = 1/(3n) (kaiming_uniform_, a = √5)",
                  "U(±1/√n), Var b = 1/(3n)"),
    "he": Init("he", "He (kaiming_normal_)", "N(0, 2/n)", "0"),
    "gain": Init("gain", "rms gain", "N(0, g²/n), g = 1/√(E f(Z)²) (g = 1 in layer 1)", "0"),
}


@dataclass(frozen=True)
class Layer:
    """One hidden layer: predicted q and gradient ratio (Numbers), measured means and spreads (floats)."""

    layer: int
    q: Number
    ratio: Number  # E‖δˡ‖²/E‖δᴸ‖²
    q_mc: float
    q_sd: float
    ratio_mc: float
    ratio_sd: float


@dataclass(frozen=True)
class Network:
    name: str
    init: Init
    sigma: tuple  # ((σ_w², σ_b²) per layer, exact or Numbers)
    layers: tuple  # Layer, ...
    seeds: tuple
    batch: int


class _Model:
    """S(q), D(q): exact where known (homogeneous f, q = 1), else certified balls at a ball of q."""

    def __init__(self, inst, digits: int):
        self.inst, self.digits = inst, digits
        self.bits = bits_for(digits) + GUARD_BITS
        m = moments(inst, digits=digits).moments
        self.S1, self.D1 = m["second"].value, m["fprime_second"].value
        self.homogeneous = is_homogeneous(decompose(inst.expr))
        self._integrals = None

    def ball(self, v) -> arb:
        with precision(self.bits):
            return v.ball if isinstance(v, Number) else arb(const_ball(v))

    def at(self, q):
        """(S(q), D(q)): exact SymPy values where known, else arb balls (q exact or an arb)."""
        if isinstance(q, sp.Basic) and self.S1.exact is not None and self.D1.exact is not None:
            if self.homogeneous:
                return q * self.S1.exact, self.D1.exact
            if q == 1:
                return self.S1.exact, self.D1.exact
        if self._integrals is None:
            self._integrals = Integrals(self.inst)
        with precision(self.bits):
            Q = self.ball(q) if isinstance(q, sp.Basic) else q
            lo, hi = dyadic(Q.lower()), dyadic(Q.upper())
        I = self._integrals
        return I.integral(0, False, lo, hi, self.bits), I.integral(1, False, lo, hi, self.bits)


def sigmas(inst, init: str, widths=WIDTHS, n_in: int = INPUT, digits: int = DIGITS) -> tuple:
    """((σ_w,l², σ_b,l²), …) per layer for ``init`` (exact SymPy values)."""
    fans = (n_in,) + tuple(widths[:-1])
    if init == "torch":
        return tuple((sp.Rational(1, 3), sp.Rational(1, 3 * n)) for n in fans)
    if init == "he":
        return tuple((sp.Integer(2), sp.Integer(0)) for _ in fans)
    if init == "gain":
        S1 = moments(inst, digits=digits).moments["second"].value
        if S1.exact is None:
            raise InputError(f"{inst.name}: the gain initialisation needs an exact E f(Z)²")
        return ((sp.Integer(1), sp.Integer(0)),) + tuple((1 / S1.exact, sp.Integer(0)) for _ in fans[1:])
    raise InputError(f"unknown initialisation {init!r} (one of {', '.join(INITS)})")


def predict(inst, sig: tuple, input_second=sp.Integer(1), digits: int = DIGITS) -> tuple:
    """((q_l, ratio_l) Numbers per layer): the certified mean-field prediction (module text)."""
    model = _Model(inst, digits)

    def exact(*vs):
        return all(isinstance(v, sp.Basic) for v in vs)

    def mul(a, b):
        if exact(a, b):
            return a * b
        with precision(model.bits):
            return (a if isinstance(a, arb) else model.ball(a)) * (b if isinstance(b, arb) else model.ball(b))

    def add(a, b):
        if exact(a, b):
            return a + b
        with precision(model.bits):
            return (a if isinstance(a, arb) else model.ball(a)) + (b if isinstance(b, arb) else model.ball(b))

    qs, chis = [], []
    for l, (sw2, sb2) in enumerate(sig):
        if l == 0:
            q = add(mul(sw2, input_second), sb2)
        else:
            S, D = model.at(q)
            chis.append(mul(sw2, D))
            q = add(mul(sw2, S), sb2)
        qs.append(q)
    out = []
    for l in range(len(sig)):
        ratio = sp.Integer(1)
        for c in chis[l:]:
            ratio = mul(ratio, c)
        out.append((_number(qs[l], digits), _number(ratio, digits)))
    return tuple(out)


def _number(v, digits: int) -> Number:
    if isinstance(v, arb):
        return Number(None, v)
    return exact_number(v, digits)  # no simplify: products of closed forms (ELU's) cost seconds


def _float(v) -> float:
    return float(v.ball.mid()) if isinstance(v, Number) else float(const_ball(v).mid())


def measure(inst, sig: tuple, seeds=SEEDS, batch: int = BATCH, widths=WIDTHS, n_in: int = INPUT,
            init: str = "torch", input_second=1) -> np.ndarray:
    """Monte Carlo estimate, per seed and layer: (mean (hˡ)², ‖δˡ‖²/‖δᴸ‖²); shape (seeds, L, 2).

    Deterministic: numpy's PCG64 from each fixed seed, float64."""
    from ..floats.impl import implementation

    params = {k: v for k, v in inst.params}
    f, fp = implementation(inst.name, 0, params).evaluate, implementation(inst.name, 1, params).evaluate
    fans = (n_in,) + tuple(widths[:-1])
    out = np.empty((len(seeds), len(widths), 2))
    for s_i, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        a = rng.standard_normal((batch, n_in)) * _float(sp.sympify(input_second)) ** 0.5
        hs, Ws = [], []
        for (sw2, sb2), n, m in zip(sig, fans, widths):
            sw, sb = _float(sw2) ** 0.5, _float(sb2) ** 0.5
            if init == "torch":  # U(±1/√n) for both: Var = 1/(3n) = σ²/n, σ_b² = 1/(3n)
                W = rng.uniform(-1.0, 1.0, (m, n)) / np.sqrt(n)
                b = rng.uniform(-1.0, 1.0, m) / np.sqrt(n)
            else:
                W = rng.standard_normal((m, n)) * (sw / np.sqrt(n))
                b = rng.standard_normal(m) * sb
            h = a @ W.T + b
            hs.append(h)
            Ws.append(W)
            a = f(h)
        delta = rng.standard_normal((batch, widths[-1])) * fp(hs[-1])
        norms = [None] * len(widths)
        norms[-1] = float(np.sum(delta * delta))
        for l in range(len(widths) - 2, -1, -1):
            delta = (delta @ Ws[l + 1]) * fp(hs[l])
            norms[l] = float(np.sum(delta * delta))
        for l, h in enumerate(hs):
            out[s_i, l] = (float(np.mean(h * h)), norms[l] / norms[-1])
    return out


def network(f, params=None, *, init: str = "torch", input_second=1, seeds=SEEDS, batch: int = BATCH,
            digits: int = DIGITS) -> Network:
    """The seeds' MNIST network under ``init``: certified prediction and Monte Carlo estimate per layer.

    >>> n = network("relu", init="he", seeds=(0,), batch=8)
    >>> n.layers[3].q.exact, n.layers[0].ratio.exact     # He init keeps q = 2 and ‖δ‖ for ReLU
    (2, 1)
    """
    check_digits(digits)
    inst = instance_of(f, params)
    if init not in INITS:
        raise InputError(f"unknown initialisation {init!r} (one of {', '.join(INITS)})")
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= 4096:
        raise InputError(f"batch must be an integer in [1, 4096], got {batch!r}")
    seeds = tuple(seeds)
    if not seeds or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in seeds):
        raise InputError(f"seeds must be nonnegative integers, got {seeds!r}")
    input_second = positive(input_second, "input_second")
    key = (inst.name, inst.params, inst.expr, init, input_second, seeds, batch, digits)
    if key not in _CACHE:  # the report and the figure ask for the same networks
        _CACHE[key] = _network(inst, init, input_second, seeds, batch, digits)
    return _CACHE[key]


_CACHE: dict = {}


def _network(inst, init, input_second, seeds, batch, digits) -> Network:
    sig = sigmas(inst, init, digits=digits)
    pred = predict(inst, sig, input_second, digits)
    mc = measure(inst, sig, seeds, batch, init=init, input_second=input_second)
    mean = mc.mean(axis=0)
    sd = mc.std(axis=0, ddof=1) if len(seeds) > 1 else np.zeros_like(mean)
    layers = tuple(Layer(l + 1, q, r, float(mean[l, 0]), float(sd[l, 0]), float(mean[l, 1]), float(sd[l, 1]))
                   for l, (q, r) in enumerate(pred))
    return Network(inst.name, INITS[init], sig, layers, tuple(seeds), batch)
