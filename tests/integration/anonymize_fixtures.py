"""The tricky database shared by the anonymize tests (plain, custom and directory formats).

``create_tricky_database(pg)`` builds it on a harness cluster and returns its URL;
``TRICKY_RULES`` anonymizes it (format with ``secret=...`` is not needed: the
secret comes from ``${DATAOPS_ANONYMIZE_SECRET:-...}``).  It covers quoted
mixed-case identifiers, several schemas, inheritance, declarative partitions,
generated columns, bytea, arrays, json/jsonb, tsvector, enums, domains, a large
object, ``$$`` function bodies that look like COPY data, and values with tabs,
newlines, CR, backslashes, the literal string ``\\N``, unicode, NULLs and -- in the
default SQL_ASCII database -- invalid UTF-8.

``SECRET_VALUES`` are original values of transformed columns: none may appear in
an anonymized dump (check both ``v`` and ``copytext.escape(v)``).
``KEPT_TABLES`` must restore identical; ``TRANSFORMED`` lists (table, column)
pairs whose values must all change.
"""

from __future__ import annotations

import uuid

from tests.harness.postgres import PgServer

SCHEMA_SQL = r"""
CREATE SCHEMA sales;
CREATE SCHEMA "Audit Trail";
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN public.email_address AS text CHECK (VALUE LIKE '%@%') NOT NULL;

CREATE TABLE public.customer (
  customer_id integer PRIMARY KEY,
  "FirstName" text NOT NULL,
  "Last ""Quoted"" Name" text,
  email public.email_address UNIQUE,
  phone text,
  mood public.mood,
  tags text[],
  profile jsonb,
  doc json,
  search tsvector,
  picture bytea,
  birth date,
  created timestamptz,
  balance numeric(8,2),
  full_name text GENERATED ALWAYS AS ("FirstName" || ' ' || coalesce("Last ""Quoted"" Name", '')) STORED,
  note text
);

CREATE TABLE sales."Order" (
  id bigint PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES public.customer(customer_id),
  customer_email text REFERENCES public.customer(email),
  amount numeric(10,2),
  ordered_at timestamp
);

CREATE TABLE public.measurement (
  id int, logdate date NOT NULL, city text, reading int, PRIMARY KEY (id, logdate)
) PARTITION BY RANGE (logdate);
CREATE TABLE public.measurement_y2020 PARTITION OF public.measurement
  FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE public.measurement_y2021 PARTITION OF public.measurement
  FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');

CREATE TABLE public.vehicle (id serial PRIMARY KEY, owner_name text, plate text);
CREATE TABLE public.truck (payload int) INHERITS (public.vehicle);

CREATE TABLE "Audit Trail"."Event Log" (
  id serial PRIMARY KEY, "Message" text, at timestamptz DEFAULT '2024-01-01 00:00:00+00'
);
CREATE TABLE public.audit_log (id int, detail text);

CREATE TABLE public.film (
  film_id int PRIMARY KEY, title text, description text, rating public.mood, raw bytea
);

CREATE TABLE public.user_account (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  external_id uuid UNIQUE,
  api_token text,
  plan text,
  logins integer,
  document_id oid
);

CREATE TABLE public.raw_bytes (id int PRIMARY KEY, payload text, kept text);

CREATE FUNCTION public.tricky() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  -- a body that looks like data
  RETURN 'COPY public.customer (customer_id) FROM stdin;
1	NotAValue
\.
';
END $$;
CREATE FUNCTION public.tricky2() RETURNS text LANGUAGE sql AS $body$ SELECT 'x;y' $body$;
COMMENT ON TABLE public.customer IS 'it''s; tricky';
"""

DATA_SQL = r"""
INSERT INTO public.customer (customer_id, "FirstName", "Last ""Quoted"" Name", email, phone, mood,
  tags, profile, doc, search, picture, birth, created, balance, note) VALUES
 (1, E'Zebulon\tTab', E'Quuxley\nNewline', 'zebulon.quuxley@secret-corp.example', '+1 555 867 5309',
  'ok', ARRAY['alpha','b c','d"e'], '{"name": "Xanthippe Secret", "addr": {"city": "Parisville", "zip": 75001}, "n": 1.50}',
  '{"x": [1,2], "who": "Wilhelmina"}', to_tsvector('simple', 'hello world'), '\x00ff10', '1980-02-29',
  '2020-01-01 10:00:00+02', 123.45, E'back\\slash \\N literal'),
 (2, '\N', NULL, 'bartholomew@secret-corp.example', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, 'ünïcødé ☃ text'),
 (3, E'Cr\rLf\r\n', E'Back\\\\Slash', 'crlf.person@secret-corp.example', '0044 20 7946 0958', 'happy',
  ARRAY[NULL, 'x'], '[]', 'null', '', '', '0001-01-01', 'infinity', -999.99, E'\b\f\v');
INSERT INTO public.customer (customer_id, "FirstName", email, birth, balance)
  SELECT g, 'Person' || g, 'person' || g || '@secret-corp.example', date '1970-01-01' + g, g * 1.25
  FROM generate_series(10, 209) g;

INSERT INTO sales."Order" VALUES
  (10, 1, 'zebulon.quuxley@secret-corp.example', 5.50, '2021-05-05 12:00'),
  (11, 2, NULL, 1, NULL),
  (12, 3, 'crlf.person@secret-corp.example', 99999999.99, '2022-02-02 02:02:02.123456');
INSERT INTO sales."Order" SELECT 1000 + g, g, 'person' || g || '@secret-corp.example', g, '2023-01-01'
  FROM generate_series(10, 209) g;

INSERT INTO public.measurement VALUES (1, '2020-05-01', 'Quimperlé', 3), (2, '2021-05-01', 'Rome', 4);
INSERT INTO public.vehicle (owner_name, plate) VALUES ('Ignatius Vehicleowner', 'AB-123');
INSERT INTO public.truck (owner_name, plate, payload) VALUES ('Cornelius Truckowner', 'XY-9', 1000);
INSERT INTO "Audit Trail"."Event Log" ("Message") VALUES
  (E'login from\tSecretHost\r\n'), (E'\\N'), (NULL), (E'multi\nline\nmessage');
INSERT INTO public.audit_log VALUES (1, 'Ophelia Auditsecret logged in');
INSERT INTO public.film VALUES
  (1, E'Kept\tTitle', E'kept \\ backslash \\N and\nnewline', 'sad', '\xdeadbeef'),
  (2, '\N', NULL, NULL, NULL),
  (3, 'café ☃', '', 'happy', '');
INSERT INTO public.user_account (external_id, api_token, plan, logins) VALUES
  ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'tok_Secret_Alpha_123', 'pro', 42),
  ('b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', 'tok_Secret_Beta_456', 'free', 0),
  (NULL, NULL, NULL, NULL);
"""

# invalid UTF-8 needs a SQL_ASCII database
RAW_BYTES_SQL = r"""
INSERT INTO public.raw_bytes VALUES
  (1, E'Secret\377\376Payload', E'kept\377\200bytes'),
  (2, E'caf\351 latin1 Secretvalue', E'\351t\351'),
  (3, NULL, NULL);
"""
RAW_BYTES_UTF8_SQL = r"""
INSERT INTO public.raw_bytes VALUES
  (1, 'SecretPayload', 'kept bytes'), (2, 'café Secretvalue', 'été'), (3, NULL, NULL);
"""

TRICKY_RULES = r"""
version: 1
secret: ${DATAOPS_ANONYMIZE_SECRET:-tricky-test-secret}
locale: en_US
unknown_tables: fail
unknown_columns: fail
large_objects: empty
tables:
  public.customer:
    columns:
      customer_id: keep
      FirstName: {transform: fake, provider: first_name}
      'Last "Quoted" Name': {transform: fake, provider: last_name}
      email: {transform: email, domain: example.com, unique: true}
      phone: {transform: mask, keep_last: 2}
      mood: keep
      tags: {transform: constant, value: "{redacted}"}
      profile:
        transform: json
        paths:
          $.name: {transform: fake, provider: name}
          $.addr: {transform: mask}
      doc: {transform: json, paths: {$.who: {transform: hash, length: 12}}}
      search: null
      picture: null
      birth: {transform: date_shift, max_days: 30}
      created: {transform: date_shift}
      balance: {transform: number_noise, ratio: 0.5}
      note: {transform: regex_replace, pattern: '[A-Za-z]', replacement: x}
  sales.Order:
    columns:
      id: keep
      customer_id: keep
      customer_email: {transform: email, domain: example.com, unique: true}
      amount: {transform: number_noise, ratio: 0.2}
      ordered_at: {transform: date_shift, max_days: 10}
  public.measurement:
    columns:
      id: keep
      logdate: keep
      city: {transform: template, template: "City {id}"}
      reading: keep
  public.vehicle:
    columns: {id: keep, owner_name: {transform: fake, provider: name}, plate: {transform: hash, length: 8}}
  public.truck:
    columns:
      id: keep
      owner_name: {transform: fake, provider: name}
      plate: {transform: hash, length: 8}
      payload: keep
  '"Audit Trail"."Event Log"':
    columns:
      id: keep
      Message: {transform: regex_replace, pattern: 'Secret\w+', replacement: 'host'}
      at: keep
  public.audit_log: truncate
  public.film: keep
  public.user_account:
    columns:
      id: keep
      external_id: {transform: uuid}
      api_token: {transform: hash, length: 32, prefix: tok_, unique: true}
      plan: {transform: choice, values: [basic, plus]}
      logins: {transform: number_noise}
      document_id: keep
  public.raw_bytes:
    columns:
      id: keep
      payload: {transform: hash}
      kept: keep
"""

KEPT_TABLES = ["public.film"]

# (table, column) whose every non-NULL value must differ after anonymization
TRANSFORMED = [
    ("public.customer", '"FirstName"'),
    ("public.customer", "email"),
    ("public.customer", "phone"),
    ('sales."Order"', "customer_email"),
    ("public.vehicle", "owner_name"),
    ("public.truck", "owner_name"),
    ("public.user_account", "api_token"),
    ("public.raw_bytes", "payload"),
]

SECRET_VALUES: list[bytes] = [
    b"Zebulon",
    b"Quuxley",
    b"zebulon.quuxley@secret-corp.example",
    b"secret-corp.example",
    b"867 5309",
    b"Xanthippe",
    b"Parisville",
    b"Wilhelmina",
    b"Ignatius",
    b"Cornelius",
    b"SecretHost",
    b"Ophelia",
    b"tok_Secret_Alpha_123",
    b"Quimperl",
    b"Secret\xff\xfePayload",
    b"Secretvalue",
    b"large object secret",
]

LARGE_OBJECT_CONTENT = b"large object secret"


def create_tricky_database(
    pg: PgServer, name: str | None = None, encoding: str = "SQL_ASCII"
) -> str:
    """Create and fill the tricky database; return its URL.

    ``encoding="SQL_ASCII"`` (default) adds values that are invalid UTF-8.
    """
    name = name or "tricky_" + uuid.uuid4().hex[:8]
    url = pg.create_database(name, encoding=encoding)
    with pg.connect(name) as conn, conn.cursor() as cur:
        cur.execute(SCHEMA_SQL.encode())
        cur.execute(DATA_SQL.encode())
        cur.execute((RAW_BYTES_SQL if encoding == "SQL_ASCII" else RAW_BYTES_UTF8_SQL).encode())
        cur.execute("SELECT lo_from_bytea(0, %s)", (LARGE_OBJECT_CONTENT,))
        oid = cur.fetchone()[0]  # type: ignore[index]
        cur.execute("UPDATE public.user_account SET document_id = %s WHERE plan = 'pro'", (oid,))
    return url


def table_bytes(pg: PgServer, dbname: str, table: str, order_by: str = "1") -> bytes:
    """A table's rows as COPY text, ordered: for byte-exact comparisons."""
    with pg.connect(dbname) as conn, conn.cursor() as cur:
        out = bytearray()
        with cur.copy(f"COPY (SELECT * FROM {table} ORDER BY {order_by}) TO STDOUT") as copy:  # type: ignore[arg-type]
            for block in copy:
                out += bytes(block)
        return bytes(out)


def column_values(pg: PgServer, dbname: str, table: str, column: str, order_by: str) -> list[bytes]:
    """One column's values as COPY text lines (``\\N`` for NULL), ordered by ``order_by``."""
    with pg.connect(dbname) as conn, conn.cursor() as cur:
        out = bytearray()
        sql = f"COPY (SELECT {column} FROM {table} ORDER BY {order_by}) TO STDOUT"
        with cur.copy(sql) as copy:  # type: ignore[arg-type]
            for block in copy:
                out += bytes(block)
    return bytes(out).split(b"\n")[:-1]


def row_counts(pg: PgServer, dbname: str) -> dict[str, int]:
    """Rows per ordinary table (leaf partitions and inheritance children counted alone)."""
    tables = pg.execute(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
        dbname,
    )
    out = {}
    for (raw,) in tables:
        table = raw.decode() if isinstance(raw, bytes) else str(raw)  # SQL_ASCII gives bytes
        out[table] = int(pg.execute(f"SELECT count(*) FROM ONLY {table}", dbname)[0][0])  # type: ignore[call-overload]
    return out
