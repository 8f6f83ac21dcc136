"""Which generator fits a column: name and type heuristics (a leaf module, no I/O).

:func:`suggest` returns a spec entry (``{"fake": "email", "unique": True}``) for one
column: foreign keys become ``ref``, CHECK ``IN`` lists and enums become ``choice``,
CHECK ranges bound ``range``, and names pick Faker providers (``email``, ``phone``,
``city``...); :func:`candidates` lists every plausible entry, best first.  The
planner (through :mod:`dataops.demo.fit`) uses them for NOT NULL columns a spec
leaves out, ``demo infer`` for every column.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from dataops.demo.checks import as_datetime as _as_datetime
from dataops.demo.reflect import Column, Schema, Table

_PERSON_TABLES = re.compile(
    r"user|customer|employee|person|people|author|member|contact|staff|student|patient|client|account|profile"
)

# (column-name pattern, provider, extra spec keys); first match wins.
NAME_HINTS: list[tuple[str, dict[str, Any]]] = [
    (r"e_?mail", {"fake": "email"}),
    (r"first_?name|given_?name|forename", {"fake": "first_name"}),
    (r"last_?name|surname|family_?name", {"fake": "last_name"}),
    (r"full_?name|display_?name|contact_?name|customer_?name", {"fake": "name"}),
    (r"user_?name|login|handle|nick", {"fake": "user_name"}),
    (r"phone|mobile|tel$|telephone|fax", {"fake": "phone_number"}),
    (r"street|address_?line|^address$|addr", {"fake": "street_address"}),
    (r"city|town", {"fake": "city"}),
    (r"country_?code", {"fake": "country_code"}),
    (r"country", {"fake": "country"}),
    (r"^state$|province|region", {"fake": "state"}),
    (r"zip|postal|post_?code", {"fake": "postcode"}),
    (r"company|organi[sz]ation|employer", {"fake": "company"}),
    (r"job|occupation|position", {"fake": "job"}),
    (r"url|website|homepage|link", {"fake": "url"}),
    (r"domain", {"fake": "domain_name"}),
    (r"ip_?address|^ip$|ipv4", {"fake": "ipv4"}),
    (r"color|colour", {"fake": "color_name"}),
    (r"currency", {"fake": "currency_code"}),
    (r"lang|language", {"fake": "language_code"}),
    (r"slug", {"fake": "slug"}),
    (r"password|passwd|hash|digest", {"fake": "sha256"}),
    (r"token|secret|api_?key", {"fake": "sha1"}),
    (r"iban", {"fake": "iban"}),
    (r"sku|code|reference|ref_?no", {"fake": "bothify", "args": {"text": "??-#####", "letters": "ABCDEFGHJKLMNPQRSTUVWXYZ"}}),
    (r"title|subject|headline|label", {"fake": "sentence", "args": {"nb_words": 4}}),
    (r"description|body|content|bio|about|summary|notes?$|comment|message|text", {"fake": "paragraph", "args": {"nb_sentences": 2}}),
]  # fmt: skip

_INT_HINTS: list[tuple[str, tuple[int, int]]] = [
    (r"qty|quantity|count|amount|units|items", (1, 10)),
    (r"age$", (18, 90)),
    (r"year", (1990, 2024)),
    (r"rating|stars|score", (1, 5)),
    (r"percent|pct", (0, 100)),
    (r"priority|level|rank", (1, 5)),
]

_MONEY = re.compile(r"price|amount|total|cost|balance|salary|fee|value|subtotal|tax|discount")


def _unique_alone(table: Table, column: str) -> bool:
    return any(u == (column,) for u in table.unique_sets())


def _rule_bound(value: Any, incl: bool, step: Any, sign: int) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        return None
    value = Decimal(str(value))
    return value if incl else value + sign * step


def _bounded(lo: Any, hi: Any, column: Column) -> tuple[Any, Any] | None:
    """The default window [lo, hi] moved and clipped into the column's CHECK and type range."""
    rules = column.rules
    step = Decimal(1) if column.kind == "int" else Decimal("0.01")
    span = hi - lo
    rlo = None if rules.lo is None else _rule_bound(rules.lo, rules.lo_incl, step, 1)
    rhi = None if rules.hi is None else _rule_bound(rules.hi, rules.hi_incl, step, -1)
    if column.kind == "int":
        rlo = None if rlo is None else Decimal(int(-(-rlo // 1)))
        rhi = None if rhi is None else Decimal(int(rhi // 1))
    lo, hi = Decimal(lo), Decimal(hi)
    if rlo is not None and rlo > lo:
        lo = rlo
    if rhi is not None and rhi < hi:
        hi = rhi
    if lo > hi:
        if rlo is not None and rhi is not None:
            lo, hi = rlo, rhi
        elif rlo is not None:
            lo, hi = rlo, rlo + span
        elif rhi is not None:
            lo, hi = rhi - span, rhi
    if column.int_min is not None:
        lo = max(lo, Decimal(column.int_min))
    if column.int_max is not None:
        hi = min(hi, Decimal(column.int_max))
    if lo > hi:
        return None
    return lo, hi


def _moment(value: Any) -> dt.datetime | None:
    try:
        return _as_datetime(value)
    except TypeError:
        return None


def _date_window(column: Column, first: dt.date, last: dt.date) -> tuple[str, str] | None:
    """[first, last] moved inside the column's CHECK / partition bounds, as ISO text."""
    rules = column.rules
    unit = dt.timedelta(days=1) if column.kind == "date" else dt.timedelta(seconds=1)
    lo = dt.datetime(first.year, first.month, first.day)
    hi = dt.datetime(last.year, last.month, last.day)
    if column.kind == "datetime":
        hi += dt.timedelta(days=1) - unit
    rlo = _moment(rules.lo) if rules.lo is not None else None
    rhi = _moment(rules.hi) if rules.hi is not None else None
    if rlo is not None:
        if column.kind == "date" and rlo.time() != dt.time(0):
            rlo = dt.datetime.combine(rlo.date(), dt.time(0)) + unit
        elif not rules.lo_incl:
            rlo += unit
    if rhi is not None:
        if column.kind == "date" and rhi.time() != dt.time(0):
            rhi = dt.datetime.combine(rhi.date(), dt.time(0))
        elif not rules.hi_incl:
            rhi -= unit
    span = hi - lo
    partitioned = any(src.startswith("partitions of") for src in rules.sources)
    if partitioned and rlo is not None and rhi is not None and rlo <= rhi:
        lo, hi = rlo, rhi  # spread the keys over every partition
    if rlo is not None and rlo > lo:
        lo = rlo
    if rhi is not None and rhi < hi:
        hi = rhi
    if lo > hi:  # the default window is outside the rules: take the rules' own span
        if rlo is not None and rhi is not None:
            lo, hi = rlo, rhi
        elif rlo is not None:
            lo, hi = rlo, rlo + span
        elif rhi is not None:
            lo, hi = rhi - span, rhi
    if lo > hi:
        return None
    whole_days = lo.time() == dt.time(0) and hi.time() == dt.time(23, 59, 59)
    if column.kind == "date" or whole_days:
        return lo.date().isoformat(), hi.date().isoformat()
    return lo.isoformat(" "), hi.isoformat(" ")


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _allowed_values(column: Column) -> list[Any] | None:
    values = column.rules.allowed
    if values is None and column.kind == "enum" and column.enum_values:
        values = list(column.enum_values)
    if values is None:
        return None
    if column.kind == "enum" and column.enum_values:
        values = [v for v in values if v in column.enum_values]
    return [_number(v) for v in values if v is not None]


def suggest(table: Table, column: Column, schema: Schema | None = None) -> dict[str, Any] | None:
    """The first candidate spec entry for ``column`` (None when nothing sensible fits)."""
    found = candidates(table, column, schema)
    return found[0] if found else None


def candidates(table: Table, column: Column, schema: Schema | None = None) -> list[dict[str, Any]]:
    """Spec entries for ``column``, best first (the planner keeps the first that fits)."""
    single = _suggest(table, column, schema)
    if isinstance(single, list):
        return single
    return [single] if single is not None else []


def _inherited_fk(table: Table, column: str, schema: Schema | None) -> Any:
    """An old-style inheritance child's column keeps its parent's foreign key (as a ref)."""
    seen = 0
    while schema is not None and table.inherits in schema.tables and seen < 10:
        table = schema.tables[str(table.inherits)]
        fk = table.fk_of(column)
        if fk is not None:
            return fk
        seen += 1
    return None


def _suggest(
    table: Table, column: Column, schema: Schema | None = None
) -> dict[str, Any] | list[dict[str, Any]] | None:
    fk = table.fk_of(column.name) or _inherited_fk(table, column.name, schema)
    if fk is not None:
        ref = fk.ref_columns[fk.columns.index(column.name)]
        return {"ref": f"{fk.ref_table}.{ref}"}
    name = column.name.lower()
    unique = _unique_alone(table, column.name)
    allowed = _allowed_values(column)
    if allowed:
        return {"choice": allowed}
    kind = column.kind
    if kind == "bits":
        return {"range": [0, column.int_max or 1]}
    if kind == "int":
        if unique or column.autoincrement:
            return {"sequence": 1}
        lo, hi = 0, 1000
        bounds: tuple[int, int]
        for pattern, bounds in _INT_HINTS:
            if re.search(pattern, name):
                lo, hi = bounds
                break
        b = _bounded(lo, hi, column)
        return {"range": [int(b[0]), int(b[1])]} if b else None
    if kind in ("decimal", "float"):
        scale = column.scale if column.scale is not None else 2
        decimals = min(scale, 2)
        dlo, dhi = (
            (Decimal(1), Decimal(1000)) if _MONEY.search(name) else (Decimal(0), Decimal(100))
        )
        if column.precision is not None:
            scale = column.scale or 0
            room = Decimal(10) ** (column.precision - scale) - Decimal(1).scaleb(-scale)
            dhi = min(dhi, room)
        b = _bounded(dlo, dhi, column)
        if b is None:
            return None
        q = Decimal(1).scaleb(-decimals)
        lo_q = Decimal(b[0]).quantize(q, rounding="ROUND_CEILING")
        hi_q = Decimal(b[1]).quantize(q, rounding="ROUND_FLOOR")
        entry: dict[str, Any] = {"range": [_number(lo_q), _number(hi_q)]}
        if decimals:
            entry["decimals"] = decimals
        if unique:
            entry["unique"] = True
        return entry
    if kind == "bool":
        return {"choice": [True, False]}
    if kind in ("date", "datetime"):
        if kind == "date" and re.search(r"birth|dob", name):
            window = _date_window(column, dt.date(1950, 1, 1), dt.date(2005, 12, 31))
        else:
            window = _date_window(column, dt.date(2020, 1, 1), dt.date(2024, 12, 31))
        return {"date_between": list(window)} if window else None
    if kind == "time":
        return {"fake": "time"}
    if kind == "uuid":
        return {"uuid": True}
    if kind == "json":
        return {"constant": {}}
    if kind == "bytes":
        return {"fake": "md5"}
    if kind == "text":
        return _text_entries(table, column, name, unique)
    if column.pg_type is not None:
        from dataops.demo.generators.typed import scalar

        base = column.pg_type.replace("[]", "")
        if column.labels:
            return {"type": column.pg_type, "labels": list(column.labels)}
        if scalar(base) is not None:
            return {"type": column.pg_type}
    return None  # a type we have no values for: the spec has to say


def _singular(table: str) -> str:
    word = table.rsplit(".", 1)[-1].replace("_", " ")
    if word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word.capitalize()


def _text_entries(table: Table, column: Column, name: str, unique: bool) -> list[dict[str, Any]]:
    """Text candidates, best first; the planner keeps the first that fits the column."""
    hint: dict[str, Any] | None = None
    if name == "name":
        person = _PERSON_TABLES.search(table.name.lower()) is not None
        hint = {"fake": "name"} if person else ({"fake": "company"} if not unique else None)
    else:
        for pattern, entry in NAME_HINTS:
            if re.search(pattern, name):
                hint = dict(entry)
                break
    limit = column.length or column.rules.max_len
    min_len = column.rules.min_len or 0
    size = max(min_len, min(limit or 8, 8), 1)
    letters = {"fake": "lexify", "args": {"text": "?" * size}}
    out: list[dict[str, Any]] = []
    if unique:
        if hint is not None and hint.get("fake") in (
            "email",
            "user_name",
            "slug",
            "url",
            "sha256",
            "sha1",
        ):
            out.append({**hint, "unique": True})
        if name == "name" or name.endswith("name") or name == "title":
            out.append({"template": f"{_singular(table.name)} {{row}}"})
        out.append({"template": f"{column.name}-{{row}}"})
        out.append({"template": "{row}"})
        out.append({**letters, "unique": True})
        return out
    if hint is not None:
        out.append(hint)
        if hint.get("fake") == "paragraph":
            out.append({"fake": "sentence", "args": {"nb_words": 3}})
    out.append({"fake": "word"})
    out.append(letters)
    return out
