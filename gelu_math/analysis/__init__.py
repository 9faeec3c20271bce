"""Layer 2: symbolic analysis — pieces, derivatives, limits, series, parity, smoothness.

Nothing here rounds: every result is an exact SymPy object (or a stated failure)."""
