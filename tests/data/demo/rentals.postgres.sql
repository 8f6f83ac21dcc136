-- An application-shaped schema for fan-out: lookup tables, entities, facts per parent.
CREATE TABLE language (
    language_id smallserial PRIMARY KEY,
    name        char(20) NOT NULL
);
CREATE TABLE country (
    country_id smallserial PRIMARY KEY,
    country    varchar(50) NOT NULL
);
CREATE TABLE city (
    city_id    serial PRIMARY KEY,
    city       varchar(50) NOT NULL,
    country_id smallint NOT NULL REFERENCES country(country_id)
);
CREATE TABLE customer (
    customer_id serial PRIMARY KEY,
    city_id     integer NOT NULL REFERENCES city(city_id),
    first_name  varchar(45) NOT NULL,
    last_name   varchar(45) NOT NULL,
    email       varchar(50),
    active      boolean NOT NULL DEFAULT true,
    create_date date NOT NULL DEFAULT CURRENT_DATE
);
CREATE TABLE film (
    film_id     serial PRIMARY KEY,
    title       varchar(255) NOT NULL,
    language_id smallint NOT NULL REFERENCES language(language_id),
    rental_rate numeric(4, 2) NOT NULL DEFAULT 4.99,
    length      smallint CHECK (length > 0)
);
CREATE TABLE rental (
    rental_id   serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customer(customer_id),
    film_id     integer NOT NULL REFERENCES film(film_id),
    rental_date timestamp NOT NULL,
    return_date timestamp
);
CREATE TABLE payment (
    payment_id  serial PRIMARY KEY,
    rental_id   integer NOT NULL REFERENCES rental(rental_id),
    amount      numeric(5, 2) NOT NULL CHECK (amount >= 0),
    payment_date timestamp NOT NULL
);
CREATE TABLE film_actor (
    film_id  integer NOT NULL REFERENCES film(film_id),
    actor    varchar(45) NOT NULL,
    PRIMARY KEY (film_id, actor)
);
CREATE UNIQUE INDEX customer_email_lower ON customer (lower(email));
CREATE UNIQUE INDEX film_title_lower ON film (lower(btrim(title)));
