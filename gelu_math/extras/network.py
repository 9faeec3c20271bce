"""The registered property "network" (computed by gelu_math.gauss.network): the seeds' MNIST MLP at initialisation.

An extended property for gelu, relu and elu (the three functions the seeds compare): per hidden
layer of the 784 → 8 × 128 network, the certified mean-field prediction of the pre-activation
variance qˡ and of the gradient ratio ‖δˡ‖²/‖δ⁸‖², next to a numpy Monte Carlo estimate (mean and
spread over fixed seeds), for three initialisations — a table in every report of those functions
("Deep network at initialisation") and in the analysis JSON.
"""

from __future__ import annotations

import sympy as sp

from ..facts import Fact, Method, Step
from ..properties import Property, register
from ..values import Table

NAMES = ("gelu", "relu", "elu")
POOLE = "Poole et al., Exponential expressivity in deep neural networks through transient chaos, NeurIPS 2016"
SCHOENHOLZ = "Schoenholz et al., Deep Information Propagation, ICLR 2017"
TORCH_LINEAR = "PyTorch torch.nn.Linear.reset_parameters (torch/nn/modules/linear.py)"


def estimate(v: float, significant: int = 4) -> str:
    """A Monte Carlo estimate as printed (it is no certified number): ``significant`` digits."""
    return f"{v:.{significant}g}"


def _applies(inst) -> bool:
    return inst.name in NAMES and inst.is_numeric and inst.is_default


def _network(ctx) -> Fact:
    from ..gauss.network import BATCH, INITS, SEEDS, network, INPUT, WIDTHS  # imported when derived

    rows = []
    for key in INITS:
        n = network(ctx.instance, init=key)
        for L in n.layers:
            rows.append({"init": n.init.title, "layer": L.layer, "q": L.q, "q_mc": estimate(L.q_mc),
                         "q_sd": estimate(L.q_sd, 2), "ratio": L.ratio, "ratio_mc": estimate(L.ratio_mc),
                         "ratio_sd": estimate(L.ratio_sd, 2)})
    depth = len(WIDTHS)
    table = Table(rows, (("init", "initialisation"), ("layer", "layer l"), ("q", "q_l predicted"),
                         ("q_mc", "q_l Monte Carlo (estimate)"), ("q_sd", "spread (sd)"),
                         ("ratio", f"|δ_l|²/|δ_{depth}|² predicted"),
                         ("ratio_mc", "ratio Monte Carlo (estimate)"), ("ratio_sd", "spread (sd)")), keys=2)
    steps = (
        Step(f"Network: input dimension {INPUT} (standard Gaussian inputs, E x² = 1, standing in for standardised pixels: no data is used), "
             f"{depth} hidden layers of {WIDTHS[0]} units, h_l = W_l a_(l-1) + b_l, a_l = f(h_l); with fan-in n, "
             "Var w = σ_w²/n and Var b = σ_b². Initialisations: "
             + "; ".join(f"{i.title}: weights {i.weights}, biases {i.biases}" for i in INITS.values()) + "."),
        Step("Predicted (certified): q_1 = σ_w² E x² + σ_b², q_(l+1) = σ_w² E f(√q_l Z)² + σ_b² (Z ∼ N(0, 1)); for "
             f"the gradients δ_l = ∂L/∂h_l of L = g·f(h_{depth}) with an independent readout g ∼ N(0, I), "
             f"|δ_l|²/|δ_{depth}|² is the product over k = l, …, {depth - 1} of χ_k = σ_w² E f′(√q_k Z)² (mean field "
             "with gradient independence, infinite width: Poole et al. 2016, Schoenholz et al. 2017). Each Gaussian "
             "expectation is an Arb quadrature with a proved tail bound at a ball of q, exact where f is positively "
             "homogeneous or q = 1."),
        Step(f"Measured (an estimate, not certified): for each of {len(SEEDS)} fixed seeds (0 to {len(SEEDS) - 1}) "
             f"a network is drawn in float64 (numpy PCG64) and {BATCH} Gaussian inputs are propagated: q_l is the "
             f"mean of h_l² over inputs and units, the ratio that of |δ_l|² to |δ_{depth}|² over the batch; the table "
             "gives the mean over the seeds and its spread (the sample standard deviation over the seeds: the "
             "finite-width fluctuation of one network), printed to 4 and 2 significant digits."),
    )
    return Fact("network", "An MLP of MNIST's shape (784 inputs, 8 hidden layers of 128 units; standard Gaussian "
                "inputs, no data) at initialisation: predicted and measured pre-activation variance "
                "and gradient ratio per hidden layer, for {0} initialisations:",
                table, Method.ESTIMATE, steps, (sp.Integer(len(INITS)),), (POOLE, SCHOENHOLZ, TORCH_LINEAR))


PROPERTY = register(Property("network", "Deep network at initialisation", "Deep network at initialisation",
                             _network, applies=_applies, extended=True))
