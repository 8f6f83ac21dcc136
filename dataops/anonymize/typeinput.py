"""Which text values a column type accepts.

:func:`accepts` is a conservative model of PostgreSQL's input functions: it says
``None`` only for text the server is known to accept (it may refuse some the
server would take, never the other way round).  :func:`value_problem` adds the
domain and table CHECKs (evaluated by :mod:`dataops.anonymize.checkexpr`);
:func:`sample_inputs` gives a few values a type accepts.
"""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
import json
import re

from dataops.anonymize.checkexpr import CannotEvaluate, check_expression, evaluable
from dataops.anonymize.coltypes import INT_RANGES, ColType

# ----------------------------------------------------------------- input model
_INT = re.compile(r"^\s*[+-]?\d+\s*$")
_NUM = re.compile(r"^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$")
_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)( BC)?$")
_TIME = r"(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?"
_TS = re.compile(rf"^(\d{{4}})-(\d\d)-(\d\d)[ T]{_TIME}( BC)?$")
_TSTZ = re.compile(rf"^(\d{{4}})-(\d\d)-(\d\d)[ T]{_TIME}(?:Z|[+-]\d\d(?::?\d\d)?)?( BC)?$")
_TIMEONLY = re.compile(rf"^{_TIME}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_BOOL = frozenset({"t", "f", "true", "false", "y", "n", "yes", "no", "on", "off", "1", "0"})
_BYTEA_ESC = re.compile(r"\\(?:\\|[0-3][0-7][0-7])")


def _valid_date(y: str, m: str, d: str) -> bool:
    try:
        dt.date(int(y), int(m), int(d))
    except ValueError:
        return False
    return True


def _valid_time(h: str, mi: str, s: str | None) -> bool:
    return int(h) < 24 and int(mi) < 60 and (s is None or int(s) < 60)


def _json_ok(value: str) -> bool:
    def bad_constant(_: str) -> object:
        raise ValueError("NaN/Infinity are not JSON")

    try:
        doc = json.loads(value, parse_constant=bad_constant)
    except (ValueError, RecursionError):
        return False
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or any(0xD800 <= ord(c) <= 0xDFFF for c in item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _numeric_ok(col: ColType, value: str) -> bool:
    m = _NUM.match(value)
    if m is None or not (m[2] or m[3]):
        return not col.mods and value.strip().lower() in ("nan",)
    try:
        d = decimal.Decimal(value.strip())
    except decimal.InvalidOperation:
        return False
    if not col.mods:
        return abs(d.adjusted()) < 100_000
    p = col.mods[0]
    s = col.mods[1] if len(col.mods) > 1 else 0
    if not 1 <= p <= 1000:
        return False
    if d != 0 and d.adjusted() >= p - s:
        return False  # more integer digits than numeric(p, s) holds
    ctx = decimal.Context(prec=p + 10)
    try:
        q = d.quantize(decimal.Decimal(1).scaleb(-s), rounding=decimal.ROUND_HALF_UP, context=ctx)
    except decimal.InvalidOperation:
        return False
    return q == 0 or q.adjusted() < p - s


def accepts(col: ColType, value: str | None) -> str | None:
    """None when PostgreSQL's input function accepts ``value`` for ``col`` (element type)."""
    if value is None:
        return None
    try:
        return _accepts(col, value)
    except (ValueError, ArithmeticError):  # e.g. an integer of more than 4300 digits
        return "not a value dataops can check"


def _accepts(col: ColType, value: str) -> str | None:
    if "\x00" in value:
        return "contains a NUL character"
    cat = col.category
    if cat == "text":
        limit = col.length
        if limit is not None:
            n = len(value.rstrip(" ")) if col.name == "char" else len(value)
            if n > limit:
                return f"{len(value)} characters"
        return None
    if cat == "integer":
        lo, hi = INT_RANGES[col.name]
        if not _INT.match(value) or not lo <= int(value) <= hi:
            return "not an integer in range"
        return None
    if cat == "numeric":
        return None if _numeric_ok(col, value) else "not a number that fits"
    if cat == "float":
        v = value.strip().lower()
        if v in ("nan", "infinity", "-infinity", "inf", "-inf", "+infinity", "+inf"):
            return None
        m = _NUM.match(value)
        if m is None or not (m[2] or m[3]):
            return "not a number"
        try:
            f = float(value)
        except ValueError:
            return "not a number"
        return None if f == 0 or 1e-300 < abs(f) < 1e300 else "out of range"
    if cat == "boolean":
        return None if value.strip().lower() in _BOOL else "not a boolean"
    if cat == "uuid":
        return None if _UUID.match(value) else "not a UUID"
    if cat == "date":
        m = _DATE.match(value)
        ok = (m is not None and _valid_date(m[1], m[2], m[3])) or value in (
            "infinity",
            "-infinity",
        )
        return None if ok else "not a date (YYYY-MM-DD)"
    if cat in ("timestamp", "timestamptz"):
        m = (_TS if cat == "timestamp" else _TSTZ).match(value)
        if value in ("infinity", "-infinity"):
            return None
        if m is None or not _valid_date(m[1], m[2], m[3]) or not _valid_time(m[4], m[5], m[6]):
            return "not a timestamp (YYYY-MM-DD HH:MM:SS)"
        return None
    if cat == "time":
        m = _TIMEONLY.match(value)
        return None if m is not None and _valid_time(m[1], m[2], m[3]) else "not a time"
    if cat == "json" or cat == "jsonb":
        return None if _json_ok(value) else "not valid JSON"
    if cat == "bytea":
        if value.startswith("\\x"):
            hexpart = re.sub(r"\s", "", value[2:])
            return None if re.fullmatch(r"(?:[0-9a-fA-F]{2})*", hexpart) else "not bytea hex"
        rest = _BYTEA_ESC.sub("", value)
        return None if "\\" not in rest else "a backslash bytea does not accept"
    if cat == "inet" or cat == "cidr":
        return _ip_problem(cat, value)
    if cat == "enum":
        return None if value in col.labels else "not a label of the enum"
    return f"dataops cannot check values of type {col.base_text()}"


_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}(/\d{1,2})?$")


def _ip_problem(cat: str, value: str) -> str | None:
    if ":" not in value and not _IPV4.match(value):
        return "not an IP address"
    try:
        if cat == "cidr":
            ipaddress.ip_network(value, strict=True)
        else:
            ipaddress.ip_interface(value)
    except ValueError:
        return "not a network (host bits set?)" if cat == "cidr" else "not an IP address"
    return None


def accepts_value(col: ColType, value: str | None) -> str | None:
    """:func:`value_problem` for a whole column value: array literals element by element
    (CannotEvaluate passes up from domain CHECKs)."""
    if value is None or not col.is_array:
        return value_problem(col, value)
    from dataops.anonymize import arrays

    try:
        elements = arrays.parse(value)
    except ValueError as exc:
        return f"not an array literal ({exc})"
    element = col.element()
    for item in arrays.flatten(elements):
        problem = value_problem(element, item)
        if problem:
            return problem
    return None


def checks_problem(col: ColType, value: str | None) -> str | None:
    """The first CHECK of ``col`` that ``value`` fails (CannotEvaluate passes up from a
    domain's CHECK; table CHECKs dataops cannot evaluate are skipped)."""
    numeric = col.category in ("integer", "numeric", "float")
    for check in col.checks:
        if not check.strict and not evaluable(check, numeric):
            continue
        try:
            ok = check_expression(check.expression, value, numeric)
        except (TypeError, ValueError, decimal.InvalidOperation) as exc:
            raise CannotEvaluate(str(exc)) from None
        if not ok:
            return f"fails CHECK ({check.expression}) of {check.owner}"
    return None


def value_problem(col: ColType, value: str | None) -> str | None:
    """:func:`accepts` and then the domain CHECKs (CannotEvaluate passes up)."""
    return accepts(col, value) or (checks_problem(col, value) if col.checks else None)


_SAMPLES: dict[str, list[str]] = {
    "text": ["alice.smith@example.org", "Bob Smith", "x", "AB-123", "42", "Zoë Ünïcode"],
    "integer": ["0", "1", "42", "-7", "1000"],
    "numeric": ["0", "1", "12.5", "-3.25", "99"],
    "float": ["0", "1.5", "-2.25", "1e10"],
    "uuid": ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000000-0000-0000-0000-000000000000"],
    "inet": ["192.168.1.10", "10.1.2.3/24", "2001:db8::1", "::1/128"],
    "cidr": ["10.0.0.0/8", "192.168.1.0/24", "2001:db8::/32", "10.1.2.3/32"],
    "date": ["2020-02-29", "1999-12-31", "2024-01-01"],
    "timestamp": ["2020-01-01 10:00:00", "1999-12-31 23:59:59.5"],
    "timestamptz": ["2020-01-01 10:00:00+02", "1999-12-31 23:59:59.5+00"],
    "time": ["10:00:00", "23:59:59"],
    "boolean": ["t", "f"],
    "json": ['{"a": 1, "b": "x"}', '[1, "two", null]', '"s"'],
    "jsonb": ['{"a": 1, "b": "x"}', '[1, "two", null]', '"s"'],
    "bytea": ["\\x00ff10", "\\x"],
}


def sample_inputs(col: ColType) -> list[str]:
    """A few values ``col`` accepts (inputs to try a transform on)."""
    if col.category == "enum":
        return list(col.labels)
    values = _SAMPLES.get(col.category, [])
    if col.category == "integer":
        lo, hi = INT_RANGES[col.name]
        values = [*values, str(lo), str(hi)]
    return [v for v in values if accepts(col, v) is None]
