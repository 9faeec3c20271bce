"""Layer 4: sound linear relaxations of activations for neural-network verification.

* :func:`relax` — certified lower and upper lines on [L, U] (modes ``chebyshev``, ``area``,
  ``tangent-chord``), printed decimals proved sound, gaps as enclosures (:mod:`.linear`);
* :func:`image` — certified enclosure of f([L, U]) (interval bound propagation);
* :func:`bounds` — vectorised float64 lines for many intervals at once, sound by construction
  (:mod:`.fast`).
"""

from .linear import MODES, Line, LineCheck, NoSoundLineError, Relaxation, RelaxInputError, check_line, image, relax
from .fast import bounds, interval_image

__all__ = ["MODES", "Line", "LineCheck", "NoSoundLineError", "Relaxation", "RelaxInputError", "bounds", "check_line", "image",
           "interval_image", "relax"]
