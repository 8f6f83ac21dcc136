"""Which steps ``up [N]``, ``down [N]`` and ``goto V`` take (golang-migrate's ``migrate.go``).

``readUp``, ``readDown`` and ``read`` over a :class:`~dataops.migrate.source.Source`,
including missing files being "empty" migrations.  Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from dataops.errors import OperationError
from dataops.migrate.api import nil
from dataops.migrate.source import Direction, MigrationFile, Source
from dataops.migrate.version_table import NIL_VERSION


@dataclass
class Step:
    version: int  # the migration's version
    target: int  # the version recorded after the step (-1 = none)
    direction: Direction
    file: MigrationFile | None
    from_version: int  # the version recorded before the step
    identifier: str = ""
    skip_reason: str | None = None

    @property
    def log_string(self) -> str:
        """golang-migrate's ``Migration.LogString``: ``3/u add_users``."""
        return f"{self.version}/{'u' if self.direction == 'up' else 'd'} {self.identifier}"


def step(src: Source, version: int, target: int, from_version: int) -> Step:
    mig = src.get(version)
    direction: Direction = "up" if target >= version else "down"
    return Step(version, target, direction, mig.file(direction), from_version, mig.identifier)


def check_exists(src: Source, version: int) -> None:
    if version >= 0 and version not in src:
        raise OperationError(
            f"no migration found for version {version}: file does not exist",
            details=[f"looked in {src.path}"],
        )


def plan_up(src: Source, cur: int, limit: int) -> list[Step]:
    """``readUp``: limit -1 means all."""
    check_exists(src, cur)
    steps: list[Step] = []
    frm = cur
    if limit == 0:
        return steps
    while limit == -1 or len(steps) < limit:
        nxt = src.first() if frm == NIL_VERSION else src.next(frm)
        if nxt is None:
            if limit == -1:
                break
            if not steps:
                raise OperationError(
                    "file does not exist: no migration after the current version",
                    details=[f"current version {nil(cur)}, last file {src.last()}"],
                )
            raise OperationError(f"limit {limit - len(steps)} short")
        steps.append(step(src, nxt, nxt, frm))
        frm = nxt
    return steps


def plan_down(src: Source, cur: int, limit: int) -> list[Step]:
    """``readDown``: limit -1 means all."""
    check_exists(src, cur)
    steps: list[Step] = []
    if limit == 0 or (cur == NIL_VERSION and limit == -1):
        return steps
    if cur == NIL_VERSION:
        raise OperationError("file does not exist: no version to migrate down from")
    frm = cur
    while limit == -1 or len(steps) < limit:
        prev = src.prev(frm)
        if prev is None:
            first = src.first()
            assert first is not None
            steps.append(step(src, first, NIL_VERSION, frm))
            if limit != -1 and len(steps) < limit:
                raise OperationError(f"limit {limit - len(steps)} short")
            break
        steps.append(step(src, frm, prev, frm))
        frm = prev
    return steps


def plan_goto(src: Source, cur: int, target: int) -> list[Step]:
    """``read``: from the current version to ``target``."""
    check_exists(src, cur)
    check_exists(src, target)
    steps: list[Step] = []
    frm = cur
    if frm == target:
        return steps
    if frm < target:
        if frm == NIL_VERSION:
            first = src.first()
            assert first is not None
            steps.append(step(src, first, first, frm))
            frm = first
        while frm < target:
            nxt = src.next(frm)
            assert nxt is not None
            steps.append(step(src, nxt, nxt, frm))
            frm = nxt
    else:
        while frm > target and frm >= 0:
            prev = src.prev(frm)
            if prev is None:
                steps.append(step(src, frm, NIL_VERSION, frm))
                break
            steps.append(step(src, frm, prev, frm))
            frm = prev
    return steps
