"""Subscripts written in prose, for the back ends that can set them (LaTeX, HTML).

Facts and steps write indices the plain-text way — ``σ_w²``, ``q_l``, ``h_l = W_l a_(l-1) + b_l``,
``x_max`` — which Markdown and the command line keep as they are.  Printed with a literal
underscore in a paper that is not the conventional notation, so :func:`split` finds them and the
LaTeX and HTML back ends set a subscript.  Only a *single* letter (Latin or Greek) takes one,
when it is not part of a longer word, a path or an option (not after a letter, digit, ``_``, ``\\``,
``.``, ``/``, ``-``, a quote or a prime), followed by ``_`` and one letter, up to three digits, a parenthesised
group of letters, digits, ``+ − - , ' =`` (its parentheses dropped), or the word ``max`` or ``min``,
and nothing more of a word after it.  So code names such as ``kaiming_normal_``, ``gelu_tanh``,
``reset_parameters``, ``i_gelu`` or a user's ``h_sq`` are never touched; a code name that *is* one
letter and an index (HF's ``a_p``) belongs in backticks, which both back ends set as code.

>>> [p if isinstance(p, str) else p[:2] for p in split("Var w = σ_w²/n, h_l = W_l a_(l-1); kaiming_normal_")]
['Var w = ', ('σ', 'w'), '²/n, ', ('h', 'l'), ' = ', ('W', 'l'), ' ', ('a', 'l-1'), '; kaiming_normal_']
"""

from __future__ import annotations

import re

_LETTER = "A-Za-z\u0391-\u03a9\u03b1-\u03c9"  # Latin and Greek letters
_WORD = _LETTER + "0-9_"
_GROUP = _LETTER + "0-9+\u2212,'=-"
SUBSCRIPT = re.compile(rf"(?<![{_WORD}\\./\-\"'′])([{_LETTER}])_"
                       rf"(\([{_GROUP}]{{1,12}}\)|max|min|[0-9]{{1,3}}|[{_LETTER}])(?![{_WORD}])")


def split(s: str) -> list:
    """``s`` as a list of plain strings and ``(base, subscript, as written)`` triples, in order."""
    out, pos = [], 0
    for m in SUBSCRIPT.finditer(s):
        if m.start() > pos:
            out.append(s[pos:m.start()])
        sub = m.group(2)
        out.append((m.group(1), sub[1:-1] if sub.startswith("(") else sub, m.group(0)))
        pos = m.end()
    if pos < len(s):
        out.append(s[pos:])
    return out


# a single-letter variable standing alone in prose (x, f′, x₀, t²): set in math italic by LaTeX and HTML, as the
# formulas beside it are.  Lowercase letters other than the article "a" and Euler's e, and Z (Z ∼ N(0, 1));
# not after or before a letter, digit, underscore, hyphen (c-style), path or option character, or a quote
_VARIABLE_LETTERS = "bcdfghkmnpqrstuvwxyz" + "Z"
VARIABLE = re.compile(rf"(?<![{_WORD}\\./\-\"'′’@#%&*`])([{_VARIABLE_LETTERS}])([′″‴]?)([₀-₉]*)([⁰¹²³⁴-⁹]*)"
                      rf"(?![{_WORD}\-\u2080-\u2089\u2070-\u2079\u00b2\u00b3\u00b9])")


def variables(s: str) -> list:
    """``s`` as plain strings and ``(letter, primes, subscript digits, superscript digits)`` tuples for its
    single-letter variables (x, f′, x₀, x²); words, code names and paths are left alone.

    >>> [p for p in variables("f′(x) = Φ(x) + x φ(x) at x₀, for k ≥ 2; gelu_tanh, a c-style x86 2x")]
    [('f', '′', '', ''), '(', ('x', '', '', ''), ') = Φ(', ('x', '', '', ''), ') + ', ('x', '', '', ''), ' φ(', ('x', '', '', ''), ') at ', ('x', '', '₀', ''), ', for ', ('k', '', '', ''), ' ≥ 2; gelu_tanh, a c-style x86 2x']
    """
    out, pos = [], 0
    for m in VARIABLE.finditer(s):
        if m.start() > pos:
            out.append(s[pos:m.start()])
        out.append(m.groups())
        pos = m.end()
    if pos < len(s):
        out.append(s[pos:])
    return out


_MINUS = re.compile(r"(?:(?<=^)|(?<=[ (\[{\u00a0]))-(?=\.?[0-9])")


def minus_signs(s: str) -> str:
    """Prose with a hyphen that is a minus sign (``x ≤ -2``, ``[-1, 2]``: a hyphen before a digit at the
    start or after a space or an opening bracket) written as the minus sign ``−``; hyphens in words,
    ranges (``3-5``) and options (``--on=-1,2``) stay.

    >>> minus_signs("for x ≤ -2 on [-1, 2], pages 3-5, --on=-1,2, float-32")
    'for x ≤ −2 on [−1, 2], pages 3-5, --on=-1,2, float-32'
    """
    return _MINUS.sub("\u2212", s)


def code_spans(s: str) -> list[tuple[bool, str]]:
    """``s`` split at its backticks (Markdown's code spans) into ``(is_code, text)`` pieces; one
    prose piece when the backticks do not pair up."""
    parts = s.split("`")
    if len(parts) > 1 and len(parts) % 2 == 1:
        return [(i % 2 == 1, p) for i, p in enumerate(parts)]
    return [(False, s)]
