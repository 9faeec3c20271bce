"""LaTeX back end: a standalone article and an ``\\input``-able body.

Math is SymPy's ``latex()``.  Prose is escaped and its Unicode symbols (ℝ, ′, −, ≤, Φ, …) are
mapped to LaTeX, so the output is pure ASCII and compiles with pdflatex (amsmath, amssymb
only).  The body file needs only ``\\usepackage{amsmath,amssymb}`` in the including document.
Wide tables (the comparison matrix) are split into several tables of a few columns each.
"""

from __future__ import annotations

import sympy as sp

from .markdown import tex_line
from .model import Display, Document, Figure, Para, Raw, Table

EXT = "tex"
PREAMBLE = (r"\documentclass[11pt]{article}", r"\usepackage{amsmath,amssymb}",
            r"\setlength{\textwidth}{17cm}", r"\setlength{\oddsidemargin}{-0.5cm}", r"\allowdisplaybreaks",
            r"\setlength{\parindent}{0pt}", r"\setlength{\parskip}{0.5em}", r"\sloppy")
TABLE_COLUMNS = 4  # data columns per table (plus the first, repeated)

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
    "⊂": r"$\subset$", "⊆": r"$\subseteq$", "∪": r"$\cup$", "∩": r"$\cap$", "∅": r"$\emptyset$",
    "⟹": r"$\Longrightarrow$", "⇔": r"$\Leftrightarrow$", "↦": r"$\mapsto$", "∘": r"$\circ$",
    "≡": r"$\equiv$", "≪": r"$\ll$", "≫": r"$\gg$", "∓": r"$\mp$", "⋯": r"$\cdots$", "°": r"$^\circ$",
    "“": "``", "”": "''", "‘": "`", "é": r"\'e", "ö": r'\"o', "ü": r'\"u', "ä": r'\"a',
}
_UNICODE.update({chr(0x2080 + i): f"$_{{{i}}}$" for i in range(10)})  # subscript digits
_UNICODE.update({c: f"$^{{{i}}}$" for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")})  # superscript digits


def text(s: str) -> str:
    """Escape prose for LaTeX; every non-ASCII character must have a mapping (else ValueError)."""
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
    return "".join(out)


def _tex(expr) -> str:
    return sp.latex(expr)


def display(expr) -> str:
    return expr.get(EXT) if isinstance(expr, Raw) else _tex(expr)


def render_line(ln, digits: int) -> str:
    return tex_line(ln, digits, text=text, tex=_tex, ext=EXT, link=lambda p: r"\texttt{" + text(p.text) + "}")


def _table(t: Table, digits: int) -> list[str]:
    ncol = len(t.header)
    groups = [list(range(ncol))] if ncol <= TABLE_COLUMNS + 1 else \
        [[0] + list(range(i, min(i + TABLE_COLUMNS, ncol))) for i in range(1, ncol, TABLE_COLUMNS)]
    out = []
    for cols in groups:
        width = f"{0.9 / len(cols):.3f}"
        spec = "|".join([r"p{" + width + r"\linewidth}"] * len(cols))
        out += [r"\begin{center}\small", r"\begin{tabular}{|" + spec + "|}", r"\hline",
                " & ".join(r"\textbf{" + text(t.header[c]) + "}" for c in cols) + r" \\ \hline"]
        out += [" & ".join(render_line(r[c], digits) for c in cols) + r" \\ \hline" for r in t.rows]
        out += [r"\end{tabular}", r"\end{center}", ""]
    return out


def _block(b, digits: int) -> list[str]:
    if isinstance(b, Para):
        return [render_line(b.line, digits), ""]
    if isinstance(b, Display):
        return [r"\begin{equation*}", display(b.expr), r"\end{equation*}", ""]
    if isinstance(b, Table):
        return _table(b, digits)
    if isinstance(b, Figure):
        return [r"\noindent\textit{Figure: " + text(b.caption) + r"} (\texttt{" + text(b.path) + "})", ""]
    raise TypeError(type(b))


def render_body(doc: Document, digits: int) -> str:
    from .build import CERTIFICATE

    out = [f"% gelu-math derivation report: {text(doc.title)}",
           r"% \input into a document that loads amsmath and amssymb", r"\section*{" + text(doc.title) + "}", ""]
    for b in doc.intro:
        out += _block(b, digits)
    for sec in doc.sections:
        out += [r"\subsection*{" + text(sec.title) + "}", ""]
        for b in sec.intro:
            out += _block(b, digits)
        for c in sec.claims:
            out += [r"\subsubsection*{" + text(c.title) + "}", "",
                    r"\textbf{Claim.} " + render_line(c.statement, digits), ""]
            for b in c.blocks:
                out += _block(b, digits)
            if c.steps:
                out += [r"\textbf{Derivation.}", r"\begin{enumerate}"]
                out += [r"\item " + render_line(s, digits) for s in c.steps]
                out += [r"\end{enumerate}", ""]
            if c.method is not None:
                out += [r"\textbf{Certificate:} " + text(CERTIFICATE[c.method]), ""]
            if c.references:
                out += [r"\textbf{References:} " + "; ".join(text(r) for r in c.references), ""]
    if doc.references:
        out += [r"\subsection*{References}", r"\begin{itemize}"] + [r"\item " + text(r) for r in doc.references] \
            + [r"\end{itemize}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render(doc: Document, digits: int) -> str:
    """The standalone article: preamble + the body (inlined, so it compiles from any directory)."""
    return "\n".join((*PREAMBLE, r"\begin{document}", render_body(doc, digits).rstrip("\n"),
                      r"\end{document}")) + "\n"
