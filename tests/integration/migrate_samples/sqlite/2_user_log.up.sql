CREATE TABLE user_log (user_id INTEGER NOT NULL, at TEXT NOT NULL);
CREATE TRIGGER users_logged AFTER INSERT ON users
BEGIN
  INSERT INTO user_log (user_id, at) VALUES (NEW.id, CASE WHEN 1 THEN 'now' END);
END;
CREATE INDEX user_log_user ON user_log (user_id);
