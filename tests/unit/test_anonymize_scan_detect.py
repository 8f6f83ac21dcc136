"""Value detectors, column-name signals, verdicts and the fingerprint set of scan/audit."""

from __future__ import annotations

import pytest

from dataops.anonymize.coltypes import parse_type
from dataops.anonymize.scan import detect, names
from dataops.anonymize.scan.fingerprint import FingerprintSet
from dataops.anonymize.scan.profile import ColumnProfile, verdict
from dataops.anonymize.scan.source import CopyRows


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("alice@example.org", detect.EMAIL),
        ("+1 415 555 2671", detect.PHONE),
        ("(202) 456-1414", detect.PHONE),
        ("+49 30 901820", detect.PHONE),
        ("DE89370400440532013000", detect.IBAN),
        ("GB82 WEST 1234 5698 7654 32", detect.IBAN),
        ("4111 1111 1111 1111", detect.CARD),
        ("378282246310005", detect.CARD),
        ("10.1.2.3", detect.IP),
        ("2001:db8::1", detect.IP),
        ("123-45-6789", detect.NATIONAL_ID),  # US SSN
        ("12345678Z", detect.NATIONAL_ID),  # Spanish DNI, check letter
        ("RSSMRA85T10A562S", detect.NATIONAL_ID),  # codice fiscale, check character
        ("111222333", detect.NATIONAL_ID),  # Dutch BSN, 11-proof
        ("John Smith", detect.PERSON_NAME),
        ("Marie", detect.FIRST_NAME),
        ("12 Main Street", detect.ADDRESS),
        ("Hauptstraße 5", detect.ADDRESS),
        ("12 rue de la Paix", detect.ADDRESS),
    ],
)
def test_classify_finds_personal_values(value: str, kind: str) -> None:
    assert detect.classify(value) == kind


@pytest.mark.parametrize(
    "value",
    [
        "hello world",
        "42",
        "2024-01-01",
        "DE89370400440532013001",  # IBAN with a wrong checksum
        "4111 1111 1111 1112",  # fails Luhn
        "12345678A",  # DNI with a wrong letter
        "111222334",  # not 11-proof
        "1234567890",  # a bare number is not a phone number
        "paid",
        "Order shipped",
        "999.1.1.1",
    ],
)
def test_classify_rejects_lookalikes(value: str) -> None:
    assert detect.classify(value) is None


def test_free_text_and_json() -> None:
    text = (
        "Please call +1 415 555 2671 or write to jo@x.example.com; IBAN DE89 3704 0044 0532 0130 00"
    )
    assert {detect.PHONE, detect.EMAIL, detect.IBAN} <= detect.find_in_text(text)
    assert detect.find_in_text("order 1234567 shipped on time, thanks") == set()
    doc = {"a": {"email": "x"}, "b": [1, {"c": 2}], "d e": 3}
    assert list(detect.json_scalars(doc)) == [
        ("$.a.email", "x"),
        ("$.b[*]", 1),
        ("$.b[*].c", 2),
        ("$['d e']", 3),
    ]


@pytest.mark.parametrize(
    ("column", "table", "kind"),
    [
        ("email", "t", detect.EMAIL),
        ("customerEmail", "t", detect.EMAIL),
        ("geburtsdatum", "t", detect.DATE_OF_BIRTH),
        ("Vorname", "t", detect.FIRST_NAME),
        ("telefono", "t", detect.PHONE),
        ("name", "customers", detect.PERSON_NAME),
        ("name", "products", None),
        ("email_verified", "t", None),
        ("created_at", "t", None),
        ("c1", "t", None),
    ],
)
def test_column_names_in_several_languages(column: str, table: str, kind: str | None) -> None:
    assert names.name_kind(column, table) == kind


def _profile(
    values: list[str | None], type_text: str = "text", column: str = "c1"
) -> ColumnProfile:
    p = ColumnProfile("public.t", column, parse_type(type_text))
    for v in values:
        p.add(v)
    return p


def test_verdict_by_values_with_evidence() -> None:
    v = verdict(_profile([f"user{i}@example.org" for i in range(97)] + ["n/a"] * 3))
    assert v.kind == detect.EMAIL and v.confidence == "high"
    assert v.evidence == "97% of 100 sampled values are emails"
    assert verdict(_profile(["paid", "new", None])).kind is None
    dob = verdict(_profile(["1980-01-02"], "date", column="birth_date"))
    assert dob.kind == detect.DATE_OF_BIRTH
    assert verdict(_profile(["2024-01-02"], "date", column="created")).kind is None
    j = verdict(_profile(['{"contact": {"mail": "a@b.example.org"}, "n": 1}'] * 5, "jsonb"))
    assert j.kind == detect.JSON and j.json_paths == {"$.contact.mail": detect.EMAIL}
    low = verdict(_profile(["x1", "x2"], column="phone"))
    assert low.kind == detect.PHONE and low.confidence == "low"


def test_copy_rows_counts_what_it_did_not_parse() -> None:
    data = [b"1\ta\n2\t\\N\n3", b"\tc\n4\td\n", b"\\.\n\n\n"]
    rows = CopyRows(iter(data))
    it = iter(rows)
    assert next(it) == ["1", "a"]
    rows.drain()
    assert rows.count == 4


def test_fingerprint_set_is_exact_and_grows() -> None:
    fps = FingerprintSet(capacity=4)
    for i in range(5000):
        fps.add(b"value-%d" % i, i % 7)
    assert fps.count == 5000
    assert fps.get(b"value-4999") == 4999 % 7
    assert fps.get(b"value-5000") is None
    other = FingerprintSet()  # another key: other fingerprints
    assert other.fingerprint(b"x") != fps.fingerprint(b"x")


def test_partitions_are_judged_together() -> None:
    empty = _profile([])
    full = _profile([f"user{i}@example.org" for i in range(10)])
    assert verdict(empty).kind is None
    merged = empty.merged([full])
    assert merged.sampled == 10 and verdict(merged).kind == detect.EMAIL
