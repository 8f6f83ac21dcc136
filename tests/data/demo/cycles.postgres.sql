-- A NOT NULL foreign-key cycle (not deferrable), a deferrable one, a NOT NULL
-- self-reference and composite keys.
CREATE TABLE store (
    store_id         serial PRIMARY KEY,
    manager_staff_id integer NOT NULL,
    address          text NOT NULL
);
CREATE TABLE staff (
    staff_id   serial PRIMARY KEY,
    store_id   integer NOT NULL REFERENCES store(store_id),
    first_name varchar(45) NOT NULL,
    username   varchar(16) NOT NULL UNIQUE
);
ALTER TABLE store ADD CONSTRAINT store_manager_fk FOREIGN KEY (manager_staff_id) REFERENCES staff(staff_id);

CREATE TABLE author (
    id        integer PRIMARY KEY,
    best_book integer NOT NULL
);
CREATE TABLE book (
    id        integer PRIMARY KEY,
    author_id integer NOT NULL REFERENCES author(id) DEFERRABLE INITIALLY IMMEDIATE,
    title     text NOT NULL
);
ALTER TABLE author ADD CONSTRAINT author_best_book_fk FOREIGN KEY (best_book)
    REFERENCES book(id) DEFERRABLE INITIALLY IMMEDIATE;

CREATE TABLE category (
    id        serial PRIMARY KEY,
    parent_id integer NOT NULL REFERENCES category(id),
    name      varchar(25) NOT NULL
);

CREATE TABLE warehouse (
    country  char(2) NOT NULL,
    code     integer NOT NULL,
    name     text NOT NULL,
    PRIMARY KEY (country, code)
);
CREATE TABLE bin (
    country  char(2) NOT NULL,
    code     integer NOT NULL,
    slot     smallint NOT NULL,
    label    varchar(12),
    PRIMARY KEY (country, code, slot),
    FOREIGN KEY (country, code) REFERENCES warehouse(country, code)
);
