"""A column's sample -> counts per kind -> a verdict (kind, confidence, evidence)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dataops.anonymize.coltypes import ColType
from dataops.anonymize.scan import detect, names

#: kinds precise enough that a few hits in free text are a finding
PRECISE = frozenset({detect.EMAIL, detect.IBAN, detect.CARD, detect.NATIONAL_ID, detect.PHONE})
KIND_TEXT = {
    detect.EMAIL: "emails",
    detect.PHONE: "phone numbers",
    detect.IBAN: "IBANs (checksum valid)",
    detect.CARD: "payment card numbers (Luhn valid)",
    detect.IP: "IP addresses",
    detect.NATIONAL_ID: "national identifiers",
    detect.DATE_OF_BIRTH: "dates",
    detect.PERSON_NAME: "person names",
    detect.FIRST_NAME: "first names",
    detect.LAST_NAME: "last names",
    detect.ADDRESS: "street addresses",
}
MAX_JSON_PATHS = 200


_CATEGORIES = {
    "jsonb": "json",
    "cidr": "inet",
    "timestamp": "date",
    "timestamptz": "date",
    "float": "numeric",
}


def category(col: ColType) -> str:
    """text | integer | numeric | date | inet | json | uuid | boolean | bytea | enum | ..."""
    cat = col.category
    return _CATEGORIES.get(cat, cat)


@dataclass
class PathStats:
    seen: int = 0
    kinds: Counter[str] = field(default_factory=Counter)


@dataclass
class ColumnProfile:
    table: str
    column: str
    type: ColType
    not_null: bool = False
    sampled: int = 0  # non-NULL values looked at
    nulls: int = 0
    kinds: Counter[str] = field(default_factory=Counter)  # whole-value kinds
    texts: int = 0  # values long enough to be free text
    text_hits: Counter[str] = field(default_factory=Counter)  # kinds found inside text
    text_hit_values: int = 0
    json_docs: int = 0
    paths: dict[str, PathStats] = field(default_factory=dict)

    def add(self, value: str | None) -> None:
        if value is None:
            self.nulls += 1
            return
        self.sampled += 1
        cat = category(self.type)
        if cat == "json" or (cat == "text" and value[:1] in ("{", "[")):
            doc = detect.parse_json(value)
            if doc is not None:
                self.json_docs += 1
                self._json(doc)
                return
        if cat not in ("text", "other", "inet", "integer", "numeric", "date"):
            return
        if cat == "inet":
            self.kinds[detect.IP] += 1
            return
        if cat == "date":
            return  # dates of birth are decided by name and type
        kind = detect.classify(value)
        if kind is not None:
            self.kinds[kind] += 1
            return
        if cat == "text":
            hits = detect.find_in_text(value)
            if len(value) >= 20:
                self.texts += 1
            if hits:
                self.text_hit_values += 1
                self.text_hits.update(hits)

    def merged(self, others: list[ColumnProfile]) -> ColumnProfile:
        """This profile with the counts of ``others`` (partitions of one table) added."""
        out = ColumnProfile(self.table, self.column, self.type, self.not_null)
        for p in [self, *others]:
            out.sampled += p.sampled
            out.nulls += p.nulls
            out.kinds.update(p.kinds)
            out.texts += p.texts
            out.text_hits.update(p.text_hits)
            out.text_hit_values += p.text_hit_values
            out.json_docs += p.json_docs
            for path, stats in p.paths.items():
                mine = out.paths.setdefault(path, PathStats())
                mine.seen += stats.seen
                mine.kinds.update(stats.kinds)
        return out

    def _json(self, doc: object) -> None:
        for path, scalar in detect.json_scalars(doc):
            stats = self.paths.get(path)
            if stats is None:
                if len(self.paths) >= MAX_JSON_PATHS:
                    continue
                stats = self.paths[path] = PathStats()
            stats.seen += 1
            if isinstance(scalar, str):
                kind = detect.classify(scalar)
                if kind is None and len(scalar) >= 20 and detect.find_in_text(scalar):
                    kind = detect.FREE_TEXT
                if kind is None:
                    hint = names.name_kind(path.rsplit(".", 1)[-1].strip("[]'*"))
                    if hint in (detect.DATE_OF_BIRTH,) and detect.date_value(scalar):
                        kind = hint
                if kind is not None:
                    stats.kinds[kind] += 1


@dataclass
class Verdict:
    kind: str | None  # None: keep
    confidence: str  # high | medium | low | none
    evidence: str
    fraction: float = 0.0
    json_paths: dict[str, str] = field(default_factory=dict)  # path -> kind

    @property
    def personal(self) -> bool:
        return self.kind is not None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "kind": self.kind,
            "confidence": self.confidence,
            "evidence": self.evidence,
            "fraction": round(self.fraction, 4),
        }
        if self.json_paths:
            out["json_paths"] = dict(self.json_paths)
        return out


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}% of {total:,} sampled values"


def verdict(p: ColumnProfile) -> Verdict:
    hint = names.name_kind(p.column, p.table.rsplit(".", 1)[-1])
    hint_text = f"; column name suggests {hint.replace('_', ' ')}" if hint else ""
    total = p.sampled
    cat = category(p.type)
    # JSON documents: personal values at their paths
    if p.json_docs and p.json_docs * 2 >= total and cat == "json":
        found: dict[str, str] = {}
        notes = []
        for path, stats in p.paths.items():
            if not stats.kinds:
                continue
            kind, n = stats.kinds.most_common(1)[0]
            if n * 10 >= stats.seen or kind in PRECISE or kind == detect.FREE_TEXT:
                found[path] = kind
                notes.append(f"{path}: {n} of {stats.seen} {KIND_TEXT.get(kind, kind)}")
        if found:
            conf = "high" if len(notes) and all(" of " in x for x in notes) else "medium"
            return Verdict(
                detect.JSON,
                conf,
                f"JSON documents ({total:,} sampled) hold personal values at "
                + ", ".join(notes[:6])
                + (f" and {len(notes) - 6} more paths" if len(notes) > 6 else ""),
                1.0,
                found,
            )
    if cat == "date":
        if hint == detect.DATE_OF_BIRTH:
            return Verdict(
                detect.DATE_OF_BIRTH,
                "high",
                f"a {p.type.describe()} column named like a date of birth",
                1.0,
            )
        return Verdict(None, "none", f"{p.type.describe()}, not named like a date of birth")
    if total and p.kinds:
        kind, n = p.kinds.most_common(1)[0]
        if kind in (detect.FIRST_NAME, detect.LAST_NAME, detect.PERSON_NAME):
            n = sum(p.kinds[k] for k in (detect.FIRST_NAME, detect.LAST_NAME, detect.PERSON_NAME))
            if hint in (detect.FIRST_NAME, detect.LAST_NAME, detect.PERSON_NAME):
                kind = hint
        frac = n / total
        agrees = hint == kind
        if frac >= 0.5 or (frac >= 0.1 and agrees) or (kind in PRECISE and frac >= 0.2):
            conf = "high" if frac >= 0.8 or (agrees and frac >= 0.3) else "medium"
            return Verdict(
                kind, conf, f"{_pct(n, total)} are {KIND_TEXT.get(kind, kind)}{hint_text}", frac
            )
    if p.text_hit_values and cat == "text":
        n = p.text_hit_values
        kinds = ", ".join(KIND_TEXT.get(k, k) for k, _ in p.text_hits.most_common())
        precise = any(k in PRECISE for k in p.text_hits)
        if precise or n * 20 >= max(total, 1):
            conf = "high" if n >= 3 and precise else "medium"
            return Verdict(
                detect.FREE_TEXT,
                conf,
                f"{n:,} of {total:,} sampled values contain {kinds}{hint_text}",
                n / max(total, 1),
            )
    if hint is not None and hint != detect.DATE_OF_BIRTH:
        seen = f"; values did not confirm ({total:,} sampled)" if total else "; no values sampled"
        return Verdict(hint, "low", f"column name suggests {hint.replace('_', ' ')}{seen}", 0.0)
    if not total:
        return Verdict(None, "none", "no values sampled (empty or all NULL)")
    return Verdict(None, "none", f"no personal data found in {total:,} sampled values")
