"""The ``audit`` action: prove that an anonymized dump holds no original value.

Pass 1 reads the original: keyed fingerprints (:mod:`.fingerprint`) of every non-NULL
value of every transformed column (the whole value, its digits when it is a number
written with separators, and the emails, IBANs, card and phone numbers inside free
text; for ``json`` rules the scalars at the transformed paths), the row counts and a
streaming checksum of every kept column.  Pass 2 reads the anonymized dump, in
lockstep with the original where the table order allows: every value of every
column (whole, its tokens, every scalar of a JSON document) is looked up; a hit is a
leak reported by table, column, JSON path and row position with the rule that should
have covered it -- never the value.  A hit where the anonymized column's own rule has
a small output set (``fake`` pools, ``choice``, ``date_shift``...) is reported as a
coincidence, not a leak.  Structure: same tables, same row counts (truncated tables
empty), kept columns identical (checksums), transformed columns changed where
non-NULL, ``null`` columns NULL, ``unique: true`` columns distinct.  ``--restore``
restores the anonymized dump into a scratch database (created and dropped).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops import db, fsutil
from dataops.anonymize.formats.ddl import Catalog
from dataops.anonymize.plan import Plan
from dataops.anonymize.plancheck import ResolvedTable
from dataops.anonymize.rules import ColumnRule
from dataops.anonymize.scan import detect, rulesview
from dataops.anonymize.scan.fingerprint import FingerprintSet
from dataops.anonymize.scan.open import open_source
from dataops.anonymize.scan.scan import has_large_objects
from dataops.anonymize.scan.source import Source, SourceTable, read_errors
from dataops.config.settings import Settings
from dataops.errors import ConfigError, OperationError

MIN_LENGTH = 5  # shorter values are too common to prove anything
MAX_REPORTED = 200
CACHE_SIZE = 100_000  # search results of recent values (repeated values are common)
#: transforms whose outputs come from a small set: equal values there are coincidences
SMALL_OUTPUT = frozenset(
    {"fake", "choice", "constant", "mask", "regex_replace", "template", "number_noise",
     "date_shift"}
)  # fmt: skip
_TOKEN_SPLIT = re.compile(r"[\s,;:()<>\[\]{}\"'|/\\=]+")
_NUMBERISH = re.compile(r"\+?\(?\d[\d\s().\-/]{5,}\d")
_EMAILS = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@dataclass
class AuditOptions:
    config: Path
    original: str
    anonymized: str
    json: Path | None = None
    restore: str | None = None  # postgresql:// URL of a server for a scratch restore


@dataclass
class Finding:
    """An original value found in the anonymized dump (the value itself is never kept)."""

    table: str
    column: str
    row: int
    path: str  # JSON path, "token" (inside text) or "" (the whole value)
    origin: str  # table.column of the original value
    rule: str  # the origin column's rule

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def line(self) -> str:
        where = f"{self.table}.{self.column} row {self.row}"
        if self.path:
            where += f" ({'inside the text' if self.path == 'token' else 'at ' + self.path})"
        return f"{where}: a value of {self.origin} (rule {self.rule})"


@dataclass
class Check:
    name: str
    passed: bool
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class AuditResult:
    original: str
    anonymized: str
    checks: list[Check] = field(default_factory=list)
    leaks: list[Finding] = field(default_factory=list)
    leak_count: int = 0
    coincidences: list[Finding] = field(default_factory=list)
    coincidence_count: int = 0
    fingerprints: int = 0
    fingerprint_bytes: int = 0
    short_values: int = 0
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.checks)

    @property
    def failed(self) -> int:
        return sum(not c.passed for c in self.checks)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        return f"audit: {self.passed} passed, {self.failed} failed"

    def as_dict(self) -> dict[str, Any]:
        return {
            "original": self.original,
            "anonymized": self.anonymized,
            "ok": self.ok,
            "passed": self.passed,
            "failed": self.failed,
            "checks": [c.as_dict() for c in self.checks],
            "leak_count": self.leak_count,
            "leaks": [f.as_dict() for f in self.leaks],
            "coincidence_count": self.coincidence_count,
            "coincidences": [f.as_dict() for f in self.coincidences],
            "fingerprints": self.fingerprints,
            "fingerprint_bytes": self.fingerprint_bytes,
            "short_values_not_fingerprinted": self.short_values,
            "seconds": round(self.seconds, 3),
        }


def _b(value: str) -> bytes:
    return value.encode("utf-8", "surrogateescape")


def _digits(value: str) -> str | None:
    d = re.sub(r"\D", "", value)
    return d if len(d) >= 7 and len(d) < len(value) else None


def original_variants(value: str) -> Iterator[str]:
    """What of an original value is fingerprinted."""
    yield value
    d = _digits(value) if len(value) <= 40 else None
    if d:
        yield d
    if len(value) >= 20:  # free text: the personal values inside it
        yield from _EMAILS.findall(value)
        for m in _NUMBERISH.finditer(value):
            yield m.group().strip()
            dd = _digits(m.group())
            if dd:
                yield dd
        for m in detect._IBAN_IN_TEXT.finditer(value):
            yield m.group().replace(" ", "")


def anonymized_candidates(value: str) -> Iterator[tuple[str, str]]:
    """(candidate, how) for one anonymized value: the whole value, its digits, tokens."""
    yield value, ""
    d = _digits(value) if len(value) <= 40 else None
    if d:
        yield d, ""
    if len(value) > MIN_LENGTH and _TOKEN_SPLIT.search(value):
        for tok in _TOKEN_SPLIT.split(value):
            if len(tok) >= MIN_LENGTH and tok != value:
                yield tok, "token"
                stripped = tok.strip(".-+_")
                if stripped != tok and len(stripped) >= MIN_LENGTH:
                    yield stripped, "token"
        for m in _EMAILS.finditer(value):
            yield m.group(), "token"
        for m in _NUMBERISH.finditer(value):
            yield m.group().strip(), "token"
            dd = _digits(m.group())
            if dd:
                yield dd, "token"
        if len(value) > 20:  # names: pairs of capitalised words
            words = value.split()
            for a, b in itertools.pairwise(words):
                if a[:1].isupper() and b[:1].isupper():
                    yield f"{a} {b}".strip(".,;:"), "token"


@dataclass
class _Origin:
    table: str
    column: str
    rule: str


@dataclass
class _TableFacts:
    rows: int = 0
    kept: dict[str, Any] = field(default_factory=dict)  # column -> blake2b


def _rule_of(res: ResolvedTable | None, column: str) -> ColumnRule | None:
    return None if res is None else res.columns.get(column)


def _small_output(rule: ColumnRule | None, path: str = "") -> bool:
    if rule is None or rule.spec is None:
        return False
    if rule.spec.name == "json" and path:
        paths = {rulesview.normalise_path(str(p)): s for p, s in rule.spec.params["paths"].items()}
        spec = paths.get(path)
        return spec is not None and getattr(spec, "name", "") in SMALL_OUTPUT
    return rule.spec.name in SMALL_OUTPUT


class _Auditor:
    def __init__(self, settings: Settings, options: AuditOptions) -> None:
        self.settings = settings
        self.options = options
        self.notes: list[str] = []
        self.rules = rulesview.load(settings, options.config, self.notes)
        self.fps = FingerprintSet()
        self.origins: list[_Origin] = []
        self.result = AuditResult(options.original, options.anonymized)
        self._cache: dict[str, tuple[str, int] | None] = {}  # repeated values

    def source(self, what: str) -> Source:
        return open_source(self.settings, what, None, what="a dump")

    # --------------------------------------------------------------- pass 1
    def fingerprint_original(self) -> tuple[dict[str, _TableFacts], list[str], dict[str, Any]]:
        src = self.source(self.options.original)
        facts: dict[str, _TableFacts] = {}
        order: list[str] = []
        items: list[tuple[SourceTable, _TableFacts]] = []
        plan = Plan(self.rules)
        resolved: dict[str, ResolvedTable] = {}
        for item in src.tables():
            t = item.data
            catalog: Catalog = src.catalog  # type: ignore[assignment]
            res = rulesview.resolve_one(plan, catalog, t)
            if res is not None:
                resolved[t.qualified] = res
            if t.qualified not in facts:
                order.append(t.qualified)
            f = facts.setdefault(t.qualified, _TableFacts())  # a table's data may come in parts
            fp_cols: list[tuple[int, int, dict[str, Any]]] = []  # (position, tag, json paths)
            kept_cols: list[tuple[int, Any]] = []
            for i, col in enumerate(t.columns):
                rule = _rule_of(res, col)
                if rule is None or rule.action == "keep":
                    h = f.kept.setdefault(col, hashlib.blake2b(digest_size=16))
                    kept_cols.append((i, h))
                elif res is not None and res.action.value == "transform":
                    self.origins.append(_Origin(t.qualified, col, rulesview.describe(res, col)))
                    fp_cols.append((i, len(self.origins) - 1, rulesview.json_paths(res, col)))
            for row in item.rows:
                for i, h in kept_cols:
                    v = row[i] if i < len(row) else None
                    h.update(b"\x00" if v is None else b"\x01" + _b(v) + b"\x00")
                for i, tag, paths in fp_cols:
                    v = row[i] if i < len(row) else None
                    if v is not None:
                        self._add_original(v, tag, paths)
            items.append((item, f))
        for item, f in items:
            f.rows += item.row_count
        lo = has_large_objects(src)
        problems = rulesview.validate(Plan(self.rules), src.catalog, [i.data for i, _ in items], lo)  # type: ignore[arg-type]
        self.result.checks.append(
            Check(
                "the rules fit the original dump",
                not problems,
                "; ".join(problems[:5])
                + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""),
            )
        )
        self.result.fingerprints = self.fps.count
        self.result.fingerprint_bytes = self.fps.nbytes
        return facts, order, resolved

    def _add_original(self, value: str, tag: int, paths: dict[str, Any]) -> None:
        doc = detect.parse_json(value) if paths else None
        if doc is not None:
            for path, scalar in detect.json_scalars(doc):
                if scalar is None or isinstance(scalar, bool):
                    continue
                s = scalar if isinstance(scalar, str) else str(scalar)
                if path in paths or (isinstance(scalar, str) and detect.classify(s)):
                    self._add_variants(s, tag)
            return
        self._add_variants(value, tag)

    def _add_variants(self, value: str, tag: int) -> None:
        for v in original_variants(value):
            if len(v) < MIN_LENGTH:
                self.result.short_values += 1
                continue
            self.fps.add(_b(v), tag)

    # --------------------------------------------------------------- pass 2
    def scan_anonymized(
        self, facts: dict[str, _TableFacts], order: list[str], resolved: dict[str, ResolvedTable]
    ) -> None:
        src = self.source(self.options.anonymized)
        original = self.source(self.options.original)
        orig_iter = original.tables()
        seen: list[str] = []
        row_problems: list[str] = []
        kept_problems: list[str] = []
        changed_problems: list[str] = []
        unique_problems: list[str] = []
        lockstep = True
        b_items: list[SourceTable] = []
        b_hashes: dict[str, dict[str, Any]] = {}
        for item in src.tables():
            t = item.data
            seen.append(t.qualified)
            res = resolved.get(t.qualified)
            a_item = None
            if lockstep:
                a_item = next(orig_iter, None)
                if a_item is None or a_item.qualified != t.qualified:
                    lockstep = False
                    a_item = None
            hashes: dict[str, Any] = b_hashes.setdefault(t.qualified, {})
            kept_cols = []
            compare = []
            uniques = []
            for i, col in enumerate(t.columns):
                rule = _rule_of(res, col)
                if rule is None or rule.action == "keep":
                    h = hashes.setdefault(col, hashlib.blake2b(digest_size=16))
                    kept_cols.append((i, h))
                else:
                    compare.append((i, col, rule, [0, 0]))  # unchanged, coincidental
                    if rule.spec is not None and rule.spec.unique:
                        uniques.append((i, col, FingerprintSet(self.fps.key), [0]))
            rules_here = [_rule_of(res, c) for c in t.columns]
            a_rows: Iterator[Any] = iter(a_item.rows) if a_item is not None else iter(())
            for rowno, row in enumerate(item.rows, 1):
                a_row = next(a_rows, None)
                for i, h in kept_cols:
                    v = row[i] if i < len(row) else None
                    h.update(b"\x00" if v is None else b"\x01" + _b(v) + b"\x00")
                if a_row is not None:
                    for i, _col, rule, counts in compare:
                        a, b = a_row[i], row[i]
                        if rule.action == "null":
                            if b is not None:
                                counts[0] += 1
                        elif a is not None and a == b:
                            if _small_output(rule) or len(a) < MIN_LENGTH:
                                counts[1] += 1
                            else:
                                counts[0] += 1
                for i, _col, seen_set, dups in uniques:
                    v = row[i]
                    if v is not None:
                        before = seen_set.count
                        seen_set.add(_b(v), 0)
                        if seen_set.count == before:
                            dups[0] += 1
                for i, value in enumerate(row):
                    if value is not None and i < len(t.columns):
                        self._lookup(t.qualified, t.columns[i], rowno, value, rules_here[i])
            if a_item is not None:
                for _ in a_rows:
                    pass
            b_items.append(item)
            for _i, col, rule, counts in compare:
                if a_item is None:
                    continue
                if counts[0]:
                    what = "non-NULL values" if rule.action == "null" else "values unchanged"
                    changed_problems.append(f"{t.qualified}.{col}: {counts[0]} {what}")
            for _i, col, _s, dups in uniques:
                if dups[0]:
                    unique_problems.append(f"{t.qualified}.{col}: {dups[0]} duplicate values")
        b_rows: dict[str, int] = {}
        for item in b_items:
            b_rows[item.qualified] = b_rows.get(item.qualified, 0) + item.row_count
        for qualified, count in b_rows.items():
            f = facts.get(qualified)
            if f is None:
                continue
            res = resolved.get(qualified)
            expected = 0 if res is not None and res.action.value == "truncate" else f.rows
            if count != expected:
                row_problems.append(f"{qualified}: {count} rows, expected {expected}")
            for col, h in b_hashes.get(qualified, {}).items():
                a = f.kept.get(col)
                if a is not None and a.digest() != h.digest() and expected:
                    kept_problems.append(f"{qualified}.{col}")
        missing = [t for t in order if t not in seen]
        extra = sorted({t for t in seen if t not in order})
        checks = self.result.checks
        checks.append(
            Check(
                "same tables",
                not missing and not extra,
                "; ".join(
                    x
                    for x in (
                        f"missing: {', '.join(missing)}" if missing else "",
                        f"not in the original: {', '.join(extra)}" if extra else "",
                    )
                    if x
                ),
            )
        )
        checks.append(Check("same row counts", not row_problems, "; ".join(row_problems)))
        checks.append(
            Check(
                "kept columns identical",
                not kept_problems,
                ("differ: " + ", ".join(kept_problems)) if kept_problems else "",
            )
        )
        detail = "; ".join(changed_problems)
        if not lockstep:
            detail = (detail + "; " if detail else "") + (
                "the tables are in a different order: rows compared up to the first difference"
            )
        checks.append(Check("transformed columns changed", not changed_problems, detail))
        checks.append(
            Check("unique columns distinct", not unique_problems, "; ".join(unique_problems))
        )
        checks.append(
            Check(
                "no original value of a transformed column in the anonymized dump",
                self.result.leak_count == 0,
                f"{self.result.leak_count} leak(s)" if self.result.leak_count else "",
            )
        )

    def _lookup(
        self, table: str, column: str, row: int, value: str, rule: ColumnRule | None
    ) -> None:
        doc = detect.parse_json(value) if value[:1] in ("{", "[") else None
        if doc is not None:
            for path, scalar in detect.json_scalars(doc):
                if isinstance(scalar, str):
                    self._lookup_value(table, column, row, scalar, rule, path)
                elif scalar is not None and not isinstance(scalar, bool):
                    self._lookup_value(table, column, row, str(scalar), rule, path)
            return
        self._lookup_value(table, column, row, value, rule, "")

    def _lookup_value(
        self, table: str, column: str, row: int, value: str, rule: ColumnRule | None, path: str
    ) -> None:
        if value in self._cache:
            found = self._cache[value]
        else:
            found = self._search(value)
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[value] = found
        if found is not None:
            how, tag = found
            origin = self.origins[tag]
            where = path or how
            f = Finding(table, column, row, where, f"{origin.table}.{origin.column}", origin.rule)
            transformed = rule is not None and rule.action != "keep"
            if transformed and not how and _small_output(rule, path):
                self.result.coincidence_count += 1
                if len(self.result.coincidences) < MAX_REPORTED:
                    self.result.coincidences.append(f)
            else:
                self.result.leak_count += 1
                if len(self.result.leaks) < MAX_REPORTED:
                    self.result.leaks.append(f)

    def _search(self, value: str) -> tuple[str, int] | None:
        """(how, tag) of the first candidate of ``value`` that is an original value."""
        for cand, how in anonymized_candidates(value):
            if len(cand) < MIN_LENGTH:
                continue
            tag = self.fps.get(_b(cand))
            if tag is not None:
                return how, tag
        return None


def audit(settings: Settings, options: AuditOptions) -> AuditResult:
    started = time.monotonic()
    for p in (options.original, options.anonymized):
        if not Path(p).exists():
            raise ConfigError(f"{p} does not exist")
    if options.restore:
        dialect = open_source(settings, options.anonymized, None).dialect
        try:
            url_dialect = db.dialect(options.restore)
        except ValueError as exc:
            raise ConfigError(f"--restore: {exc}") from None
        if url_dialect != dialect:
            raise ConfigError(f"--restore: the anonymized dump is a {dialect} dump; give a "
                              f"{'postgresql' if dialect == 'postgresql' else 'mysql'}:// URL")  # fmt: skip
        if dialect == "postgresql":
            from dataops.anonymize.verify import check_url

            check_url(options.restore)
    auditor = _Auditor(settings, options)
    with read_errors():
        facts, order, resolved = auditor.fingerprint_original()
        auditor.scan_anonymized(facts, order, resolved)
    result = auditor.result
    if options.restore:
        result.checks.append(_restore(settings, options))
    result.seconds = time.monotonic() - started
    if options.json is not None:
        import json

        try:
            fsutil.atomic_write(
                options.json, json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"
            )
        except OSError as exc:
            raise OperationError(f"cannot write {options.json}: {exc.strerror}") from None
    return result


def _restore(settings: Settings, options: AuditOptions) -> Check:
    from dataops.anonymize.verify import verify_restore

    dump = open_source(settings, options.anonymized, None)
    if dump.dialect == "mysql":
        from dataops.anonymize.scan import myrestore

        try:
            done = myrestore.restore(options.restore or "", Path(options.anonymized))
        except OperationError as exc:
            detail = "; ".join([exc.message, *(exc.details or [])[:3]])
            return Check("restores into a scratch database", False, detail)
        return Check(
            "restores into a scratch database",
            True,
            f"{done.server}, {done.seconds:.1f} s, scratch database dropped",
        )
    try:
        verified = verify_restore(
            settings, options.restore or "", Path(options.anonymized), dump.format,
            remove_on_failure=False,
        )  # fmt: skip
    except OperationError as exc:
        return Check(
            "restores into a scratch database",
            False,
            "; ".join([exc.message, *(exc.details or [])[:3]]),
        )
    return Check(
        "restores into a scratch database",
        True,
        f"{verified.server}, {verified.seconds:.1f} s, scratch database dropped",
    )
