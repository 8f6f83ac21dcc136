CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    total numeric(12, 2) NOT NULL CHECK (total >= 0)
);

/* a PL/pgSQL body full of semicolons; */
CREATE FUNCTION order_total(uid bigint) RETURNS numeric LANGUAGE plpgsql AS $fn$
DECLARE
    t numeric;
BEGIN
    SELECT coalesce(sum(total), 0) INTO t FROM orders WHERE user_id = uid; -- ; in a comment
    RETURN t;
END;
$fn$;
