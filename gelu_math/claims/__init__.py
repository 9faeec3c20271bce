"""Claims about activations, checked against certified facts (``gelu-math verify``).

``spec`` loads and validates claims files (plain data, no checking); ``check`` decides
them (above the engine); :mod:`gelu_math.render.claims` formats the verdicts.
"""

from .check import check_claim, check_claims
from .spec import Claim, Verdict, claims_from_toml, load_claims

__all__ = ["Claim", "Verdict", "check_claim", "check_claims", "claims_from_toml", "load_claims"]
