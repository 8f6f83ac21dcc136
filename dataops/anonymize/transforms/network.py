"""``ip``: a keyed permutation of IP addresses for ``inet`` and ``cidr`` columns.

The address family (IPv4 / IPv6) and the prefix length (``/24``) are kept; the
address bits are permuted with :mod:`dataops.anonymize.fpe` (a bijection, so
distinct inputs stay distinct).  On ``cidr`` columns the network bits are
permuted and the host bits stay zero, as cidr requires.  ``keep_network: true``
(inet) keeps the network part of values with a shorter prefix (``10.1.2.3/24`` ->
``10.1.2.x/24``); host addresses (no prefix, ``/32``, ``/128``) are replaced whole.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dataops.anonymize.fpe import Permutation
from dataops.anonymize.transforms.base import (
    BuildContext,
    Family,
    Output,
    Param,
    TransformSpec,
    TypeMismatch,
    ValueFn,
    register,
)
from dataops.errors import OperationError

if TYPE_CHECKING:
    from dataops.anonymize.coltypes import ColType


class Ip(Family):
    name = "ip"
    summary = (
        "keyed permutation of inet/cidr addresses keeping the family and prefix length; "
        "`keep_network: true` keeps the network bits of inet values with a netmask"
    )
    params = {"keep_network": Param((bool,), default=False)}

    def can_be_unique(self, params: Mapping[str, Any]) -> str | None:
        return None

    def injective(self, spec: TransformSpec) -> bool:
        return True

    def output_safe(self, spec: TransformSpec, ctx: BuildContext) -> bool:
        return True

    def produces(self, spec: TransformSpec, col: ColType) -> Output:
        if col.category == "cidr" and spec.params["keep_network"]:
            raise TypeMismatch(
                "with keep_network: true would keep cidr values (they are networks) unchanged",
                "remove keep_network",
            )
        return Output(
            "IP addresses of the input's family and prefix length",
            frozenset({"inet", "cidr"}),
            hint="ip works on inet and cidr columns",
        )

    def build_fast(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn | None:
        return self.build(spec, key, ctx)

    def build(self, spec: TransformSpec, key: bytes, ctx: BuildContext) -> ValueFn:
        is_cidr = ctx.coltype is not None and ctx.coltype.category == "cidr"
        keep_network = bool(spec.params["keep_network"])

        @functools.lru_cache(maxsize=1024)
        def permutation(free: int, tweak: str) -> Permutation:
            return Permutation(key, 1 << free, tweak.encode())

        def fn(value: bytes) -> bytes:
            text = value.decode("ascii", "replace").strip()
            addr_text, slash, ml_text = text.partition("/")
            try:
                addr = ipaddress.ip_address(addr_text)
                bits = addr.max_prefixlen
                ml = int(ml_text) if slash else bits
            except ValueError:
                raise OperationError("ip: a value is not an IP address") from None
            if not 0 <= ml <= bits:
                raise OperationError("ip: a value has an invalid prefix length")
            x = int(addr)
            if is_cidr:
                if ml == 0:
                    return value
                shift = bits - ml
                net = permutation(ml, f"cidr/{addr.version}/{ml}").encrypt(x >> shift)
                new = net << shift
            else:
                kept = ml if keep_network and ml < bits else 0
                free = bits - kept
                network = (x >> free) << free if free < bits else 0
                host = x & ((1 << free) - 1)
                tweak = f"inet/{addr.version}/{ml}/{kept}/{network}"
                new = network | permutation(free, tweak).encrypt(host)
            out = str(
                ipaddress.IPv6Address(new) if addr.version == 6 else ipaddress.IPv4Address(new)
            )
            return (out + (f"/{ml}" if slash or is_cidr else "")).encode()

        return fn


register(Ip())
