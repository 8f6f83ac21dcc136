-- A small shop: FKs (with a cycle and a self-reference), unique and composite unique
-- constraints, CHECKs, an enum and JSON.  Used by examples/demo/spec.yaml and the tests.
CREATE TYPE tier AS ENUM ('free', 'pro', 'enterprise');

CREATE TABLE departments (
    id          serial PRIMARY KEY,
    name        varchar(80) NOT NULL UNIQUE,
    manager_id  integer                         -- -> employees.id (closes a cycle)
);

CREATE TABLE employees (
    id             serial PRIMARY KEY,
    department_id  integer NOT NULL REFERENCES departments(id),
    manager_id     integer REFERENCES employees(id),     -- self-reference
    full_name      varchar(120) NOT NULL,
    email          varchar(200) NOT NULL UNIQUE,
    salary         numeric(10, 2) NOT NULL CHECK (salary BETWEEN 30000 AND 250000)
);

ALTER TABLE departments ADD CONSTRAINT departments_manager_fk
    FOREIGN KEY (manager_id) REFERENCES employees(id);

CREATE TABLE customers (
    id          bigserial PRIMARY KEY,
    email       varchar(200) NOT NULL UNIQUE,
    full_name   varchar(120) NOT NULL,
    phone       varchar(40),
    tier        tier NOT NULL DEFAULT 'free',
    created_at  timestamptz NOT NULL,
    preferences jsonb NOT NULL DEFAULT '{}',
    country     char(2) NOT NULL CHECK (country IN ('US', 'GB', 'DE', 'FR', 'NL'))
);

CREATE TABLE products (
    id      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku     varchar(20) NOT NULL UNIQUE,
    name    text NOT NULL,
    price   numeric(10, 2) NOT NULL CHECK (price > 0 AND price <= 10000),
    stock   integer NOT NULL DEFAULT 0 CHECK (stock >= 0)
);

CREATE TABLE orders (
    id           bigserial PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customers(id),
    status       varchar(20) NOT NULL CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
    ordered_at   timestamptz NOT NULL,
    note         text
);

CREATE TABLE order_items (
    order_id    bigint NOT NULL REFERENCES orders(id),
    product_id  integer NOT NULL REFERENCES products(id),
    quantity    smallint NOT NULL CHECK (quantity BETWEEN 1 AND 20),
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE users (
    id        serial PRIMARY KEY,
    email     varchar(200) NOT NULL UNIQUE,
    role      varchar(10) NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member', 'viewer')),
    username  varchar(40) NOT NULL,
    team      varchar(20) NOT NULL,
    CONSTRAINT users_team_username UNIQUE (team, username)
);
