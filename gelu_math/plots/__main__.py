"""``python -m gelu_math.plots [OUTDIR]``: regenerate the committed figure set (default ``figures``).

Errors are one line on stderr (exit 2 for a bad or unwritable directory, 3 when a figure's facts
could not be certified), as on the main command line; every file is written atomically.
"""

from __future__ import annotations

import sys

from ..errors import CertificationError, GeluMathError, SymbolicTimeout, UnsupportedError, one_line
from .gallery import write_all


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        for path in write_all(argv[0] if argv else "figures"):
            print(path)
    except (CertificationError, UnsupportedError, SymbolicTimeout) as exc:
        print("gelu-math: not certified: " + one_line(exc), file=sys.stderr)
        return 3
    except GeluMathError as exc:
        print("gelu-math: error: " + one_line(exc), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"gelu-math: error: {exc.strerror or exc}: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gelu-math: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
