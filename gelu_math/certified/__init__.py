"""Layer 3: certified numerics — Arb ball evaluation, root isolation, tail proofs,
and the certified properties (zeros, extrema, ranges) built from them."""
