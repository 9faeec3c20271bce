"""numba kernels of :mod:`.compiled` (imported only when numba is installed; compiled on first
call and cached on disk)."""

import numba
import numpy as np

njit = numba.njit(cache=True, nogil=True)



@njit
def round_bits(v, kind, s32, u32, s64, u64):
    """Bits of float64 ``v`` rounded to the format (0 float16, 1 bfloat16, 2 float32)."""
    if kind == 2:
        s32[0] = np.float32(v)
        return np.uint64(u32[0])
    if kind == 1:
        r = np.float32(v)
        s32[0] = r
        b = np.uint32(u32[0])
        if np.isfinite(v):
            rv = np.float64(r)
            if rv != v:  # inexact: round to odd (step back towards zero if RNE went away)
                if abs(rv) > abs(v):
                    b = np.uint32(b - np.uint32(1))
                b = b | np.uint32(1)
        if (b & np.uint32(0x7FFFFFFF)) > np.uint32(0x7F800000):  # NaN stays a quiet NaN
            return np.uint64(((b >> np.uint32(16)) | np.uint32(0x0040)) & np.uint32(0xFFFF))
        return np.uint64(((b + np.uint32(0x7FFF) + ((b >> np.uint32(16)) & np.uint32(1))) >> np.uint32(16))
                         & np.uint32(0xFFFF))
    # float16, from the float64 bits (IEEE nearest-even, overflow to inf)
    s64[0] = v
    u = u64[0]
    sign = np.uint64((u >> np.uint64(63)) << np.uint64(15))
    if v != v:
        return sign | np.uint64(0x7E00)
    a = abs(v)
    if a >= 65520.0:
        return sign | np.uint64(0x7C00)
    if a < 6.103515625e-05:  # 2^-14: subnormal (or zero) result; a·2^24 is exact
        q = a * 16777216.0
        iq = np.int64(q)
        frac = q - np.float64(iq)
        if frac > 0.5 or (frac == 0.5 and (iq & 1) == 1):
            iq += 1
        return sign | np.uint64(iq)
    ua = u & np.uint64(0x7FFFFFFFFFFFFFFF)
    e = np.int64(ua >> np.uint64(52)) - 1023 + 15
    mant = ua & np.uint64(0xFFFFFFFFFFFFF)
    h = (np.uint64(e) << np.uint64(10)) | (mant >> np.uint64(42))
    rem = mant & np.uint64(0x3FFFFFFFFFF)
    half = np.uint64(0x20000000000)
    if rem > half or (rem == half and (h & np.uint64(1)) == np.uint64(1)):
        h += np.uint64(1)
    return sign | h

@njit
def _with_bound(i, y, m, has_m, rel, absb):
    """The reference's float64 value at input i and its error bound REL_BOUND·M + ABS_BOUND (M = |y|
    without a magnitude form): the same arithmetic as :meth:`.reference.Reference.float64_with_bound`."""
    yi = y[i]
    return yi, rel * (m[i] if has_m else abs(yi)) + absb

@njit
def _kernel_value(i, xs, yi, yk, has_yk, a1, has_taylor, radius, toward):
    """The kernel's float64 value at input i before rounding: its own (yk) or the reference's (y),
    replaced near 0 by the Taylor term a1·x nudged toward the side of a2 (the tie rule)."""
    v = yk[i] if has_yk else yi
    if has_taylor:
        xi = xs[i]
        if xi != 0.0 and abs(xi) <= radius:
            v = np.nextafter(a1 * xi, toward)
    return v

@njit
def fused_round(kind, xs, y, m, has_m, yk, has_yk, a1, a2, has_taylor, rel, absb, radius, mag_mask,
                want, got, amb):
    """want ← round(y), got ← round(adjust(yk or y)); amb ← indices where round(y ± bound)
    straddle a boundary or y + bound is not finite.  Returns the number of ambiguous inputs."""
    s32 = np.empty(1, np.float32)
    u32 = s32.view(np.uint32)
    s64 = np.empty(1, np.float64)
    u64 = s64.view(np.uint64)
    n = xs.size
    k = 0
    toward = np.inf if a2 > 0 else -np.inf
    for i in range(n):
        yi, b = _with_bound(i, y, m, has_m, rel, absb)
        hi_v = yi + b
        lo_b = round_bits(yi - b, kind, s32, u32, s64, u64)
        hi_b = round_bits(hi_v, kind, s32, u32, s64, u64)
        if (lo_b != hi_b and ((lo_b | hi_b) & mag_mask) != 0) or not np.isfinite(hi_v):
            amb[k] = i
            k += 1
        want[i] = round_bits(yi, kind, s32, u32, s64, u64)
        v = _kernel_value(i, xs, yi, yk, has_yk, a1, has_taylor, radius, toward)
        got[i] = round_bits(v, kind, s32, u32, s64, u64)
    return k

@njit
def _flags_float32(xs, y, m, has_m, yk, has_yk, has_taylor, rel, absb, radius, want, got, flags):
    """The branch-free pass of :func:`fused_float32` (numba vectorises it): want, got before the
    Taylor rule, and per input the flags 1 = ambiguous, 2 = got ≠ want, 4 = the Taylor rule applies.
    Returns the number of inputs with a flag."""
    t = 0
    r = radius if has_taylor else -1.0  # (a boolean operand in the loop's arithmetic stops numba vectorising it)
    for i in range(xs.size):
        yi = y[i]
        b = rel * (m[i] if has_m else abs(yi)) + absb
        hi_v = yi + b
        w = np.float32(yi)
        g = np.float32(yk[i] if has_yk else yi)
        want[i] = w
        got[i] = g
        xi = xs[i]
        # bitwise, not ``and``/``or``: no branch in the loop
        f = (np.uint8((np.float32(yi - b) != np.float32(hi_v)) | (not np.isfinite(hi_v)))
             | (np.uint8(g != w) << np.uint8(1))
             | (np.uint8((xi != 0.0) & (abs(xi) <= r)) << np.uint8(2)))
        flags[i] = f
        t += f
    return t


@njit
def _flagged(i, f, xs, a1, toward, want, got, amb, cand, k, c):
    """Input i with flags f: the Taylor rule applied (flag 4), then recorded as ambiguous and/or
    candidate.  Returns the new counts (k, c)."""
    if f & 4:
        g = np.float32(np.nextafter(a1 * xs[i], toward))
        got[i] = g
        f = (f & 1) | (2 if g != want[i] else 0)
    if f & 1:
        amb[k] = i
        k += 1
    if f:
        cand[c] = i
        c += 1
    return k, c


@njit
def fused_float32(xs, y, m, has_m, yk, has_yk, a1, a2, has_taylor, rel, absb, radius, want, got, amb, cand, flags):
    """float32 (no bit patterns needed: comparing float32 values is comparing their bits,
    except ±0, which the audit counts as equal anyway).  cand ← indices where got ≠ want or
    the input is ambiguous (a superset of the inputs whose outputs differ).  Returns the
    numbers of ambiguous and of candidate inputs.  Two passes: the branch-free one
    (:func:`_flags_float32`) and, when it flagged anything, a scan of the flags eight at a time
    (``flags`` is scratch memory of at least xs.size bytes)."""
    n = xs.size
    toward = np.inf if a2 > 0 else -np.inf
    if _flags_float32(xs, y, m, has_m, yk, has_yk, has_taylor, rel, absb, radius, want, got, flags) == 0:
        return 0, 0
    k = 0
    c = 0
    words = flags[: n - n % 8].view(np.uint64)
    for j in range(words.size):
        if words[j] != 0:
            for i in range(8 * j, 8 * j + 8):
                if flags[i]:
                    k, c = _flagged(i, flags[i], xs, a1, toward, want, got, amb, cand, k, c)
    for i in range(n - n % 8, n):
        if flags[i]:
            k, c = _flagged(i, flags[i], xs, a1, toward, want, got, amb, cand, k, c)
    return k, c

@njit
def float_inputs(kind, start, stop, out):
    """Values (float64) of the ordinals start..stop-1 of the format."""
    s32 = np.empty(1, np.uint32)
    f32 = s32.view(np.float32)
    for j in range(stop - start):
        o = start + j
        if kind == 2:
            b = np.uint32(o) if o >= 0 else np.uint32(0x80000000 | (-o))
            s32[0] = b
            out[j] = np.float64(f32[0])
        elif kind == 1:
            b = np.uint32(o) if o >= 0 else np.uint32(0x8000 | (-o))
            s32[0] = b << np.uint32(16)
            out[j] = np.float64(f32[0])
        else:
            mag = o if o >= 0 else -o
            ex = mag >> 10
            mt = mag & 0x3FF
            if ex == 0:
                val = mt * 5.960464477539063e-08  # 2^-24, exact
            else:
                val = (1024 + mt) * 2.0 ** (ex - 25)
            out[j] = val if o >= 0 else -val
    return out

@njit
def _out_bits(b, ftz, mag_mask, sign_mask, min_normal):
    """Output bits, flushed to the zero of their sign under FTZ when subnormal."""
    if ftz:
        m = b & mag_mask
        if m != 0 and m < min_normal:
            return b & sign_mask
    return b

@njit
def _in_class(cls, b, first, xi, kind, s32, u32, s64, u64, mag_mask):
    if cls == 0:
        return b == first
    if cls == 1:
        return (b & mag_mask) == 0
    return b == round_bits(xi, kind, s32, u32, s64, u64)  # identity: the input's own bits

_BLOCK = 256


@njit
def _skip_blocks(xs, got, p, side, alive, r0, r1, mag_mask, sign_mask, min_normal, f32b, u32b):
    """The first position ≥ p (a multiple of _BLOCK) of a block of float32 inputs, counted from the
    ``side`` end, in which some live run ends; n when none ends.  Branch-free within a block (numba
    vectorises it): the memberships of every input ANDed together; the inputs are read only while
    an identity run is alive (a constant or zero run needs the outputs alone)."""
    n = xs.size
    identity = (alive & 0b100100) != 0
    while p + _BLOCK <= n:
        base = p if side == 0 else n - p - _BLOCK
        acc = 0b111111
        if identity:
            for k in range(_BLOCK):
                f32b[k] = np.float32(xs[base + k])  # exact: the inputs are float32 values
            for k in range(_BLOCK):
                b0 = np.uint64(got[base + k])
                mag = b0 & mag_mask
                b1 = b0 & ~(mag_mask * np.uint64((mag != 0) & (mag < min_normal)))  # FTZ: subnormal -> ±0
                xb = np.uint64(u32b[k])
                acc &= (np.int64(b0 == r0) | (np.int64(mag == 0) << 1) | (np.int64(b0 == xb) << 2)
                        | (np.int64(b1 == r1) << 3) | (np.int64((b1 & mag_mask) == 0) << 4)
                        | (np.int64(b1 == xb) << 5))
        else:
            for k in range(_BLOCK):
                b0 = np.uint64(got[base + k])
                mag = b0 & mag_mask
                b1 = b0 & ~(mag_mask * np.uint64((mag != 0) & (mag < min_normal)))
                acc &= (np.int64(b0 == r0) | (np.int64(mag == 0) << 1)
                        | (np.int64(b1 == r1) << 3) | (np.int64((b1 & mag_mask) == 0) << 4))
        if (acc & alive) != alive:
            return p
        p += _BLOCK
    return p


@njit
def saturation_lengths(kind, xs, got, mag_mask, sign_mask, min_normal, inf_bits, out):
    """The twelve run lengths of :func:`gelu_math.audit.saturation.lengths`: for FTZ off/on, the
    runs of constant, zero and identity outputs from the start and from the end of the chunk.

    One pass per end for all six (class, FTZ) runs at once: a bit mask of the runs still alive,
    each input tested only against those, the pass stopping when none is; a run that reaches the
    other end from the start is the whole chunk from the end too (no second pass).  In a saturated
    chunk (half of all float32 inputs for GELU) that is one pass instead of six."""
    s32 = np.empty(1, np.float32)
    u32 = s32.view(np.uint32)
    s64 = np.empty(1, np.float64)
    u64 = s64.view(np.uint64)
    f32b = np.empty(_BLOCK, np.float32)
    u32b = f32b.view(np.uint32)
    n = xs.size
    whole = 0  # bits j = 3·ftz + class of the runs that cover the chunk
    for side in range(2):
        end = 0 if side == 0 else n - 1
        r0 = np.uint64(got[end])
        r1 = _out_bits(r0, True, mag_mask, sign_mask, min_normal)
        alive = 0b111111
        if (r0 & mag_mask) > inf_bits:  # a NaN output is no constant
            alive &= ~0b001001
        if side == 1:
            alive &= ~whole
        p = 0
        while alive != 0 and p < n:
            if kind == 2 and p % _BLOCK == 0:  # float32: skip whole blocks in which every live run goes on
                p = _skip_blocks(xs, got, p, side, alive, r0, r1, mag_mask, sign_mask, min_normal, f32b, u32b)
                if p >= n:
                    break
            i = p if side == 0 else n - 1 - p
            b0 = np.uint64(got[i])
            b1 = _out_bits(b0, True, mag_mask, sign_mask, min_normal)
            m = 0
            if b0 == r0:
                m |= 0b000001
            if (b0 & mag_mask) == 0:
                m |= 0b000010
            if b1 == r1:
                m |= 0b001000
            if (b1 & mag_mask) == 0:
                m |= 0b010000
            if alive & 0b100100:
                xb = round_bits(xs[i], kind, s32, u32, s64, u64)  # identity: the input's own bits
                if b0 == xb:
                    m |= 0b000100
                if b1 == xb:
                    m |= 0b100000
            died = alive & ~m
            if died != 0:
                for j in range(6):
                    if (died >> j) & 1:
                        out[6 * (j // 3) + 2 * (j % 3) + side] = p
                alive &= m
            p += 1
        for j in range(6):
            if (alive >> j) & 1:
                out[6 * (j // 3) + 2 * (j % 3) + side] = n
        if side == 0:
            whole = alive
        else:
            for j in range(6):
                if (whole >> j) & 1:
                    out[6 * (j // 3) + 2 * (j % 3) + 1] = n
    return out
