DROP FUNCTION order_total(bigint);
DROP TABLE orders;
