"""Generator families, found by name in :data:`REGISTRY` (one module per family)."""

from dataops.demo.generators import (
    choice,
    constant,
    dates,
    fake,
    ident,
    numeric,
    ref,
    text,
    typed,
)
from dataops.demo.generators.base import REGISTRY, BindContext, Generator, SpecError

__all__ = [
    "REGISTRY",
    "BindContext",
    "Generator",
    "SpecError",
    "choice",
    "constant",
    "dates",
    "fake",
    "ident",
    "numeric",
    "ref",
    "text",
    "typed",
]
