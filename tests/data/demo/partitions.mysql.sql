-- MariaDB partitioning: RANGE COLUMNS on a date, RANGE on YEAR(), LIST, HASH.
CREATE TABLE customers (
    id    int AUTO_INCREMENT PRIMARY KEY,
    email varchar(120) NOT NULL UNIQUE
) ENGINE=InnoDB;
CREATE TABLE payments (
    id       bigint NOT NULL,
    amount   decimal(8, 2) NOT NULL,
    paid_on  date NOT NULL,
    PRIMARY KEY (id, paid_on)
) ENGINE=InnoDB
PARTITION BY RANGE COLUMNS (paid_on) (
    PARTITION p2024_01 VALUES LESS THAN ('2024-02-01'),
    PARTITION p2024_02 VALUES LESS THAN ('2024-03-01'),
    PARTITION p2024_03 VALUES LESS THAN ('2024-04-01')
);
CREATE TABLE logins (
    id       int NOT NULL,
    at       datetime NOT NULL,
    PRIMARY KEY (id, at)
) ENGINE=InnoDB
PARTITION BY RANGE (YEAR(at)) (
    PARTITION y2022 VALUES LESS THAN (2023),
    PARTITION y2023 VALUES LESS THAN (2024)
);
CREATE TABLE shipments (
    id      int NOT NULL,
    zone    int NOT NULL,
    PRIMARY KEY (id, zone)
) ENGINE=InnoDB
PARTITION BY LIST (zone) (
    PARTITION north VALUES IN (1, 2),
    PARTITION south VALUES IN (3)
);
CREATE TABLE sessions (
    id      int NOT NULL PRIMARY KEY,
    agent   varchar(100)
) ENGINE=InnoDB
PARTITION BY HASH (id) PARTITIONS 3;
