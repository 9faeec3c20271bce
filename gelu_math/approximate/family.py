"""A designed family: the certified minimax polynomials of GELU for a range of degrees, intervals
and coefficient formats, as plain picklable records (for the "Approximations" report and its figure).

Each (interval, degree) is designed once (:func:`.design.approximate_formats`: one Remez
exchange, one de la Vallée Poussin lower bound) and certified for every format; the result is
memoised per process, so the report and the figure built in one process share it.

    >>> rows = family(degrees=(2,), intervals=(("-4", "4"),), formats=(None,))   # doctest: +SKIP
    >>> rows[0].sup_on.ball                                                     # doctest: +SKIP
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from ..facts import Number
from .design import approximate_formats

DEGREES = tuple(range(2, 17))
INTERVALS = (("-4", "4"), ("-8", "8"))
FORMATS = (None, "float16")
DIGITS = 10  # the enclosures' digits: the report prints far fewer


@dataclass(frozen=True)
class Member:
    """One certified design of the family (every number a certified ball, or exact)."""

    name: str
    on: tuple[sp.Rational, sp.Rational]
    degree: int
    format: str | None  # None: exact (decimal) coefficients
    coefficients: tuple[sp.Rational, ...]
    sup_on: Number | None  # sup over [LO, HI] of |p − f| (None: unbounded)
    sup: Number | None  # over ℝ, the tails (the asymptotes) included
    sup_where: tuple[str, ...]
    lower: Number | None  # every polynomial of this degree has sup on [LO, HI] >= lower (None: not proved)
    ratio: sp.Rational | None  # sup_on / lower, rounded up
    certified: bool


def _member(d) -> Member:
    (piece,) = d.pieces
    return Member(d.name, d.on, d.degree, d.format, piece.coefficients,
                  None if d.sup_on.unbounded else d.sup_on.sup, None if d.sup.unbounded else d.sup.sup,
                  tuple(d.sup.where), d.lower, d.ratio_upper, d.certified)


@functools.lru_cache(maxsize=8)
def family(name: str = "gelu", degrees=DEGREES, intervals=INTERVALS, formats=FORMATS,
           digits: int = DIGITS) -> tuple[Member, ...]:
    """Every (interval, degree, format) design of ``name``, in that order (formats innermost)."""
    out = []
    for on in intervals:
        for degree in degrees:
            out += [_member(d) for d in approximate_formats(name, degree, tuple(on), tuple(formats), digits=digits)]
    return tuple(out)


__all__ = ["DEGREES", "FORMATS", "INTERVALS", "Member", "family"]
