"""Binary floating-point formats: bit patterns, ordinals, round-to-nearest-even.

Every value is carried as float64 (all four formats embed exactly in it) and every
format is described by its bit pattern.  bfloat16 has no numpy dtype: its values
are stored as float32 arrays (exact) and converted with our own round-to-nearest-even
on the bits (``float32 -> bfloat16``: add ``0x7FFF + lsb`` and drop the low 16 bits,
the conversion of Intel's BF16 whitepaper and of PyTorch's ``c10::BFloat16``).

The *ordinal* of a finite value is its position on the number line counted in
representable values (``+0`` and ``-0`` are both 0, ``+inf`` is one past the largest
finite value), so the ULP distance of two values is ``|ordinal(a) - ordinal(b)|``.

Example::

    >>> F = FORMATS["bfloat16"]
    >>> F.from_bits(F.to_bits(np.array([1/3])))      # nearest bfloat16 to 1/3
    array([0.33398438])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError


def _f32_to_bf16_bits(v32: np.ndarray) -> np.ndarray:
    """Round float32 values to bfloat16 (nearest, ties to even); returns uint16 bits."""
    b = np.ascontiguousarray(v32, dtype=np.float32).view(np.uint32)
    nan = (b & 0x7FFFFFFF) > 0x7F800000
    rounded = ((b + np.uint32(0x7FFF) + ((b >> 16) & 1)) >> 16).astype(np.uint16)
    if nan.any():  # keep NaN a (quiet) NaN: rounding could carry it into inf
        rounded[nan] = ((b[nan] >> 16) | 0x0040).astype(np.uint16)
    return rounded


def _f64_to_f32_round_to_odd(v: np.ndarray) -> np.ndarray:
    """float64 -> float32 rounded to odd (truncate, then set the last bit if inexact).

    Rounding to odd to p+2 or more bits and then to nearest-even at p bits equals
    one correct rounding to p bits (Boldo & Melquiond, IEEE TC 57(4), 2008), so
    float64 -> float32 (odd) -> bfloat16 (even) has no double-rounding error.
    """
    v = np.asarray(v, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        r = v.astype(np.float32)
    bits = r.view(np.uint32).copy()
    finite = np.isfinite(v)
    inexact = finite & (r.astype(np.float64) != v)
    # RNE went away from zero (|r| > |v|, including overflow to inf): step back towards zero.
    away = inexact & (np.abs(r.astype(np.float64)) > np.abs(v))
    bits[away] -= np.uint32(1)
    bits[inexact] |= np.uint32(1)
    return bits.view(np.float32)


@dataclass(frozen=True)
class FloatFormat:
    """An IEEE-style binary format: ``bits`` wide, ``precision`` significand bits."""

    name: str
    bits: int
    precision: int
    storage: type  # numpy dtype holding the values (float32 for bfloat16)
    uint: type
    sint: type
    max_bits: int  # bit pattern of the largest finite value

    @property
    def sign_mask(self) -> int:
        return 1 << (self.bits - 1)

    @property
    def max_ordinal(self) -> int:
        return self.max_bits

    @property
    def eps(self) -> float:
        return 2.0 ** (1 - self.precision)

    def to_bits(self, v) -> np.ndarray:
        """Round float64 values to this format (nearest, ties to even); the bit patterns."""
        v = np.asarray(v, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            if self.name == "bfloat16":
                return _f32_to_bf16_bits(_f64_to_f32_round_to_odd(v))
            return v.astype(self.storage).view(self.uint)

    def from_bits(self, b) -> np.ndarray:
        """The float64 values of bit patterns."""
        b = np.asarray(b).astype(self.uint)
        if self.name == "bfloat16":
            return (b.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
        return b.view(self.storage).astype(np.float64)

    def round(self, v) -> np.ndarray:
        """float64 values rounded to this format, as float64."""
        return self.from_bits(self.to_bits(v))

    def to_storage(self, v64) -> np.ndarray:
        """float64 values (already representable) as this format's numpy storage dtype."""
        return np.asarray(v64, dtype=np.float64).astype(self.storage)

    def ordinal(self, b) -> np.ndarray:
        """Signed position on the number line of bit patterns (as int64); ±0 -> 0."""
        s = np.asarray(b).astype(self.uint).view(self.sint)
        m = s >> (self.bits - 1)  # 0 for +, -1 for -
        # negative: s ^ maxmag = -1 - magnitude, then +1 -> -magnitude (so -0 -> 0)
        return ((s ^ (m & self.sint(self.sign_mask - 1))) - m).astype(np.int64)

    def bits_of_ordinal(self, o) -> np.ndarray:
        o = np.asarray(o, dtype=np.int64)
        if self.bits == 64:
            mag = np.abs(o).astype(np.uint64)
            return np.where(o < 0, mag | np.uint64(self.sign_mask), mag)
        # negative ordinal -m is the pattern sign|m, i.e. the signed integer -2^(bits-1) + m
        s = np.where(o < 0, -self.sign_mask - o, o).astype(self.sint)
        return s.view(self.uint)

    def is_finite_bits(self, b) -> np.ndarray:
        b = np.asarray(b).astype(self.uint).astype(np.uint64)
        return (b & np.uint64(self.sign_mask - 1)) <= np.uint64(self.max_bits)

    @property
    def max_value(self) -> float:
        return float(self.from_bits(np.array([self.max_bits]))[0])


FORMATS: dict[str, FloatFormat] = {
    "float16": FloatFormat("float16", 16, 11, np.float16, np.uint16, np.int16, 0x7BFF),
    "bfloat16": FloatFormat("bfloat16", 16, 8, np.float32, np.uint16, np.int16, 0x7F7F),
    "float32": FloatFormat("float32", 32, 24, np.float32, np.uint32, np.int32, 0x7F7FFFFF),
    "float64": FloatFormat("float64", 64, 53, np.float64, np.uint64, np.int64, 0x7FEFFFFFFFFFFFFF),
}


def get_format(name: str) -> FloatFormat:
    """The format called ``name`` (float16, bfloat16, float32, float64) or ParameterError."""
    if name not in FORMATS:
        raise ParameterError(f"unknown dtype {name!r}; expected one of {', '.join(FORMATS)}")
    return FORMATS[name]
