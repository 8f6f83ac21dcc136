DROP TRIGGER users_logged;
DROP TABLE user_log;
