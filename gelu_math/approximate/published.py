"""Published GELU approximations as a catalog, each audited like a design: certified sup error
over ℝ against GELU and against the tanh form, the jumps at the knots, and the float audit.

* ``puma_gelu`` — PUMA (Dong et al., "PUMA: Secure Inference of LLaMA-7B in Five Minutes",
  arXiv:2307.12533, 2023): 0 for x < −4; a cubic on [−4, −1.95); a sextic on [−1.95, 3]; x for
  x > 3.  Coefficients as published and as used in the SecretFlow/SPU "GPT-2 with PUMA"
  tutorial (``hack_gelu``: ``b0 = x < -4``, ``b1 = x < -1.95``, ``b2 = x > 3``).
* ``i_gelu`` (I-BERT, Kim et al. 2021) is a built-in of the catalog already.
* The FHE degree-24 Chebyshev GELU on [−7, 7] is not included: its coefficients were not
  found in a source that can be cited (never typed in from memory).

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
"""

BUILTIN = ("i_gelu",)


def names() -> tuple[str, ...]:
    """The published approximations: the catalog's tables (registered here) and built-ins."""
    for act in functions_from_toml(CATALOG, "approximate/published.py"):
        if act.name not in REGISTRY.user_names():
            REGISTRY.add_user(act)
    return ("puma_gelu", *BUILTIN)


@dataclass(frozen=True)
class Published:
    name: str
    versus_gelu: object  # Envelope over ℝ
    versus_tanh: object  # Envelope over ℝ
    jumps: tuple  # smoothness breakpoints of order 0: (x, left, right)
    audits: dict  # dtype -> AuditResult of gelu-math's float kernel of the exact definition


def published(name: str, digits: int = 10, dtypes=("float16", "bfloat16")) -> Published:
    """Certified facts about the published approximation ``name`` (see :func:`names`)."""
    from ..audit import audit
    from ..engine import analyze
    from ..envelope import envelope

    names()
    a = analyze(name, parts=("smoothness",), digits=digits)
    jumps = tuple((b.x, b.left, b.right) for b in a["smoothness"].value.breakpoints if b.order == 0)
    return Published(name, envelope(name, "gelu", digits=digits), envelope(name, "gelu_tanh", digits=digits), jumps,
                     {dt: audit(name, dt, reference="gelu", workers=1) for dt in dtypes})
