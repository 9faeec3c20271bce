"""The catalog: exact definitions of GELU, its approximations and related activations.

Sources are listed per entry; defaults follow PyTorch.  Constants "as written"
are exact decimals (``dec('0.044715')``), never binary floats.
"""

from __future__ import annotations

import sympy as sp

from .domain import compare
from .registry import REGISTRY, Activation, Parameter
from .symbols import Phi, dec, sigmoid, softplus, x
from ..references import HG, TORCH

SQRT_2_OVER_PI = sp.sqrt(2 / sp.pi)
POS = dict(lower=sp.Integer(0), open_lower=True)
NONNEG = dict(lower=sp.Integer(0))


# the names in figures and legends (Activation.label)
LABELS = {
    "gelu": "GELU", "gelu_tanh": "GELU (tanh)", "gelu_fast": "GELU (fast)", "gelu_onnx_fast": "GELU (ONNX fast)",
    "gelu_sigmoid": "GELU (sigmoid)", "i_gelu": "i-GELU", "relu": "ReLU", "leaky_relu": "leaky ReLU", "elu": "ELU",
    "selu": "SELU", "celu": "CELU", "silu": "SiLU", "mish": "Mish", "softplus": "softplus", "sigmoid": "sigmoid",
    "tanh": "tanh", "softsign": "softsign", "hardtanh": "hardtanh", "relu6": "ReLU6", "hardsigmoid": "hard sigmoid",
    "hardswish": "hard swish", "logsigmoid": "log-sigmoid",
}


def _add(name, build, title, formula, parameters=(), **kw):
    kw.setdefault("label", LABELS.get(name, ""))
    return REGISTRY.add(Activation(name, build, title, formula, tuple(parameters), **kw))


def _below(a, b, name_a, name_b):
    """None when a < b is proved (balls / exact zero test), else the problem."""
    s = compare(a, b)
    return None if s == -1 else f"{name_a} must be below {name_b}" if s is not None else \
        f"cannot decide whether {name_a} < {name_b}"


def _pw(*pairs):
    return sp.Piecewise(*pairs)


# --- GELU and its approximations ------------------------------------------------------------

_add(
    "gelu",
    lambda mu, sigma: x * Phi((x - mu) / sigma),
    "Gaussian Error Linear Unit",
    "x*Phi((x-mu)/sigma) = (x/2)*(1+erf((x-mu)/(sigma*sqrt(2))))",
    [
        Parameter("mu", sp.Integer(0), "mean of the Gaussian gate"),
        Parameter("sigma", sp.Integer(1), "standard deviation of the Gaussian gate", **POS),
    ],
    references=(HG,),
    family="gelu",
    notes=("σ → 0 with μ = 0 gives ReLU.",),
)

_add(
    "gelu_tanh",
    lambda a: x / 2 * (1 + sp.tanh(SQRT_2_OVER_PI * (x + a * x**3))),
    "GELU, tanh approximation",
    "(x/2)*(1+tanh(sqrt(2/pi)*(x + a*x^3)))",
    [Parameter("a", dec("0.044715"), "cubic coefficient", **NONNEG)],
    references=(HG, "PyTorch gelu(approximate='tanh'); HF transformers gelu_new; JAX gelu default"),
    family="gelu",
    fitted="a",
    notes=("Some articles print a = 0.047715 or code uses 0.44715; the paper's value is 0.044715.",),
)

_add(
    "gelu_fast",
    lambda: x / 2 * (1 + sp.tanh(dec("0.7978845608") * x * (1 + dec("0.044715") * x**2))),
    "GELU, HF transformers gelu_fast",
    "(x/2)*(1+tanh(0.7978845608*x*(1+0.044715*x^2)))",
    references=("HF transformers activations.py, FastGELUActivation (constants as written)",),
    family="gelu",
)

_add(
    "gelu_onnx_fast",
    lambda: x / 2 * (1 + sp.tanh(dec("0.797885") * x + dec("0.035677") * x**3)),
    "GELU, ONNX Runtime FastGelu",
    "(x/2)*(1+tanh(0.797885*x + 0.035677*x^3))",
    references=("ONNX Runtime contrib op com.microsoft.FastGelu (constants as written)",),
    family="gelu",
)

_add(
    "gelu_sigmoid",
    lambda k: x * sigmoid(k * x),
    "GELU, sigmoid approximation (QuickGELU)",
    "x*sigmoid(k*x)",
    [Parameter("k", dec("1.702"), "sigmoid slope", **POS)],
    aliases=("quick_gelu",),
    references=(HG, "Radford et al., Learning Transferable Visual Models From Natural Language Supervision (CLIP), ICML 2021 (QuickGELU)"),
    family="gelu",
    fitted="k",
)


def _i_gelu(a, b):
    # (x/2)(1 + L(x/sqrt2)), L(z) = sgn(z)*(a*(min(|z|, -b) + b)^2 + 1), written by sign of z.
    z = x / sp.sqrt(2)
    c = -b * sp.sqrt(2)  # |x| = c  <=>  |z| = -b
    return _pw(
        (0, x <= -c),  # L = -1
        (x / 2 * (1 - (a * (-z + b) ** 2 + 1)), x < 0),
        (x / 2 * (1 + (a * (z + b) ** 2 + 1)), x < c),
        (x, True),  # L = 1
    )


_add(
    "i_gelu",
    _i_gelu,
    "I-BERT integer GELU (polynomial erf)",
    "(x/2)*(1+L(x/sqrt(2))), L(z) = sgn(z)*(a*(min(|z|,-b)+b)^2+1)",
    [
        Parameter("a", dec("-0.2888"), "quadratic coefficient", upper=sp.Integer(0), open_upper=True),
        Parameter("b", dec("-1.769"), "clipping point (negative)", upper=sp.Integer(0), open_upper=True),
    ],
    references=("Kim et al., I-BERT: Integer-only BERT Quantization, ICML 2021",),
    family="gelu",
)

# --- Related activations ------------------------------------------------------------------

_add("relu", lambda: _pw((0, x < 0), (x, True)), "Rectified Linear Unit", "max(0, x)",
     references=("Nair & Hinton, ICML 2010", TORCH))

_add(
    "leaky_relu",
    lambda negative_slope: _pw((negative_slope * x, x < 0), (x, True)),
    "Leaky ReLU",
    "x if x >= 0 else s*x",
    [Parameter("negative_slope", dec("0.01"), "slope for x < 0", **NONNEG)],
    references=("Maas et al., ICML 2013 workshop", TORCH),
)

_add(
    "elu",
    lambda alpha: _pw((alpha * (sp.exp(x) - 1), x <= 0), (x, True)),
    "Exponential Linear Unit",
    "x if x > 0 else alpha*(exp(x)-1)",
    [Parameter("alpha", sp.Integer(1), "saturation scale", **POS)],
    references=("Clevert, Unterthiner & Hochreiter, ICLR 2016", TORCH),
)

SELU_LAMBDA = dec("1.0507009873554804934193349852946")
SELU_ALPHA = dec("1.6732632423543772848170429916717")
_add(
    "selu",
    lambda: SELU_LAMBDA * _pw((SELU_ALPHA * (sp.exp(x) - 1), x <= 0), (x, True)),
    "Scaled ELU",
    "lambda*(x if x > 0 else alpha*(exp(x)-1))",
    references=("Klambauer et al., Self-Normalizing Neural Networks, NeurIPS 2017 (constants to 32 digits)", TORCH),
)

_add(
    "celu",
    lambda alpha: _pw((alpha * (sp.exp(x / alpha) - 1), x <= 0), (x, True)),
    "Continuously differentiable ELU",
    "max(0,x) + min(0, alpha*(exp(x/alpha)-1))",
    [Parameter("alpha", sp.Integer(1), "saturation scale", **POS)],
    references=("Barron, Continuously Differentiable Exponential Linear Units, arXiv:1704.07483 (2017)", TORCH),
)

_add(
    "silu",
    lambda beta: x * sigmoid(beta * x),
    "Sigmoid Linear Unit (Swish)",
    "x*sigmoid(beta*x)",
    [Parameter("beta", sp.Integer(1), "sigmoid slope", **POS)],
    aliases=("swish",),
    references=("Elfwing, Uchibe & Doya (2018); Ramachandran, Zoph & Le, Searching for Activation Functions (2017)",
                HG),
)

_add("mish", lambda: x * sp.tanh(softplus(x)), "Mish", "x*tanh(softplus(x))",
     references=("Misra, Mish: A Self Regularized Non-Monotonic Activation Function, arXiv:1908.08681 (2019)",))

_add(
    "softplus",
    lambda beta: softplus(beta * x) / beta,
    "Softplus",
    "(1/beta)*log(1+exp(beta*x))",
    [Parameter("beta", sp.Integer(1), "sharpness", **POS)],
    references=("Dugas et al., Incorporating Second-Order Functional Knowledge for Better Option Pricing, NIPS 13 (2000)", TORCH),
)

_add("sigmoid", lambda: sigmoid(x), "Logistic sigmoid", "1/(1+exp(-x))", references=(TORCH,))
_add("tanh", lambda: sp.tanh(x), "Hyperbolic tangent", "tanh(x)", references=(TORCH,))
_add("softsign", lambda: _pw((x / (1 - x), x < 0), (x / (1 + x), True)), "Softsign", "x/(1+|x|)",
     references=("Turian, Bergstra & Bengio (2009)", TORCH))

_add(
    "hardtanh",
    lambda min_val, max_val: _pw((min_val, x < min_val), (x, x <= max_val), (max_val, True)),
    "Hard tanh",
    "min(max(x, min_val), max_val)",
    [
        Parameter("min_val", sp.Integer(-1), "lower clip"),
        Parameter("max_val", sp.Integer(1), "upper clip"),
    ],
    references=(TORCH,),
    constraint=lambda v: _below(v["min_val"], v["max_val"], "min_val", "max_val"),
)

_add("relu6", lambda: _pw((0, x < 0), (x, x <= 6), (6, True)), "ReLU6", "min(max(0,x), 6)",
     references=("Krizhevsky, Convolutional Deep Belief Networks on CIFAR-10 (2010)", TORCH))
_add("hardsigmoid", lambda: _pw((0, x <= -3), (x / 6 + sp.Rational(1, 2), x < 3), (1, True)),
     "Hard sigmoid", "relu6(x+3)/6", references=("Howard et al., Searching for MobileNetV3, ICCV 2019", TORCH))
_add("hardswish", lambda: _pw((0, x <= -3), (x * (x + 3) / 6, x < 3), (x, True)),
     "Hard swish", "x*relu6(x+3)/6", references=("Howard et al., Searching for MobileNetV3, ICCV 2019", TORCH))
_add("logsigmoid", lambda: -softplus(-x), "Log-sigmoid", "log(sigmoid(x)) = -log(1+exp(-x))", references=(TORCH,))

# --- Additions in modern use (ACTIVATIONS.md) ---------------------------------------------------

_add("relu2", lambda: _pw((0, x < 0), (x**2, True)), "Squared ReLU", "max(0, x)^2", aliases=("squared_relu",),
     references=("So et al., Primer: Searching for Efficient Transformers for Language Modeling, NeurIPS 2021",))


def _xielu(alpha_p, alpha_n, beta, eps):
    # x > 0: α_p x² + β x;  x ≤ 0: α_n (expm1(min(x, ε)) − x) + β x, written with min(x, ε) resolved
    return _pw((alpha_n * (sp.exp(x) - 1 - x) + beta * x, x <= eps),
               (alpha_n * (sp.exp(eps) - 1 - x) + beta * x, x <= 0),
               (alpha_p * x**2 + beta * x, True))


_add(
    "xielu",
    _xielu,
    "xIELU (expanded integral of the ELU)",
    "alpha_p*x^2 + beta*x if x > 0 else alpha_n*(expm1(min(x, eps)) - x) + beta*x",
    [
        Parameter("alpha_p", dec("0.8"), "positive-side curvature (softplus of the trained `a_p`)", **POS),
        Parameter("alpha_n", dec("0.8"), "negative-side scale (beta + softplus of the trained `a_n`)", **POS),
        Parameter("beta", dec("0.5"), "linear coefficient"),
        Parameter("eps", dec("-0.000001"), "clamp of expm1's argument (negative)", upper=sp.Integer(0),
                  open_upper=True),
    ],
    references=("Huang, arXiv:2411.13010 (2024) (xIELU; used in the Apertus models)",
                "HF transformers `XIELUActivation` defaults `alpha_p_init` = `alpha_n_init` = 0.8, `beta` = 0.5, "
                "`eps` = -1e-6, so `alpha_p` = softplus(`a_p`) = 0.8 and `alpha_n` = `beta` + softplus(`a_n`) = 0.8"),
    notes=("With eps < 0 the negative branch at x = 0 is αₙ·expm1(eps), not 0: "
           "xIELU jumps at 0 by −αₙ·expm1(eps) (8.0·10⁻⁷ with the defaults).",),
)

_add("erf", lambda: sp.erf(x), "Error function", "erf(x)",
     references=("Williams, Computing with Infinite Networks, NIPS 9 (1996; proceedings 1997) (arc-sine kernel)",
                 "neural-tangents stax.Erf (a*erf(b*x) + c)"))

_add(
    "snake",
    lambda a: x + sp.sin(a * x) ** 2 / a,
    "Snake",
    "x + sin(a*x)^2/a",
    [Parameter("a", sp.Integer(1), "frequency", **POS)],
    references=("Liu Ziyin, Tilman Hartwig & Masahito Ueda, Neural Networks Fail to Learn Periodic Functions and How to Fix It, "
                "NeurIPS 2020",),
    notes=("f′ = 1 + sin(2ax) ≥ 0 vanishes on the lattice x = −π/(4a) + kπ/a (k an integer): infinitely many "
           "stationary points, which the engine does not enumerate (stated as not certified).",),
)
