-- A NOT NULL foreign-key cycle, a NOT NULL self-reference and composite keys (MariaDB).
CREATE TABLE store (
    store_id         int unsigned AUTO_INCREMENT PRIMARY KEY,
    manager_staff_id int unsigned NOT NULL,
    address          varchar(100) NOT NULL
) ENGINE=InnoDB;
CREATE TABLE staff (
    staff_id   int unsigned AUTO_INCREMENT PRIMARY KEY,
    store_id   int unsigned NOT NULL,
    first_name varchar(45) NOT NULL,
    username   varchar(16) NOT NULL UNIQUE,
    CONSTRAINT staff_store_fk FOREIGN KEY (store_id) REFERENCES store(store_id)
) ENGINE=InnoDB;
ALTER TABLE store ADD CONSTRAINT store_manager_fk FOREIGN KEY (manager_staff_id) REFERENCES staff(staff_id);
CREATE TABLE category (
    id        int AUTO_INCREMENT PRIMARY KEY,
    parent_id int NOT NULL,
    name      varchar(25) NOT NULL,
    CONSTRAINT category_parent_fk FOREIGN KEY (parent_id) REFERENCES category(id)
) ENGINE=InnoDB;
CREATE TABLE warehouse (
    country  char(2) NOT NULL,
    code     int NOT NULL,
    name     varchar(60) NOT NULL,
    PRIMARY KEY (country, code)
) ENGINE=InnoDB;
CREATE TABLE bin (
    country  char(2) NOT NULL,
    code     int NOT NULL,
    slot     smallint NOT NULL,
    label    varchar(12),
    PRIMARY KEY (country, code, slot),
    CONSTRAINT bin_warehouse_fk FOREIGN KEY (country, code) REFERENCES warehouse(country, code)
) ENGINE=InnoDB;
