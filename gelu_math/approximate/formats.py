"""Exact rounding of rationals to binary floating-point formats (nearest, ties to even).

A value of a format with p significand bits and least normal exponent e_min is m·2^q with
|m| < 2^p and q >= e_min − p + 1 (subnormals included); the largest finite value is
(2 − 2^(1−p))·2^e_max.  Everything is exact (Python Fractions): no float is involved.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import InputError


class FormatError(InputError):
    """A coefficient cannot be held by the requested float format (overflow), or no such format."""


@dataclass(frozen=True)
class Format:
    name: str
    precision: int  # significand bits, the hidden bit included
    emin: int  # exponent of the least normal value
    emax: int  # exponent of the largest finite value

    @property
    def max_value(self) -> Fraction:
        return (2 - Fraction(1, 2 ** (self.precision - 1))) * Fraction(2) ** self.emax

    def quantum(self, v: Fraction) -> Fraction:
        """The spacing of the format's values at |v| (the ulp of the binade of v)."""
        e = max(_exponent(abs(v)), self.emin) if v else self.emin
        return Fraction(2) ** (e - self.precision + 1)

    def round(self, v, what: str = "value") -> Fraction:
        """``v`` rounded to the nearest value of the format (ties to even); FormatError when it
        rounds beyond the largest finite value."""
        v = Fraction(v)
        if v == 0:
            return v
        qv = self.quantum(v)
        m = v / qv
        n = m.numerator // m.denominator
        rest = m - n
        if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2):
            n += 1
        r = n * qv
        if abs(r) > self.max_value:
            raise FormatError(f"{what} {float(v):.6g} is beyond the largest finite {self.name} value "
                              f"{float(self.max_value):.6g}: the format cannot hold it")
        return r

    def step(self, v: Fraction, direction: int) -> Fraction:
        """The neighbour of the format value ``v`` in ``direction`` (+1 up, −1 down)."""
        if v == 0:
            return direction * Fraction(2) ** (self.emin - self.precision + 1)
        up = (v > 0) == (direction > 0)
        qv = self.quantum(v)
        if not up and abs(v) == Fraction(2) ** _exponent(abs(v)) and _exponent(abs(v)) > self.emin:
            qv /= 2  # stepping down across a power of two: the finer spacing below it
        r = v + direction * qv
        if abs(r) > self.max_value:
            return v
        return r

    def holds(self, v: Fraction) -> bool:
        return self.round(v) == v


def _exponent(v: Fraction) -> int:
    """floor(log2 v) for v > 0, exactly."""
    e = v.numerator.bit_length() - v.denominator.bit_length()
    if Fraction(2) ** e > v:
        e -= 1
    elif Fraction(2) ** (e + 1) <= v:
        e += 1
    return e


FORMATS = {
    "float16": Format("float16", 11, -14, 15),
    "bfloat16": Format("bfloat16", 8, -126, 127),
    "float32": Format("float32", 24, -126, 127),
    "float64": Format("float64", 53, -1022, 1023),
}


def get_format(name: str) -> Format:
    if name not in FORMATS:
        raise FormatError(f"unknown format {name!r} (choose from {', '.join(FORMATS)})")
    return FORMATS[name]
