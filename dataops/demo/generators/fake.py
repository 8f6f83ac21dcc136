"""``fake``: any Faker provider, drawn from a pre-generated pool (never per row)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dataops.demo.generators.base import (
    BindContext,
    Domain,
    Evaluator,
    Generator,
    SpecError,
    check_keys,
    register,
)
from dataops.demo.pools import Pool, PoolDomain, PoolError


@register
class Fake(Generator):
    """``{fake: email}``, ``{fake: pyint, args: {min_value: 1, max_value: 9}}``."""

    family = "fake"
    options = frozenset({"args", "locale", "pool"})
    summary = "a Faker provider (args: list or mapping; locale; pool: pool size)"

    def __init__(self, arg: Any, opts: dict[str, Any]) -> None:
        super().__init__(arg, opts)
        check_keys(opts, self.options)
        if not isinstance(arg, str) or not arg:
            raise SpecError("fake needs a provider name, e.g. {fake: email}")
        args = opts.get("args")
        if args is not None and not isinstance(args, list | dict):
            raise SpecError("args must be a list or a mapping")
        size = opts.get("pool")
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
            raise SpecError("pool must be a positive integer")
        locale = opts.get("locale")
        if locale is not None and not isinstance(locale, str):
            raise SpecError("locale must be text such as en_US")
        self.provider = arg
        self.args = args
        self.locale = locale
        self.size: int | None = size
        self.pool: Pool | None = None
        self._domain: PoolDomain | None = None

    def describe(self) -> str:
        return f"fake {self.provider}"

    def pool_request(self, locale: str, pool_size: int) -> tuple[str, str, Any, int]:
        """(provider, locale, args, size) of the pool ``bind`` will ask for."""
        return (self.provider, self.locale or locale, self.args, self.size or pool_size)

    def bind(self, ctx: BindContext) -> None:
        try:
            pool = ctx.pools.pool(*self.pool_request(ctx.locale, ctx.pool_size))
        except PoolError as exc:
            ctx.problem(str(exc))
            return
        column = ctx.column
        limit = column.length if column.kind == "text" else None
        rules = column.rules
        if limit is not None or not rules.empty():
            before = len(pool.values)

            def accept(value: Any) -> bool:
                if limit is not None and isinstance(value, str) and len(value) > limit:
                    return False
                return rules.accepts(value)

            pool = pool.filtered(accept, (limit, id(rules)))
            if not pool.values:
                why = f"longer than {limit} characters" if limit is not None else rules.describe()
                ctx.problem(f"every value of fake {self.provider} is rejected ({why})")
                return
            if len(pool.values) < before // 20:
                why = rules.describe() if not rules.empty() else f"at most {limit} characters"
                ctx.problem(
                    f"fake {self.provider}: only {len(pool.values)} of {before} values satisfy "
                    f"{why}; use a generator that fits (e.g. choice)"
                )
        self.pool = pool
        self._domain = pool.domain()

    def python_types(self) -> set[type] | None:
        return self.pool.python_types() if self.pool is not None else None

    def domain(self) -> Domain | None:
        return self._domain

    def extensible_domain(self) -> PoolDomain | None:
        return self._domain if self._domain is not None and self._domain.extensible else None

    def set_rounds(self, rounds: int) -> None:
        assert self._domain is not None
        self._domain = self._domain.with_rounds(rounds)

    def max_len(self) -> int | None:
        if self._domain is not None:
            return self._domain.max_len()
        return None

    def values(self, ev: Evaluator, rows: Sequence[int]) -> list[Any]:
        assert self.pool is not None
        pool = self.pool.values
        n = len(pool)
        return [pool[(w * n) >> 64] for w in ev.stream("pick").words(rows)]
