DROP TRIGGER orders_no_negative;
DROP TABLE orders;
