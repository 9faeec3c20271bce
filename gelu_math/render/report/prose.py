"""Subscripts written in prose, for the back ends that can set them (LaTeX, HTML).

Facts and steps write indices the plain-text way — ``σ_w²``, ``q_l``, ``h_l = W_l a_(l-1) + b_l``,
``x_max`` — which Markdown and the command line keep as they are.  Printed with a literal
underscore in a paper that is not the conventional notation, so :func:`split` finds them and the
LaTeX and HTML back ends set a subscript.  Only a *single* letter (Latin or Greek) takes one, and
only when it is not part of a longer word and is followed by ``_`` and either one to three letters
or digits ending a word, or a parenthesised group without spaces (the group's parentheses are
dropped): so code names such as ``kaiming_normal_``, ``gelu_tanh`` or ``reset_parameters`` and
registry names like ``i_gelu`` are never touched.

>>> split("Var w = σ_w²/n, h_l = W_l a_(l-1) + b_l; kaiming_normal_")
['Var w = ', ('σ', 'w'), '²/n, ', ('h', 'l'), ' = ', ('W', 'l'), ' ', ('a', 'l-1'), ' + ', ('b', 'l'), '; kaiming_normal_']
"""

from __future__ import annotations

import re

_LETTER = "A-Za-z\u0391-\u03a9\u03b1-\u03c9"  # Latin and Greek letters
_WORD = _LETTER + "0-9_"
SUBSCRIPT = re.compile(rf"(?<![{_WORD}\\.'′])([{_LETTER}])_(\([^()\s]{{1,12}}\)|[A-Za-z0-9]{{1,3}})(?![{_WORD}])")


def split(s: str) -> list:
    """``s`` as a list of plain strings and ``(base, subscript)`` pairs, in order."""
    out, pos = [], 0
    for m in SUBSCRIPT.finditer(s):
        if m.start() > pos:
            out.append(s[pos:m.start()])
        sub = m.group(2)
        out.append((m.group(1), sub[1:-1] if sub.startswith("(") else sub))
        pos = m.end()
    if pos < len(s):
        out.append(s[pos:])
    return out
