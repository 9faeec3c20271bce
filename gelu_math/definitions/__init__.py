"""Layer 1: exact symbolic definitions of the activations and their parameters."""

from .registry import REGISTRY, Activation, Instance, Parameter, get, names, resolve
from . import catalog  # noqa: F401,E402  (fills REGISTRY: REGISTRY.get("gelu") works after any import)

__all__ = ["REGISTRY", "Activation", "Instance", "Parameter", "get", "names", "resolve"]
