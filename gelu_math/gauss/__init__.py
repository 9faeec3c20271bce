"""Gaussian-measure analysis (layer L4): moments of f(Z) for Z ~ N(μ, σ²), initialisation gains,
torch's ``calculate_gain`` compared, dual kernels, SELU's self-normalising constants — every
number exact (SymPy) or a certified Arb ball.

>>> from gelu_math.gauss import moments, gains
>>> m = moments("relu")
>>> m.moments["second"].value.exact
1/2
>>> gains(m)["rms"].value.exact
sqrt(2)
"""

from .criticality import criticality, fixed_points
from .kernel import Kernel, kernel
from .moments import DivergentMomentError, GaussMoments, Moment, gains, moments
from .network import network
from .selfnorm import SelfNormalizing, self_normalizing
from .torchgain import comparison as torch_comparison

__all__ = ["DivergentMomentError", "GaussMoments", "Kernel", "Moment", "SelfNormalizing", "criticality",
           "fixed_points", "gains", "kernel", "moments", "network", "self_normalizing", "torch_comparison"]
