"""The registry: one exact definition per activation, with parameters and sources.

An :class:`Activation` is a recipe ``(parameters) -> SymPy expression in x``.
:meth:`Activation.instance` validates parameter values (numbers, exact decimal
strings such as ``"1.702"``, or SymPy symbols) and returns an :class:`Instance`,
the object every analysis works on.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Callable, Mapping

import sympy as sp

from ..errors import ExpressionError, ParameterError, UnknownFunctionError
from .domain import compare, constant_ball
from .parse import check_limits, parse_number
from .symbols import x


@dataclass(frozen=True)
class Parameter:
    """A parameter with an exact default and an allowed range ``(lower, upper)``.

    ``None`` bounds are unbounded; ``open_lower``/``open_upper`` make the bound strict.
    """

    name: str
    default: sp.Expr
    description: str
    lower: sp.Expr | None = None
    upper: sp.Expr | None = None
    open_lower: bool = False
    open_upper: bool = False

    def range_text(self) -> str:
        lo = "(-inf" if self.lower is None else ("(" if self.open_lower else "[") + str(self.lower)
        hi = "+inf)" if self.upper is None else str(self.upper) + (")" if self.open_upper else "]")
        return f"{lo}, {hi}"

    def validate(self, value) -> sp.Expr:
        """Return the exact SymPy value of ``value`` or raise :class:`ParameterError`."""
        if isinstance(value, bool):
            raise ParameterError(f"parameter {self.name}: expected a number, got {value!r}")
        if isinstance(value, str):
            try:
                v = parse_number(value)
            except ExpressionError as exc:  # -> ParameterError with the name
                raise ParameterError(f"parameter {self.name}: {exc}") from None
        elif isinstance(value, int):
            v = sp.Integer(value)
        elif isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise ParameterError(f"parameter {self.name}: {value!r} is not a finite number")
            v = sp.Rational(repr(value))  # the decimal as written, not its binary neighbour
        elif isinstance(value, sp.Basic):
            v = sp.sympify(value)  # already a SymPy object: no string parsing involved
        else:
            raise ParameterError(f"parameter {self.name}: unsupported value type {type(value).__name__}")
        if v.free_symbols:
            return v  # symbolic parameter: range checks are the caller's assumptions
        if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) or not (v.is_real and v.is_finite or _real_ball(v)):
            raise ParameterError(f"parameter {self.name}: {_text(value)} is not a finite real number")
        try:
            check_limits(v)
        except ExpressionError as exc:
            raise ParameterError(f"parameter {self.name}: {exc}") from None
        for bound, is_open, side in ((self.lower, self.open_lower, 1), (self.upper, self.open_upper, -1)):
            if bound is None:
                continue
            s = compare(v, bound)  # proved sign of v - bound (balls at rising precision, exact zero tests)
            if s is None:
                rel = ">" if side > 0 else "<"
                raise ParameterError(f"parameter {self.name}={_text(value)}: cannot decide whether "
                                     f"{self.name} {rel}{'' if is_open else '='} {bound} (range {self.range_text()})")
            if s == -side or (is_open and s == 0):
                raise ParameterError(f"parameter {self.name}={_text(value)} is outside its range {self.range_text()}"
                                     + (" (it is exactly " + str(bound) + ")" if s == 0 else ""))
        return v


def _real_ball(v: sp.Expr) -> bool:
    b = constant_ball(v, 64)
    return b is not None and b.is_finite()


def _text(value) -> str:
    if isinstance(value, (int, sp.Integer)) and not isinstance(value, bool) and abs(int(value)).bit_length() > 1000:
        return f"(an integer of about {abs(int(value)).bit_length() * 3 // 10} digits)"
    text = value if isinstance(value, str) else sp.sstr(value) if isinstance(value, sp.Basic) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Activation:
    """A registered activation: name, aliases, parameters, exact definition, sources."""

    name: str
    build: Callable[..., sp.Expr]
    title: str
    formula: str  # the defining formula as written in the sources (plain text)
    parameters: tuple[Parameter, ...] = ()
    aliases: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    family: str = "related"  # "gelu" for GELU and its approximations
    notes: tuple[str, ...] = ()
    constraint: Callable[[Mapping[str, sp.Expr]], str | None] | None = field(default=None, compare=False)
    label: str = ""  # the name in figures and legends ("GELU (tanh)"); default: the name
    fitted: str | None = None  # for an approximation of GELU: the coefficient reports fit (minimax-optimal)
    recipe: tuple | None = field(default=None, compare=False, repr=False)  # a user function's (body, symbols):
    # plain SymPy data, so another process can rebuild it without parsing (:func:`.user.definition_data`)

    @property
    def display(self) -> str:
        """The function's name in figures and legends."""
        return self.label or self.name

    def __reduce__(self):
        # a registered activation (built-in or user-defined) crosses process boundaries by name: its
        # recipe is code (lambdas), and the receiving process has the same registry (report workers
        # register the user functions in their initializer); an unregistered one cannot be sent
        if REGISTRY._lookup(self.name) is not self:
            raise TypeError(f"activation {self.name!r} is not registered, so it cannot be sent to another "
                            "process (register it with gelu_math.definitions.user.define)")
        return (_registered, (self.name,))

    def instance(self, params: Mapping[str, object] | None = None, **kw) -> "Instance":
        given = dict(params or {}, **kw)
        known = {p.name: p for p in self.parameters}
        for key in given:
            if key not in known:
                allowed = ", ".join(known) or "none"
                raise ParameterError(f"{self.name} has no parameter {key!r} (parameters: {allowed})")
        values = {p.name: p.validate(given[p.name]) if p.name in given else p.default for p in self.parameters}
        if self.constraint is not None and not any(v.free_symbols for v in values.values()):
            problem = self.constraint(values)
            if problem:
                raise ParameterError(f"{self.name}: {problem}")
        return Instance(self, tuple(values.items()), sp.sympify(self.build(**values)))


@dataclass(frozen=True)
class Instance:
    """An activation with concrete (numeric or symbolic) parameter values."""

    activation: Activation
    params: tuple[tuple[str, sp.Expr], ...]
    expr: sp.Expr

    @property
    def name(self) -> str:
        return self.activation.name

    @property
    def is_numeric(self) -> bool:
        return not (self.expr.free_symbols - {x})

    @property
    def is_default(self) -> bool:
        return all(v == p.default for (_, v), p in zip(self.params, self.activation.parameters))


class Registry:
    """Name -> Activation, with aliases.  Filled once by :mod:`.catalog`.

    User-defined activations (:mod:`.user`) live beside the built-ins: :meth:`get` finds
    them, :meth:`names` lists the built-ins only, :meth:`user_names` the user ones.  A user
    function may not take a built-in name or alias; defining a user name again replaces it.
    """

    def __init__(self):
        self._by_name: dict[str, Activation] = {}
        self._alias: dict[str, str] = {}
        self._user: dict[str, Activation] = {}

    def add(self, activation: Activation) -> Activation:
        for key in (activation.name, *activation.aliases):
            if key in self._by_name or key in self._alias:
                raise ValueError(f"duplicate activation name {key!r}")
        self._by_name[activation.name] = activation
        for alias in activation.aliases:
            self._alias[alias] = activation.name
        return activation

    def is_builtin(self, name: str) -> bool:
        return name in self._by_name or name in self._alias

    def add_user(self, activation: Activation) -> Activation:
        """Register a user-defined activation (replacing an earlier user one of that name)."""
        if self.is_builtin(activation.name):
            raise ExpressionError(f"user function {activation.name!r} clashes with a built-in function name")
        self._user[activation.name] = activation
        return activation

    def remove_user(self, name: str) -> None:
        self._user.pop(name, None)

    def user_names(self) -> list[str]:
        return list(self._user)

    def get(self, name: str) -> Activation:
        if not isinstance(name, str):
            raise UnknownFunctionError(f"function name must be a string, got {type(name).__name__}")
        key = self._alias.get(name, name)
        if key in self._by_name:
            return self._by_name[key]
        if name in self._user:
            return self._user[name]
        known = [*self._by_name, *self._alias, *self._user]
        folded = {k.lower(): k for k in reversed(known)}  # case-insensitive: 'GELU' suggests gelu
        close = [folded[k] for k in difflib.get_close_matches(name.lower(), list(folded), n=3, cutoff=0.6)]
        hint = f"; did you mean {' or '.join(close)}?" if close else "; see 'gelu-math list'"
        raise UnknownFunctionError(f"unknown function {name!r}{hint}")

    def names(self) -> list[str]:
        return list(self._by_name)

    def _lookup(self, name: str) -> Activation | None:
        return self._by_name.get(name) or self._user.get(name)

    def __iter__(self):
        return iter(self._by_name.values())

    def __len__(self):
        return len(self._by_name)


REGISTRY = Registry()


def _registered(name: str) -> Activation:
    """The registered activation ``name`` (how an Activation is unpickled: see ``Activation.__reduce__``)."""
    from . import catalog  # noqa: F401  (fills the registry on first use)

    return REGISTRY.get(name)


def get(name: str, params: Mapping[str, object] | None = None, **kw) -> Instance:
    """The instance of activation ``name`` with the given parameters (defaults otherwise)."""
    from . import catalog  # noqa: F401  (fills the registry on first use)

    return REGISTRY.get(name).instance(params, **kw)


def approximations() -> tuple[tuple[str, str], ...]:
    """(name, coefficient) of every registered approximation of GELU whose coefficient the reports
    fit (``Activation.fitted``), in registry order.

    >>> approximations()
    (('gelu_tanh', 'a'), ('gelu_sigmoid', 'k'))
    """
    from . import catalog  # noqa: F401

    return tuple((a.name, a.fitted) for a in REGISTRY if a.fitted)


def resolve(name_or_instance, params: Mapping[str, object] | None = None) -> Instance:
    """The one resolver of "which function": a registered or user-defined name (with ``params``),
    an :class:`Activation` (instantiated with ``params``) or an :class:`Instance` (as it is, or
    with ``params`` applied to its activation).  Anything else is an ``UnknownFunctionError``.

    >>> resolve("gelu", {"sigma": "1/2"}).params
    (('mu', 0), ('sigma', 1/2))
    """
    if isinstance(name_or_instance, Instance):
        return name_or_instance.activation.instance(params) if params else name_or_instance
    if isinstance(name_or_instance, Activation):
        return name_or_instance.instance(params)
    if not isinstance(name_or_instance, str):
        raise UnknownFunctionError(f"expected a function name, an Activation or an Instance, got "
                                   f"{type(name_or_instance).__name__}")
    return get(name_or_instance, params)


def names() -> list[str]:
    from . import catalog  # noqa: F401

    return REGISTRY.names()
