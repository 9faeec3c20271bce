"""Published GELU approximations as a catalog, each audited like a design: certified sup error
over ℝ against GELU and against the tanh form, the jumps at the knots, and the float audit.

* ``puma_gelu`` — PUMA (Dong et al., "PUMA: Secure Inference of LLaMA-7B in Five Minutes",
  arXiv:2307.12533, 2023): 0 for x < −4; a cubic on [−4, −1.95); a sextic on [−1.95, 3]; x for
  x > 3.  Coefficients as published and as used in the SecretFlow/SPU "GPT-2 with PUMA"
  tutorial (``hack_gelu``: ``b0 = x < -4``, ``b1 = x < -1.95``, ``b2 = x > 3``).
* ``i_gelu`` (I-BERT, Kim et al. 2021) is a built-in of the catalog already.
* ``fherma_gelu`` — the degree-24 even Chebyshev GELU of the winning solution of FHERMA's
  "GELU Function" challenge (S. Paik and N. Koirala, "GELU Approximation in FHE with the
  Paterson–Stockmeyer Algorithm", fairmath/fherma-challenges, gelu-function/
  solution_with_ps_algorithm.md, 2025): GELU(x) ≈ x/2 + P_even(x/8), P_even = c₀/2 + Σ c_k T_k
  (OpenFHE's convention; with c₀ in full the value at 0 would be 2.53, not 0), tuned against the
  *tanh* form for error ≤ 10⁻³ on [−7, 7] (the challenge's domain).  The table below writes
  x/2 = 4·T₁(x/8) as the coefficient c₁ = 4 (published: 0.0), so the series is the whole
  approximation; it is a polynomial on all of ℝ (no tails), so its error over ℝ is unbounded and
  :data:`CLAIMED` gives the interval on which it is also certified.

The tables are ordinary function tables of the TOML grammar (``pieces`` with ``poly``),
registered as user functions on first use.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..definitions.registry import REGISTRY
from ..definitions.user import functions_from_toml

CATALOG = """
[function.puma_gelu]
description = "PUMA's piecewise GELU (0 | cubic | sextic | x)"
reference = ["Dong et al. 2023, PUMA: Secure Inference of LLaMA-7B in Five Minutes, arXiv:2307.12533",
             "SecretFlow SPU tutorial gpt2_with_puma (hack_gelu)"]
pieces = [
  { when = "x < -4", expr = "0" },
  { when = "x < -1.95", poly = [-0.5054031199708174, -0.42226581151983866, -0.11807612951181953,
                                -0.011034134030615728] },
  { when = "x <= 3", poly = [0.008526321541038084, 0.5, 0.3603292692789629, 0.0, -0.037688200365904236, 0.0,
                             0.0018067462606141187] },
  { expr = "x" },
]

[function.fherma_gelu]
description = "degree-24 even Chebyshev GELU for FHE: x/2 + P_even(x/8) (FHERMA GELU challenge winner)"
reference = ["Paik & Koirala 2025, GELU Approximation in FHE with the Paterson-Stockmeyer Algorithm, FHERMA GELU Function challenge (github.com/fairmath/fherma-challenges, gelu-function/solution_with_ps_algorithm.md)"]
interval = [-8, 8]
chebyshev_c0 = "half"
chebyshev = [5.052839140598564, 4, 1.7359793098548242, 0.0, -0.3726023812500432,
             0.0, 0.17095326369135477, 0.0, -0.09757261019185769, 0.0,
             0.060092112307910166, 0.0, -0.03731996858905697, 0.0,
             0.022792097220090873, 0.0, -0.013309648347659766, 0.0,
             0.007610728279999343, 0.0, -0.004196815886808643, 0.0,
             0.00215229898578225, 0.0, -0.0012773772058335409]
"""

BUILTIN = ("i_gelu",)
# the interval on which a published approximation claims its accuracy (certified there too)
CLAIMED = {"fherma_gelu": ("-7", "7")}


def names() -> tuple[str, ...]:
    """The published approximations: the catalog's tables (registered here) and built-ins."""
    for act in functions_from_toml(CATALOG, "approximate/published.py"):
        if act.name not in REGISTRY.user_names():
            REGISTRY.add_user(act)
    return ("puma_gelu", "fherma_gelu", *BUILTIN)


@dataclass(frozen=True)
class Published:
    name: str
    versus_gelu: object  # Envelope over ℝ
    versus_tanh: object  # Envelope over ℝ
    jumps: tuple  # smoothness breakpoints of order 0: (x, left, right)
    audits: dict  # dtype -> AuditResult of gelu-math's float kernel of the exact definition
    claimed: tuple | None = None  # (lo, hi): the interval of the published accuracy claim (CLAIMED)
    on_gelu: object = None  # Envelope over ``claimed`` against GELU (None without a claimed interval)
    on_tanh: object = None  # Envelope over ``claimed`` against the tanh form


def published(name: str, digits: int = 10, dtypes=("float16", "bfloat16")) -> Published:
    """Certified facts about the published approximation ``name`` (see :func:`names`); with a
    claimed interval (:data:`CLAIMED`) also the envelopes there, and the float audits on it."""
    from ..audit import audit
    from ..engine import analyze
    from ..envelope import envelope

    names()
    a = analyze(name, parts=("smoothness",), digits=digits)
    jumps = tuple((b.x, b.left, b.right) for b in a["smoothness"].value.breakpoints if b.order == 0)
    claimed = CLAIMED.get(name)
    on = {}
    if claimed is not None:
        on = {ref: envelope(name, ref, digits=digits, domain=claimed) for ref in ("gelu", "gelu_tanh")}
    domain = None if claimed is None else tuple(float(v) for v in claimed)
    return Published(name, envelope(name, "gelu", digits=digits), envelope(name, "gelu_tanh", digits=digits), jumps,
                     {dt: audit(name, dt, reference="gelu", workers=1, domain=domain) for dt in dtypes},
                     claimed, on.get("gelu"), on.get("gelu_tanh"))
