"""Optional PyTorch adapter for :func:`gelu_math.relax.bounds` (torch is not a dependency).

``torch_bounds(name, lo, hi, mode)`` takes tensors of interval ends and returns
``((slopes_l, intercepts_l), (slopes_u, intercepts_u))`` as float64 tensors on the input's device.
The lines are computed in float64 on the CPU (numpy) and are sound as float64 numbers; casting them
to float32 is *not* sound by itself (round the slopes as you like, but recompute nothing: move the
intercepts outward by the rounding of a·x + b at both ends if you need float32 lines).
"""

from __future__ import annotations

from .fast import bounds


def torch_bounds(name, lo, hi, mode: str = "chebyshev", *, params=None):
    try:
        import torch
    except ImportError as exc:  # optional dependency
        from ..errors import InputError

        raise InputError("torch_bounds needs PyTorch (pip install torch)") from exc
    device = lo.device
    lo_np = lo.detach().to("cpu", torch.float64).numpy()
    hi_np = hi.detach().to("cpu", torch.float64).numpy()
    (al, bl), (au, bu) = bounds(name, lo_np, hi_np, mode, params=params)
    t = lambda a: torch.from_numpy(a).to(device)  # noqa: E731
    return (t(al), t(bl)), (t(au), t(bu))
