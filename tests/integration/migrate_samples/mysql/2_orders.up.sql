CREATE TABLE orders (
  id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id bigint NOT NULL,
  total decimal(12, 2) NOT NULL,
  CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id)
);
# a trigger body with its own semicolons
CREATE TRIGGER orders_no_negative BEFORE INSERT ON orders FOR EACH ROW
BEGIN
  IF NEW.total < 0 THEN
    SET NEW.total = 0;
  END IF;
END;
