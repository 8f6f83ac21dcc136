DROP VIEW active_users;
DROP FUNCTION user_count();
