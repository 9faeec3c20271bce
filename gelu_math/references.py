"""Layer 0: the sources cited by facts, reports and the catalog — each written once.

A fact carries its references (``Fact.references``), a property its own (``Property.references``);
both name these constants, so a citation reads the same wherever it is printed.
"""

HG = "Hendrycks & Gimpel, Gaussian Error Linear Units (GELUs), arXiv:1606.08415 (2016)"
LEE = "Lee, GELU Activation Function in Deep Learning: A Comprehensive Mathematical Analysis, arXiv:2305.12073 (2023)"
TORCH = "PyTorch torch.nn documentation (parameter defaults)"
DLMF_ERF = "DLMF 7.2.1 (erf), 7.18.2 (normal distribution), https://dlmf.nist.gov/7"
DLMF_ASY = "DLMF 7.12.1 and 7.12(i): asymptotic expansion of erfc and its remainder, https://dlmf.nist.gov/7.12"
DLMF_HERMITE = "DLMF 18.5.5 (Rodrigues' formula) and 18.9.1 (recurrence) for the probabilists' Hermite polynomials"

# Sources about one function: cited only with that function's facts.  Lee (2023) analyses GELU; its
# statements of stationary points, smoothness or Lipschitz constants are no source for SELU's or
# softsign's (independent review: a referee would flag the citation).
ABOUT = {LEE: frozenset({"gelu"})}


def cited_for(name: str, refs: tuple) -> tuple:
    """``refs`` without the sources that are about other functions (:data:`ABOUT`)."""
    return tuple(r for r in refs if r not in ABOUT or name in ABOUT[r])

