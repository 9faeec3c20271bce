"""Layer 0: vocabularies and defaults shared by the commands, claims files and the Python API, each
spelled once (here, where reading them imports nothing: the command line offers them at start-up).

``METRICS`` — how an approximation A is compared with a reference R: ``abs`` |A − R|, ``rel``
|A/R − 1|.  ``TARGETS`` — what is compared: ``gelu`` (the functions themselves) or ``cdf``
(f(x)/x, the CDF of a GELU-type function).  Every layer may read them (claims files are read at
layer 2, envelopes computed at layer 4, options offered at layer 6).
"""

METRICS = ("abs", "rel")  # |A − R|, |A/R − 1|
TARGETS = ("gelu", "cdf")  # the functions themselves, or f(x)/x (the CDF of a GELU-type function)
ENVELOPE_MAX_DERIVATIVE = 4  # envelopes compare derivatives of order 0..4 (command, claims, API)
RELAX_MODES = ("chebyshev", "area", "tangent-chord")  # how `relax` chooses its lines
RELAX_DIGITS = 20  # `relax`'s default digits
REPORT_DIGITS, REPORT_ORDER = 20, 4  # `report`'s defaults: certified digits, derivative order
