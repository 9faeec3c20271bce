"""Layer 1: exact symbolic definitions of the activations and their parameters."""

from .registry import REGISTRY, Activation, Instance, Parameter, get, names

__all__ = ["REGISTRY", "Activation", "Instance", "Parameter", "get", "names"]
