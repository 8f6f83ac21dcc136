"""Transform families, one module per family group, collected in a registry.

``get_family(name)`` returns the family; importing this package registers all.
"""

from __future__ import annotations

from dataops.anonymize.transforms import (  # noqa: F401  (registration side effects)
    fake,
    hashing,
    jsonpath,
    network,
    numeric,
    template,
    temporal,
    text,
    tokenize,
)
from dataops.anonymize.transforms.base import (
    BuildContext,
    Family,
    ParamError,
    TransformSpec,
    families,
    get_family,
)

__all__ = ["BuildContext", "Family", "ParamError", "TransformSpec", "families", "get_family"]
