DROP INDEX orders_total ON orders;
