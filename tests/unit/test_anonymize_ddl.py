"""The catalog built from pg_dump DDL: columns, NOT NULL, keys, partitions, inheritance."""

from __future__ import annotations

from dataops.anonymize.formats.ddl import Catalog, parse_copy_header

DDL = '''
SET client_encoding = 'SQL_ASCII';
CREATE DOMAIN public.email_address AS text NOT NULL
\tCONSTRAINT email_address_check CHECK ((VALUE ~~ '%@%'::text));
CREATE TABLE public.customer (
    customer_id integer NOT NULL,
    "First ""Name""" text NOT NULL,
    email public.email_address,
    balance numeric(8,2),
    full_name text GENERATED ALWAYS AS (("First ""Name""" || ' '::text)) STORED,
    id2 bigint GENERATED ALWAYS AS IDENTITY
);
CREATE TABLE public.measurement (id integer NOT NULL, logdate date NOT NULL) PARTITION BY RANGE (logdate);
CREATE TABLE public.measurement_y2020 (id integer NOT NULL, logdate date NOT NULL);
ALTER TABLE ONLY public.measurement ATTACH PARTITION public.measurement_y2020 FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE public.vehicle (id integer NOT NULL, plate text);
CREATE TABLE public.truck (payload integer) INHERITS (public.vehicle);
CREATE TABLE sales."Order" (id bigint NOT NULL, customer_id integer, email text);
ALTER TABLE ONLY public.customer ADD CONSTRAINT customer_pkey PRIMARY KEY (customer_id);
ALTER TABLE ONLY public.measurement ADD CONSTRAINT measurement_pkey PRIMARY KEY (id, logdate);
CREATE UNIQUE INDEX customer_email ON public.customer USING btree (email);
ALTER TABLE ONLY sales."Order"
    ADD CONSTRAINT "Order_fk" FOREIGN KEY (customer_id) REFERENCES public.customer(customer_id);
SELECT pg_catalog.lo_create('16469');
'''


def test_catalog_understands_pg_dump_ddl() -> None:
    cat = Catalog()
    cat.add_sql(DDL)
    customer = ("public", "customer")
    cols = {c.name: c for c in cat.all_columns(customer)}
    assert list(cols) == ["customer_id", 'First "Name"', "email", "balance", "full_name", "id2"]
    assert cols["full_name"].generated and not cols["id2"].generated
    assert cat.is_not_null(customer, 'First "Name"')
    assert cat.is_not_null(customer, "email")  # through the domain
    assert not cat.is_not_null(customer, "balance")
    assert {(k.kind, k.columns) for k in cat.keys_of(customer)} == {
        ("PRIMARY KEY", ("customer_id",)),
        ("UNIQUE INDEX", ("email",)),
    }
    assert [(fk.table, fk.columns, fk.ref_table) for fk in cat.foreign_keys] == [
        (("sales", "Order"), ("customer_id",), customer)
    ]
    part = ("public", "measurement_y2020")
    assert cat.partition_ancestors(part) == [("public", "measurement")]
    assert cat.leaves(("public", "measurement")) == [part]
    assert [k.name for k in cat.keys_of(part)] == ["measurement_pkey"]
    assert [c.name for c in cat.all_columns(("public", "truck"))] == ["id", "plate", "payload"]
    data = {t.qualified: t.columns for t in cat.data_tables()}
    assert "public.measurement" not in data
    assert data["public.customer"] == ("customer_id", 'First "Name"', "email", "balance", "id2")
    assert cat.large_objects == 1
    assert cat.encoding == "SQL_ASCII"


def test_copy_header() -> None:
    assert parse_copy_header('COPY "Audit Trail"."Event ""Log""" (id, "Msg") FROM stdin;\n') == (
        "Audit Trail",
        'Event "Log"',
        ("id", "Msg"),
    )
    assert parse_copy_header("COPY public.t FROM stdin;") == ("public", "t", ())
    assert parse_copy_header("COPY public.t (a) TO stdout;") is None
