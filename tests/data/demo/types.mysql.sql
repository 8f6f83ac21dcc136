-- MariaDB's own types: enum, set, year, bit, json, blobs, uuid, inet6, a trigger.
CREATE TABLE film (
    film_id     smallint unsigned AUTO_INCREMENT PRIMARY KEY,
    title       varchar(128) NOT NULL,
    rating      enum('G', 'PG', 'PG-13', 'R', 'NC-17') DEFAULT 'G',
    features    set('Trailers', 'Commentaries', 'Deleted Scenes') NOT NULL,
    release_year year NOT NULL,
    flags       bit(4) NOT NULL,
    meta        json NOT NULL,
    poster      blob NOT NULL,
    ident       uuid NOT NULL UNIQUE,
    ip          inet6 NOT NULL,
    price       decimal(4, 2) NOT NULL CHECK (price BETWEEN 0.99 AND 9.99),
    ratio       double NOT NULL,
    shown_at    datetime NOT NULL,
    starts      time NOT NULL,
    tiny        tinyint NOT NULL,
    note        text
) ENGINE=InnoDB;
