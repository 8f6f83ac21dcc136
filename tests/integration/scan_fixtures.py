"""A database with personal data hidden in badly named columns, for scan/check/audit.

``c1`` holds emails, ``c2`` phone numbers, ``notes`` free text with IBANs and emails,
``payload`` JSON with an email and a name at ``$.contact``, ``x_card`` card numbers,
``whois`` IP addresses as text, ``ident`` Spanish DNI numbers, ``who`` full names,
``addr`` street addresses; ``dob`` is a date named like a date of birth.  Other
columns (``id``, ``amount``, ``status``, ``created``) are not personal.
"""

from __future__ import annotations

import json

from tests.harness.postgres import PgServer

FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis"]
STREETS = ["Main Street", "Oak Avenue", "Pine Road", "Maple Lane", "Cedar Drive"]
IBANS = ["DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606"]
CARDS = ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117"]
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni(n: int) -> str:
    number = 10_000_000 + n * 7919
    return f"{number}{DNI_LETTERS[number % 23]}"


def person(i: int) -> tuple[str, str]:
    return FIRST[i % len(FIRST)], LAST[(i * 3) % len(LAST)]


SCHEMA = """
CREATE TABLE public.t1 (
  id integer PRIMARY KEY,
  c1 varchar(120) NOT NULL UNIQUE,
  c2 text,
  notes text,
  payload jsonb,
  x_card text,
  whois text,
  ident varchar(12),
  who text,
  addr text,
  dob date,
  amount numeric(10,2),
  status text,
  created timestamptz
);
CREATE TABLE public.t2 (
  id integer PRIMARY KEY,
  t1_id integer REFERENCES public.t1(id),
  owner varchar(120) REFERENCES public.t1(c1),
  label text
);
"""


def rows(n: int) -> list[tuple[object, ...]]:
    out = []
    for i in range(n):
        first, last = person(i)
        email = f"{first.lower()}.{last.lower()}{i}@mail{i % 5}.example.org"
        phone = f"+1 415 555 {1000 + i:04d}" if i % 2 else f"+44 20 7946 {i % 1000:04d}"
        notes = (
            f"Customer called about invoice {i}; refund to IBAN {IBANS[i % 3]}, "
            f"confirmation sent to {email}"
            if i % 3 == 0
            else f"Order {i} shipped"
        )
        payload = {"contact": {"email": email, "name": f"{first} {last}"}, "tier": i % 4}
        out.append(
            (
                i + 1,
                email,
                phone,
                notes,
                json.dumps(payload),
                CARDS[i % 4],
                f"192.168.{i % 250}.{(i * 7) % 250 + 1}",
                dni(i),
                f"{first} {last}",
                f"{10 + i} {STREETS[i % 5]}",
                f"19{50 + i % 50}-0{1 + i % 9}-1{i % 9}",
                i * 1.5,
                ["new", "paid", "shipped"][i % 3],
                "2024-01-01 10:00:00+00",
            )
        )
    return out


def create_pii_database(pg: PgServer, name: str, n: int = 300) -> None:
    pg.create_database(name)
    with pg.connect(name) as conn:
        conn.execute(SCHEMA)
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO public.t1 VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                rows(n),
            )
            cur.executemany(
                "INSERT INTO public.t2 VALUES (%s,%s,%s,%s)",
                [(i + 1, i + 1, r[1], f"label {i}") for i, r in enumerate(rows(n)[: n // 2])],
            )


MYSQL_SCHEMA = [
    """CREATE TABLE t1 (
  id int PRIMARY KEY,
  c1 varchar(120) NOT NULL UNIQUE,
  c2 varchar(40),
  notes text,
  payload json,
  x_card varchar(25),
  whois varchar(45),
  ident varchar(12),
  who varchar(80),
  addr varchar(120),
  dob date,
  amount decimal(10,2),
  status varchar(20),
  created datetime
)""",
    """CREATE TABLE t2 (
  id int PRIMARY KEY,
  t1_id int,
  owner varchar(120),
  label varchar(40),
  FOREIGN KEY (t1_id) REFERENCES t1(id),
  FOREIGN KEY (owner) REFERENCES t1(c1)
)""",
]


def create_pii_mysql(conn: object, n: int = 300) -> None:
    """The same data in a MariaDB database (``conn``: a PyMySQL connection)."""
    cur = conn.cursor()  # type: ignore[attr-defined]
    for stmt in MYSQL_SCHEMA:
        cur.execute(stmt)
    data = [(*r[:13], "2024-01-01 10:00:00") for r in rows(n)]
    cur.executemany("INSERT INTO t1 VALUES (" + ",".join(["%s"] * 14) + ")", data)
    cur.executemany(
        "INSERT INTO t2 VALUES (%s,%s,%s,%s)",
        [(i + 1, i + 1, r[1], f"label {i}") for i, r in enumerate(data[: n // 2])],
    )
    conn.commit()  # type: ignore[attr-defined]
