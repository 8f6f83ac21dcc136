-- SQLite version of schema.postgres.sql (same tables, same spec).
CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    name        VARCHAR(80) NOT NULL UNIQUE,
    manager_id  INTEGER REFERENCES employees(id)
);

CREATE TABLE employees (
    id             INTEGER PRIMARY KEY,
    department_id  INTEGER NOT NULL REFERENCES departments(id),
    manager_id     INTEGER REFERENCES employees(id),
    full_name      VARCHAR(120) NOT NULL,
    email          VARCHAR(200) NOT NULL UNIQUE,
    salary         NUMERIC(10, 2) NOT NULL,
    CONSTRAINT employees_salary CHECK (salary BETWEEN 30000 AND 250000)
);

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    email       VARCHAR(200) NOT NULL UNIQUE,
    full_name   VARCHAR(120) NOT NULL,
    phone       VARCHAR(40),
    tier        VARCHAR(10) NOT NULL DEFAULT 'free',
    created_at  TIMESTAMP NOT NULL,
    preferences JSON NOT NULL DEFAULT '{}',
    country     CHAR(2) NOT NULL,
    CONSTRAINT customers_tier CHECK (tier IN ('free', 'pro', 'enterprise')),
    CONSTRAINT customers_country CHECK (country IN ('US', 'GB', 'DE', 'FR', 'NL'))
);

CREATE TABLE products (
    id      INTEGER PRIMARY KEY,
    sku     VARCHAR(20) NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    price   NUMERIC(10, 2) NOT NULL,
    stock   INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT products_price CHECK (price > 0 AND price <= 10000),
    CONSTRAINT products_stock CHECK (stock >= 0)
);

CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    status       VARCHAR(20) NOT NULL,
    ordered_at   TIMESTAMP NOT NULL,
    note         TEXT,
    CONSTRAINT orders_status CHECK (status IN ('new', 'paid', 'shipped', 'cancelled'))
);

CREATE TABLE order_items (
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    product_id  INTEGER NOT NULL REFERENCES products(id),
    quantity    SMALLINT NOT NULL,
    PRIMARY KEY (order_id, product_id),
    CONSTRAINT order_items_quantity CHECK (quantity BETWEEN 1 AND 20)
);

CREATE TABLE users (
    id        INTEGER PRIMARY KEY,
    email     VARCHAR(200) NOT NULL UNIQUE,
    role      VARCHAR(10) NOT NULL DEFAULT 'member',
    username  VARCHAR(40) NOT NULL,
    team      VARCHAR(20) NOT NULL,
    CONSTRAINT users_role CHECK (role IN ('admin', 'member', 'viewer')),
    CONSTRAINT users_team_username UNIQUE (team, username)
);
