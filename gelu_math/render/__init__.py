"""Layer 5: renderers — facts to text, JSON and LaTeX.  Math objects never format themselves."""
