"""Value detectors: is this one value personal data, and of which kind?

Each detector is a predicate on one text value; checksums are verified where the
format has one (IBAN mod-97, Luhn for payment cards and Swedish personnummer,
11-proof for Dutch BSN, the check letters of Spanish DNI/NIE and Italian codice
fiscale, the French NIR key), phone numbers are parsed and validated by the
``phonenumbers`` library, person names are looked up in Faker's locale name lists.
:func:`classify` returns the first kind whose detector accepts a value;
:func:`find_in_text` the kinds found inside free text; :func:`json_scalars` walks a
JSON document yielding ``(path, value)`` with paths in the rules' JSONPath syntax.
"""

from __future__ import annotations

import functools
import importlib
import ipaddress
import itertools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

EMAIL = "email"
PHONE = "phone"
IBAN = "iban"
CARD = "card"
IP = "ip"
NATIONAL_ID = "national_id"
DATE_OF_BIRTH = "date_of_birth"
PERSON_NAME = "person_name"
FIRST_NAME = "first_name"
LAST_NAME = "last_name"
ADDRESS = "address"
FREE_TEXT = "free_text"
JSON = "json"

NAME_LOCALES = (
    "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "pl_PL", "sv_SE",
)  # fmt: skip

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_EMAIL_WHOLE = re.compile(_EMAIL.pattern + r"\Z")
_PHONE_CHARS = re.compile(r"\+?[\d\s().\-/]{7,24}\Z")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}\Z")
_IBAN_IN_TEXT = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_CARD = re.compile(r"\d(?:[ -]?\d){12,18}\Z")
_CARD_IN_TEXT = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")
_IPV4_IN_TEXT = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")
_SSN = re.compile(r"(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\Z")
_SSN_IN_TEXT = re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b")
_DNI = re.compile(r"([XYZ]?)(\d{7,8})-?([A-Z])\Z")
_NINO = re.compile(
    r"(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\Z"
)
_CODICE = re.compile(r"[A-Z]{6}\d{2}[A-EHLMPRST]\d{2}[A-Z]\d{3}[A-Z]\Z")
_NIR = re.compile(r"([12])\s?(\d{2})\s?(\d{2})\s?(\d{2}|2A|2B)\s?(\d{3})\s?(\d{3})\s?(\d{2})\Z")
_PERSONNUMMER = re.compile(r"(?:\d{2})?(\d{6})[-+]?(\d{4})\Z")
_BSN = re.compile(r"\d{9}\Z")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?\Z|(\d{1,2})[./](\d{1,2})[./](\d{4})\Z")
_WORD = re.compile(r"[^\W\d_][^\W\d_'.-]*", re.UNICODE)
_STREET_WORDS = (
    "street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|"
    "terrace|square|sq|parkway|pkwy|circle|cir|trail|highway|hwy|crescent|close|gardens"
)
_ADDRESS = (
    re.compile(rf"\d+[A-Za-z]?,?\s+(?:[^\W\d_][\w'.-]*\s+){{1,4}}(?:{_STREET_WORDS})\b\.?", re.I),
    re.compile(
        r"[^\W\d_][\w'-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|laan|straat|gracht|plein|vägen|gatan)\s+\d+",
        re.I,
    ),
    re.compile(r"\d+,?\s+(?:rue|avenue|boulevard|bd|chemin|place|allée|impasse|quai)\s+\w", re.I),
    re.compile(
        r"(?:calle|avenida|avda\.?|paseo|plaza|via|viale|piazza|corso|rua|ulica|ul\.)\s+[^\W\d_][\w'. -]*,?\s*\d+",
        re.I,
    ),
)
_NUMBERISH_IN_TEXT = re.compile(r"(?:\+|\b00|\()?\d[\d \-().]{5,}\d")
_TEXT_MIN = 20  # shorter values are classified as a whole, not searched as free text


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban_ok(value: str) -> bool:
    v = value.replace(" ", "").upper()
    if not _IBAN.match(v):
        return False
    moved = v[4:] + v[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def card_ok(value: str) -> bool:
    if not _CARD.match(value):
        return False
    digits = re.sub(r"[ -]", "", value)
    if not 13 <= len(digits) <= 19 or not luhn(digits):
        return False
    two, four = int(digits[:2]), int(digits[:4])
    return (
        digits[0] == "4"  # Visa
        or 51 <= two <= 55
        or 2221 <= four <= 2720  # Mastercard
        or two in (34, 37)  # American Express
        or four == 6011
        or two == 65
        or 644 <= int(digits[:3]) <= 649  # Discover
        or 3528 <= four <= 3589  # JCB
        or two in (36, 38)
        or 300 <= int(digits[:3]) <= 305  # Diners
        or digits.startswith(("62", "50", "56", "57", "58", "6304", "6759"))  # UnionPay, Maestro
    )


def _dni_ok(value: str) -> bool:
    m = _DNI.match(value.upper())
    if not m:
        return False
    prefix, number, letter = m.groups()
    if prefix:
        if len(number) != 7:
            return False
        number = str("XYZ".index(prefix)) + number
    elif len(number) != 8:
        return False
    return "TRWAGMYFPDXBNJZSQVHLCKE"[int(number) % 23] == letter


_CF_ODD = [
    1,
    0,
    5,
    7,
    9,
    13,
    15,
    17,
    19,
    21,
    2,
    4,
    18,
    20,
    11,
    3,
    6,
    8,
    12,
    14,
    16,
    10,
    22,
    25,
    24,
    23,
]


def _codice_ok(value: str) -> bool:
    v = value.upper()
    if not _CODICE.match(v):
        return False
    total = 0
    for i, ch in enumerate(v[:15]):
        n = int(ch) if ch.isdigit() else ord(ch) - 65
        total += _CF_ODD[n] if i % 2 == 0 else n
    return chr(65 + total % 26) == v[15]


def _nir_ok(value: str) -> bool:
    m = _NIR.match(value)
    if not m:
        return False
    sex, yy, mm, dept, commune, order, key = m.groups()
    dept_num = {"2A": "19", "2B": "18"}.get(dept, dept)
    if not (1 <= int(mm) <= 12 or 20 <= int(mm) <= 42):
        return False
    number = int(sex + yy + mm + dept_num + commune + order)
    return 97 - number % 97 == int(key)


def _personnummer_ok(value: str) -> bool:
    if "-" not in value and "+" not in value:
        return False  # bare 10/12 digits are too often other numbers
    m = _PERSONNUMMER.match(value)
    if not m:
        return False
    date, serial = m.groups()
    if not (1 <= int(date[2:4]) <= 12 and 1 <= int(date[4:6]) <= 31):
        return False
    return luhn(date + serial)


def _bsn_ok(value: str) -> bool:
    if not _BSN.match(value) or value.startswith("0"):
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], range(9, 1, -1), strict=True))
    return (total - int(value[8])) % 11 == 0


def national_id_ok(value: str) -> bool:
    """US SSN (formatted), UK NINO, Spanish DNI/NIE, Italian codice fiscale, French NIR,
    Swedish personnummer (formatted), Dutch BSN; checksums where the format has one."""
    v = value.strip()
    return bool(
        _SSN.match(v)
        or _NINO.match(v.upper())
        or _dni_ok(v)
        or _codice_ok(v)
        or _nir_ok(v)
        or _personnummer_ok(v)
        or _bsn_ok(v)
    )


def phone_ok(value: str, regions: tuple[str, ...] = ("US", "GB", "DE", "FR")) -> bool:
    import phonenumbers

    v = value.strip()
    if not _PHONE_CHARS.match(v) or _DATE.match(v):
        return False
    digits = sum(c.isdigit() for c in v)
    if not 7 <= digits <= 15:
        return False
    if not v.startswith(("+", "00", "(")) and not re.search(r"[\s().\-/]", v):
        return False  # a bare digit string is more often an id than a phone number
    tries: tuple[str | None, ...] = (None,) if v.startswith("+") else regions
    for region in tries:
        try:
            number = phonenumbers.parse(v, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


def ip_ok(value: str) -> bool:
    v = value.strip()
    if not v or len(v) > 45 or not (":" in v or v.count(".") == 3):
        return False
    try:
        ipaddress.ip_interface(v)
    except ValueError:
        return False
    return True


def address_ok(value: str) -> bool:
    if len(value) > 200:
        return False
    return any(p.search(value) for p in _ADDRESS)


@functools.lru_cache(maxsize=1)
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Lower-case first names and last names from Faker's person providers."""
    firsts: set[str] = set()
    lasts: set[str] = set()
    for locale in NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:  # pragma: no cover - a Faker without that locale
            continue
        for attr, target in (
            ("first_names", firsts),
            ("first_names_male", firsts),
            ("first_names_female", firsts),
            ("last_names", lasts),
        ):
            names = getattr(provider, attr, None)
            if names:
                target.update(n.lower() for n in names if isinstance(n, str) and len(n) > 1)
    return frozenset(firsts), frozenset(lasts)


def name_kind(value: str) -> str | None:
    """``first_name``, ``last_name`` or ``person_name`` (two to four capitalised words
    of which the first is a known first name or the last a known last name)."""
    v = value.strip()
    if not v or len(v) > 60 or any(c.isdigit() for c in v) or "@" in v:
        return None
    words = v.replace(",", " ").split()
    if not 1 <= len(words) <= 4 or not all(_WORD.fullmatch(w) for w in words):
        return None
    if not all(w[0].isupper() for w in words):
        return None
    firsts, lasts = name_lists()
    low = [w.lower() for w in words]
    if len(low) == 1:
        if low[0] in firsts:
            return FIRST_NAME
        if low[0] in lasts:
            return LAST_NAME
        return None
    if (low[0] in firsts and (low[-1] in lasts or low[-1] in firsts)) or (
        low[-1] in lasts and low[0] in firsts | lasts
    ):
        return PERSON_NAME
    return None


def date_value(value: str) -> bool:
    return bool(_DATE.match(value.strip()))


Detector = Callable[[str], bool]

#: whole-value detectors, most specific first
DETECTORS: tuple[tuple[str, Detector], ...] = (
    (EMAIL, lambda v: bool(_EMAIL_WHOLE.match(v.strip()))),
    (IBAN, iban_ok),
    (CARD, card_ok),
    (NATIONAL_ID, national_id_ok),
    (IP, ip_ok),
    (PHONE, phone_ok),
    (ADDRESS, address_ok),
)


def classify(value: str) -> str | None:
    """The kind of personal data ``value`` is as a whole, or None."""
    if not value or len(value) > 500:
        return None
    for kind, detector in DETECTORS:
        if detector(value):
            return kind
    return name_kind(value)


def find_in_text(value: str) -> set[str]:
    """Kinds of personal data found inside a longer text (emails, phone numbers, IBANs,
    card numbers, IPv4 addresses, SSNs, street addresses, full person names)."""
    found: set[str] = set()
    if len(value) < _TEXT_MIN:
        return found
    text = value[:20_000]
    if "@" in text and _EMAIL.search(text):
        found.add(EMAIL)
    if any(iban_ok(m.group()) for m in _IBAN_IN_TEXT.finditer(text)):
        found.add(IBAN)
    if any(card_ok(m.group()) for m in _CARD_IN_TEXT.finditer(text)):
        found.add(CARD)
    if _IPV4_IN_TEXT.search(text):
        found.add(IP)
    if _SSN_IN_TEXT.search(text):
        found.add(NATIONAL_ID)
    if any(p.search(text) for p in _ADDRESS):
        found.add(ADDRESS)
    for m in _NUMBERISH_IN_TEXT.finditer(text):
        if phone_ok(m.group().strip()):
            found.add(PHONE)
            break
    words = _WORD.findall(text)
    firsts, lasts = name_lists()
    for a, b in itertools.pairwise(words):
        if a[0].isupper() and b[0].isupper() and a.lower() in firsts and b.lower() in lasts:
            found.add(PERSON_NAME)
            break
    return found


def json_scalars(doc: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """``(path, scalar)`` for every scalar of a parsed JSON document; object keys as
    ``.key`` (``['key']`` when not a plain name), array elements as ``[*]``."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            k = str(key)
            step = f".{k}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k) else "[" + _quote(k) + "]"
            yield from json_scalars(value, path + step)
    elif isinstance(doc, list):
        for value in doc:
            yield from json_scalars(value, path + "[*]")
    else:
        yield path, doc


def _quote(key: str) -> str:
    return "'" + key.replace("\\", "\\\\").replace("'", "\\'") + "'"


def parse_json(value: str) -> Any:
    v = value.lstrip()
    if not v.startswith(("{", "[")):
        return None
    try:
        return json.loads(v)
    except ValueError:
        return None
