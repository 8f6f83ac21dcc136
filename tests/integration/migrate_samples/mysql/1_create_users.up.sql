CREATE TABLE users (
  id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email varchar(200) NOT NULL UNIQUE,
  note text
);
-- strings with semicolons and escapes
INSERT INTO users (email, note) VALUES
  ('a@example.com', 'it\'s; fine'),
  ("b@example.com", "double \"quoted\"; text");
