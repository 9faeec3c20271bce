"""``python -m gelu_math.plots [OUTDIR]``: regenerate the committed figure set (default ``figures``)."""

from __future__ import annotations

import sys

from .gallery import write_all


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for path in write_all(argv[0] if argv else "figures"):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
