-- MySQL / MariaDB version of schema.postgres.sql (same tables, same spec).
CREATE TABLE departments (
    id          int AUTO_INCREMENT PRIMARY KEY,
    name        varchar(80) NOT NULL UNIQUE,
    manager_id  int NULL
) ENGINE=InnoDB;

CREATE TABLE employees (
    id             int AUTO_INCREMENT PRIMARY KEY,
    department_id  int NOT NULL,
    manager_id     int NULL,
    full_name      varchar(120) NOT NULL,
    email          varchar(200) NOT NULL UNIQUE,
    salary         decimal(10, 2) NOT NULL,
    CONSTRAINT employees_salary CHECK (salary BETWEEN 30000 AND 250000),
    CONSTRAINT employees_department_fk FOREIGN KEY (department_id) REFERENCES departments(id),
    CONSTRAINT employees_manager_fk FOREIGN KEY (manager_id) REFERENCES employees(id)
) ENGINE=InnoDB;

ALTER TABLE departments ADD CONSTRAINT departments_manager_fk
    FOREIGN KEY (manager_id) REFERENCES employees(id);

CREATE TABLE customers (
    id          bigint AUTO_INCREMENT PRIMARY KEY,
    email       varchar(200) NOT NULL UNIQUE,
    full_name   varchar(120) NOT NULL,
    phone       varchar(40) NULL,
    tier        enum('free', 'pro', 'enterprise') NOT NULL DEFAULT 'free',
    created_at  datetime NOT NULL,
    preferences json NOT NULL,
    country     char(2) NOT NULL,
    CONSTRAINT customers_country CHECK (country IN ('US', 'GB', 'DE', 'FR', 'NL'))
) ENGINE=InnoDB;

CREATE TABLE products (
    id      int AUTO_INCREMENT PRIMARY KEY,
    sku     varchar(20) NOT NULL UNIQUE,
    name    text NOT NULL,
    price   decimal(10, 2) NOT NULL,
    stock   int NOT NULL DEFAULT 0,
    CONSTRAINT products_price CHECK (price > 0 AND price <= 10000),
    CONSTRAINT products_stock CHECK (stock >= 0)
) ENGINE=InnoDB;

CREATE TABLE orders (
    id           bigint AUTO_INCREMENT PRIMARY KEY,
    customer_id  bigint NOT NULL,
    status       varchar(20) NOT NULL,
    ordered_at   datetime NOT NULL,
    note         text NULL,
    CONSTRAINT orders_status CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers(id)
) ENGINE=InnoDB;

CREATE TABLE order_items (
    order_id    bigint NOT NULL,
    product_id  int NOT NULL,
    quantity    smallint NOT NULL,
    PRIMARY KEY (order_id, product_id),
    CONSTRAINT order_items_quantity CHECK (quantity BETWEEN 1 AND 20),
    CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders(id),
    CONSTRAINT order_items_product_fk FOREIGN KEY (product_id) REFERENCES products(id)
) ENGINE=InnoDB;

CREATE TABLE users (
    id        int AUTO_INCREMENT PRIMARY KEY,
    email     varchar(200) NOT NULL UNIQUE,
    role      varchar(10) NOT NULL DEFAULT 'member',
    username  varchar(40) NOT NULL,
    team      varchar(20) NOT NULL,
    CONSTRAINT users_role CHECK (role IN ('admin', 'member', 'viewer')),
    CONSTRAINT users_team_username UNIQUE (team, username)
) ENGINE=InnoDB;
