-- a SQL-standard function body (BEGIN ATOMIC ... END) and a view
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql
BEGIN ATOMIC
    SELECT count(*) FROM users;
END;

CREATE VIEW active_users AS
    SELECT id, email FROM users WHERE state = 'active';
