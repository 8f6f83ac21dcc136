-- Declarative partitioning (range by month on a timestamp, list, hash, a default
-- partition) and an old-style inheritance child with a CHECK.
CREATE TABLE customers (
    id    serial PRIMARY KEY,
    email varchar(120) NOT NULL UNIQUE,
    region char(2) NOT NULL CHECK (region IN ('eu', 'us', 'ap'))
);

CREATE TABLE payments (
    id          bigserial,
    customer_id integer NOT NULL REFERENCES customers(id),
    amount      numeric(8, 2) NOT NULL CHECK (amount > 0),
    paid_at     timestamptz NOT NULL,
    PRIMARY KEY (id, paid_at)
) PARTITION BY RANGE (paid_at);
CREATE TABLE payments_2024_01 PARTITION OF payments FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE payments_2024_02 PARTITION OF payments FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE payments_2024_03 PARTITION OF payments FOR VALUES FROM ('2024-03-01') TO ('2024-04-01');

CREATE TABLE events (
    id     bigserial,
    kind   text NOT NULL,
    day    date NOT NULL,
    PRIMARY KEY (id, day)
) PARTITION BY RANGE (day);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE events_other PARTITION OF events DEFAULT;

CREATE TABLE shipments (
    id      serial,
    region  text NOT NULL,
    weight  integer NOT NULL CHECK (weight BETWEEN 1 AND 500),
    PRIMARY KEY (id, region)
) PARTITION BY LIST (region);
CREATE TABLE shipments_eu PARTITION OF shipments FOR VALUES IN ('eu', 'uk');
CREATE TABLE shipments_us PARTITION OF shipments FOR VALUES IN ('us');

CREATE TABLE sessions (
    id      uuid PRIMARY KEY,
    user_agent text
) PARTITION BY HASH (id);
CREATE TABLE sessions_0 PARTITION OF sessions FOR VALUES WITH (modulus 2, remainder 0);
CREATE TABLE sessions_1 PARTITION OF sessions FOR VALUES WITH (modulus 2, remainder 1);

-- old style: a parent and a child per year with a CHECK (rules route inserts, COPY bypasses them)
CREATE TABLE rentals (
    id          serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers(id),
    rented_at   timestamp NOT NULL
);
CREATE TABLE rentals_2007 (
    CHECK (rented_at >= '2007-01-01 00:00:00' AND rented_at < '2008-01-01 00:00:00')
) INHERITS (rentals);
ALTER TABLE rentals_2007 ADD PRIMARY KEY (id);
CREATE RULE rentals_insert_2007 AS ON INSERT TO rentals
    WHERE new.rented_at >= '2007-01-01' AND new.rented_at < '2008-01-01'
    DO INSTEAD INSERT INTO rentals_2007 VALUES (new.*);

-- foreign keys declared on each partition only (as older dumps have them), monthly bounds
CREATE TABLE refunds (
    id          serial,
    customer_id integer NOT NULL,
    refunded_at timestamp NOT NULL,
    PRIMARY KEY (id, refunded_at)
) PARTITION BY RANGE (refunded_at);
CREATE TABLE refunds_2023_11 PARTITION OF refunds FOR VALUES FROM ('2023-11-01') TO ('2023-12-01');
CREATE TABLE refunds_2023_12 PARTITION OF refunds FOR VALUES FROM ('2023-12-01') TO ('2024-01-01');
ALTER TABLE refunds_2023_11 ADD CONSTRAINT refunds_2023_11_customer_fk FOREIGN KEY (customer_id) REFERENCES customers(id);
ALTER TABLE refunds_2023_12 ADD CONSTRAINT refunds_2023_12_customer_fk FOREIGN KEY (customer_id) REFERENCES customers(id);
