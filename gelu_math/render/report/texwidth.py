"""LaTeX prose escaping and width estimates (points at 11 pt) for the LaTeX back end.

:func:`text` escapes prose, maps its Unicode symbols (ℝ, ′, −, ≤, Φ, …) to LaTeX, so the output
is pure ASCII, and sets its plain-text subscripts (σ_w, a_(l-1), x_max: :mod:`.prose`) in math;
:func:`tex_width` and :func:`line_width` estimate how wide printed LaTeX will be
(checked against pdflatex: within about 5 %), which decides where :mod:`.latex` breaks formulas
and how it sizes table columns.
"""

from __future__ import annotations

import re

from .prose import code_spans, minus_signs, split as split_subscripts, variables

_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
            "_": r"\_", "^": r"\^{}", "~": r"\~{}", "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
_UNICODE = {
    "′": "$'$", "″": "$''$", "‴": "$'''$", "ℝ": r"$\mathbb{R}$", "ℂ": r"$\mathbb{C}$", "∞": r"$\infty$",
    "−": "$-$", "≤": r"$\le$", "≥": r"$\ge$", "≠": r"$\ne$", "→": r"$\to$", "±": r"$\pm$", "·": r"$\cdot$",
    "√": r"$\surd$", "Φ": r"$\Phi$", "φ": r"$\varphi$", "σ": r"$\sigma$", "μ": r"$\mu$", "∈": r"$\in$",
    "…": r"\dots{}", "—": "---", "–": "--", "⁺": r"$^{+}$", "⁻": r"$^{-}$", "×": r"$\times$", "≈": r"$\approx$",
    "∫": r"$\int$", "Σ": r"$\Sigma$", "∑": r"$\sum$", "ε": r"$\varepsilon$", "δ": r"$\delta$", "λ": r"$\lambda$",
    "α": r"$\alpha$", "β": r"$\beta$", "∂": r"$\partial$", "·": r"$\cdot$", "’": "'", "⇒": r"$\Rightarrow$",
    "⌈": r"$\lceil$", "⌉": r"$\rceil$", "∀": r"$\forall$", "∃": r"$\exists$", "∖": r"$\setminus$",
    "\u00a0": "~", "ᵏ": r"$^{k}$", "ℓ": r"$\ell$", "θ": r"$\theta$", "ξ": r"$\xi$", "η": r"$\eta$",
    "γ": r"$\gamma$", "κ": r"$\kappa$", "τ": r"$\tau$", "ρ": r"$\rho$", "π": r"$\pi$", "ω": r"$\omega$",
    "Δ": r"$\Delta$", "Ψ": r"$\Psi$", "ψ": r"$\psi$", "χ": r"$\chi$", "ν": r"$\nu$", "ζ": r"$\zeta$",
    "∼": r"$\sim$", "⊂": r"$\subset$", "⊆": r"$\subseteq$", "∪": r"$\cup$", "∩": r"$\cap$", "∅": r"$\emptyset$",
    "⟹": r"$\Longrightarrow$", "⇔": r"$\Leftrightarrow$", "↦": r"$\mapsto$", "∘": r"$\circ$",
    "≡": r"$\equiv$", "≪": r"$\ll$", "≫": r"$\gg$", "∓": r"$\mp$", "⋯": r"$\cdots$", "°": r"$^\circ$",
    "“": "``", "”": "''", "‘": "`", "é": r"\'e", "ö": r'\"o', "ü": r'\"u', "ä": r'\"a',
}
_UNICODE.update({chr(0x2080 + i): f"$_{{{i}}}$" for i in range(10)})  # subscript digits
_UNICODE.update({"ₙ": "$_{n}$", "ₚ": "$_{p}$", "ₖ": "$_{k}$", "ᵢ": "$_{i}$"})  # subscript letters (αₙ, αₚ)
_UNICODE.update({c: f"$^{{{i}}}$" for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")})  # superscript digits


def text(s: str) -> str:
    """Escape prose for LaTeX; every non-ASCII character must have a mapping (else ValueError).  A
    `command` between backticks (Markdown's code span) is set in typewriter type with its hyphens
    kept apart (LaTeX would make ``--json`` an en dash and the backticks quotes)."""
    return "".join(r"\texttt{" + _escape(p).replace("-", "-{}") + "}" if code else _prose(p)
                   for code, p in code_spans(s))


def literal(s: str) -> str:
    """Escape a name or a path for LaTeX as written (no subscripts: ``h_sq``, ``figures/gelu_tanh.pdf``)."""
    return _escape(s)


def _prose(s: str) -> str:
    """Escaped prose with its plain-text subscripts (σ_w, a_(l-1): :mod:`.prose`) set as subscripts, its
    single-letter variables in math italic and its minus signs as minus signs (:func:`.prose.minus_signs`)."""
    return "".join(_plain(p) if isinstance(p, str) else _subscript(*p) for p in split_subscripts(minus_signs(s)))


_PRIMES = {"′": "'", "″": "''", "‴": 3 * "'"}
_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))


def _plain(s: str) -> str:
    """Escaped prose with its single-letter variables in math italic (x, f′, x₀: :func:`.prose.variables`)."""
    out = []
    for p in variables(s):
        if isinstance(p, str):
            out.append(_escape(p))
            continue
        letter, primes, sub, sup = p
        tex = letter + _PRIMES.get(primes, "")
        if sub:
            tex += "_{" + "".join(str(ord(c) - 0x2080) for c in sub) + "}"
        if sup:
            tex += "^{" + "".join(_SUP[c] for c in sup) + "}"
        out.append(f"${tex}$")
    return "".join(out)


def _math_char(ch: str) -> str | None:
    if ch == "−":
        return "-"
    if ord(ch) < 128:
        return ch if ch.isalnum() or ch in "+-,.'=" else None
    t = _UNICODE.get(ch, "")
    return t[1:-1] if len(t) > 2 and t[0] == t[-1] == "$" else None


def _subscript(base: str, sub: str, raw: str) -> str:
    """``$b_{s}$``; a subscript that is a word (x_max) upright, as an index that is a name."""
    chars = [_math_char(c) for c in base + sub]
    if None in chars:  # a character without a math-mode mapping: leave it as written
        return _escape(raw)
    idx = "".join(c + " " if c.startswith("\\") else c for c in chars[1:]).strip()
    if len(sub) > 1 and sub.isascii() and sub.isalpha():
        idx = r"\mathrm{" + idx + "}"
    return f"${chars[0]}_{{{idx}}}$"


def _escape(s: str) -> str:
    out = []
    for ch in s:
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ord(ch) < 128:
            out.append(ch)
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        else:
            raise ValueError(f"no LaTeX mapping for {ch!r} (U+{ord(ch):04X}) in {s!r}")
    # a run of superscript (subscript) characters is one script: 2⁶⁴ as 2$^{64}$, not 2$^{6}$$^{4}$
    return _RUN.sub(lambda m: m.group(0)[:2] + "{" + "".join(_ONE.findall(m.group(0))) + "}$", "".join(out))


_RUN = re.compile(r"\$\^\{[^{}$]+\}\$(?:\$\^\{[^{}$]+\}\$)+|\$_\{[^{}$]+\}\$(?:\$_\{[^{}$]+\}\$)+")
_ONE = re.compile(r"[\^_]\{([^{}$]+)\}")


# --- width estimate ---------------------------------------------------------------------------
# Points at 11 pt (Computer Modern), a little generous.  Levels: 0 display style, 1 text style
# (both full size), 2 script (0.77), 3 scriptscript (0.67); a fraction or a script goes one level
# down (two from text style for a script).  The script factors are wider than the font sizes (8/11,
# 6/11) because the small Computer Modern fonts are drawn wider: a digit of cmr6 is 0.61 em, of
# cmr10 0.50 em (0.55 for scriptscript made a nested fraction of xielu's gain 157 pt where pdflatex
# sets 196 pt, and its table cell overflowed).  An estimate only decides where to break: the
# compile test measures.

_BIN = {"cdot", "pm", "mp", "times", "cup", "cap", "circ", "setminus", "*"}
_REL = {"le", "ge", "leq", "geq", "in", "ne", "neq", "to", "approx", "equiv", "subset", "subseteq", "mapsto",
        "Rightarrow", "Leftrightarrow", "Longrightarrow", "ll", "gg"}
_ROMAN = {"operatorname", "mathrm", "text", "textrm", "textit", "textbf", "texttt", "mathit", "mathbf"}
_DELIM = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "big", "Big", "bigg", "Bigg",
          "middle"}
_SPACE = {",": 2.0, ":": 2.5, ";": 3.0, "!": -1.8, " ": 3.7, "quad": 11.0, "qquad": 22.0}
_CMD = re.compile(r"\\([A-Za-z]+|.)")
_SCALES = (1.0, 1.0, 0.77, 0.67)


class _Reader:
    def __init__(self, s: str):
        self.s, self.i = s, 0

    def token(self):
        """The next token: ('cmd', name), ('char', c), ('group', text) or None at the end."""
        s = self.s
        while self.i < len(s) and s[self.i] in " \n\t":
            self.i += 1
        if self.i >= len(s):
            return None
        c = s[self.i]
        if c == "\\":
            m = _CMD.match(s, self.i)
            self.i = m.end()
            return ("cmd", m.group(1))
        if c == "{":
            depth, j = 0, self.i
            while j < len(s):
                if s[j] == "\\":
                    j += 2
                    continue
                depth += {"{": 1, "}": -1}.get(s[j], 0)
                if depth == 0:
                    break
                j += 1
            inner, self.i = s[self.i + 1:j], j + 1
            return ("group", inner)
        self.i += 1
        return ("char", c)


def _arg_width(r: _Reader, level: int) -> float:
    t = r.token()
    if t is None:
        return 0.0
    if t[0] == "group":
        return tex_width(t[1], level)
    return _token_width(t, r, level)


def _token_width(t, r: _Reader, level: int) -> float:
    k = _SCALES[min(level, 3)]
    kind, v = t
    if kind == "group":
        return tex_width(v, level)
    if kind == "char":
        if v.isdigit():
            return 5.5 * k
        if v.isalpha():
            return 6.0 * k
        if v in "+-":
            return (13.0 if level <= 1 else 8.5) * k
        if v in "=<>":
            return (15.0 if level <= 1 else 9.0) * k
        if v in "^_":
            return _arg_width(r, _script(level))
        if v in "()[]|/":
            return 4.5 * k
        if v == ",":
            return 5.0 * k
        if v == "&":
            return 0.0
        return 3.5 * k
    name = v
    if name in ("frac", "dfrac", "tfrac"):
        sub = {"dfrac": 1, "tfrac": 2}.get(name, min(level + 1, 3))
        return max(_arg_width(r, sub), _arg_width(r, sub)) + 2.0 * k
    if name == "sqrt":
        return _arg_width(r, level) + 9.5 * k
    if name in _DELIM:
        d = r.token()
        if d is None or (d[0] == "char" and d[1] == "."):
            return 0.0
        return (7.0 if name.startswith(("bigg", "Bigg")) else 5.5) * k
    if name in _ROMAN:
        g = r.token()
        inner = g[1] if g else ""
        return len(re.sub(r"\\[A-Za-z]+|[{}]", "", inner)) * 5.6 * k
    if name in ("mathbb", "mathcal"):
        r.token()
        return 8.0 * k
    if name in _SPACE:
        return _SPACE[name] * k
    if name in _BIN:
        return (13.0 if level <= 1 else 8.0) * k
    if name in _REL:
        return (15.0 if level <= 1 else 9.0) * k
    if name in ("infty",):
        return 11.0 * k
    if name in ("dots", "ldots", "cdots"):
        return 14.0 * k
    if name in ("sum", "prod"):
        return 17.0 * k
    if name in ("int",):
        return 11.0 * k
    if name in ("{", "}", "|"):
        return 5.0 * k
    if name in ("lceil", "rceil", "lfloor", "rfloor", "langle", "rangle", "vert"):
        return 4.5 * k
    if len(name) > 1 and name.islower() and name not in ("alpha", "beta", "gamma", "delta", "epsilon", "varepsilon",
                                                          "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
                                                          "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi",
                                                          "varphi", "chi", "psi", "omega", "ell", "partial"):
        return (len(name) * 5.6 + 2.0) * k  # \tanh, \log, \exp, …
    return 7.0 * k


def tex_width(s: str, level: int = 0) -> float:
    """Estimated width in points of math ``s`` at ``level`` (0 display, 1 text, 2 script style)."""
    w = 0.0
    for m in _ENV.finditer(s):  # a cases/matrix environment is as wide as its widest row
        rows = m.group(2).split(r"\\")
        w += 12.0 + max(tex_width(row.replace("&", r"\quad "), level) for row in rows)
    r = _Reader(_ENV.sub("", s))
    while (t := r.token()) is not None:
        w += _token_width(t, r, level)
    return w


_ENV = re.compile(r"\\begin\{(cases|matrix|pmatrix|array)\}(.*?)\\end\{\1\}", re.S)


def _script(level: int) -> int:
    return 2 if level <= 1 else 3


def _split_math_text(s: str):
    """The ``$…$`` segments of a LaTeX line as (is_math, text) pairs."""
    parts, pos, inside = [], 0, False
    for m in re.finditer(r"(?<!\\)\$", s):
        parts.append((inside, s[pos:m.start()]))
        pos, inside = m.end(), not inside
    parts.append((inside, s[pos:]))
    return [p for p in parts if p[1]]


# Widths of Computer Modern Roman (cmr10) glyphs at its design size, 10 pt, from its TFM file
# (``tftopl cmr10.tfm``, CHARWD × 10); the interword space is its FONTDIMEN SPACE.  A flat 5.6 pt per
# character at 11 pt made "minimum" 39 pt where pdflatex sets 45.6 pt, and table cells overflowed.
_CMR10 = dict(zip("abcdefghijklmnopqrstuvwxyz", (5.0, 5.56, 4.44, 5.56, 4.44, 3.06, 5.0, 5.56, 2.78, 3.06, 5.28, 2.78,
                                                  8.33, 5.56, 5.0, 5.56, 5.28, 3.92, 3.94, 3.89, 5.56, 5.28, 7.22,
                                                  5.28, 5.28, 4.44)))
_CMR10.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (7.5, 7.08, 7.22, 7.64, 6.81, 6.53, 7.85, 7.5, 3.61, 5.14, 7.78, 6.25,
                                                  9.17, 7.5, 7.78, 6.81, 7.78, 7.36, 5.56, 7.22, 7.5, 7.5, 10.28, 7.5,
                                                  7.5, 6.11)))
_CMR10.update({d: 5.0 for d in "0123456789"})
_CMR10.update({" ": 3.33, ".": 2.78, ",": 2.78, ":": 2.78, ";": 2.78, "!": 2.78, "?": 4.72, "'": 2.78, "`": 2.78,
               "(": 3.89, ")": 3.89, "[": 2.78, "]": 2.78, "-": 3.33, "/": 5.0, "*": 5.0, "+": 7.78, "=": 7.78,
               "&": 7.78, "%": 8.33, "#": 8.33, "$": 5.0, "@": 7.78, '"': 5.0})
_CMR_SCALE = 10.95 / 10  # the 11 pt class sets cmr10 at 10.95 pt


def _text_width(s: str) -> float:
    """Width of prose (LaTeX source, commands and braces dropped) in cmr at 11 pt."""
    return sum(_CMR10.get(c, 5.0) for c in re.sub(r"\\[A-Za-z]+\s?|[{}]", "", s)) * _CMR_SCALE


_BREAK = re.compile(r" [+-] | \\pm | \\cdot | \\\* | = | \\in | \\le | \\ge |\\allowbreak ")


def _math_chunks(s: str) -> list[str]:
    """``s`` split where TeX may break inline math: after top-level binary operators and relations
    (not inside braces or \\left…\\right)."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(s):
        if depth == 0 and (m := _BREAK.match(s, i)):
            out.append(s[start:m.end()])
            start = i = m.end()
            continue
        if s.startswith(r"\left", i) and not s[i + 5:i + 6].isalpha():
            depth += 1
        elif s.startswith(r"\right", i) and not s[i + 6:i + 7].isalpha():
            depth -= 1
        elif s[i] == "\\":
            i += 2
            continue
        elif s[i] in "{}":
            depth += 1 if s[i] == "{" else -1
        i += 1
    out.append(s[start:])
    return out


def line_width(s: str) -> tuple[float, float]:
    """(estimated natural width, widest unbreakable piece) of a LaTeX line (prose and ``$…$``)."""
    total, widest = 0.0, 0.0
    for is_math, seg in _split_math_text(s):
        if is_math:
            ws = [tex_width(c, 1) for c in _math_chunks(seg)]
            total += sum(ws)
            widest = max([widest, *ws])
        else:
            total += _text_width(seg)
            widest = max([widest, *(_text_width(wd) for wd in seg.split())])
    return total, widest


# --- breaking formulas -------------------------------------------------------------------------
