CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, note TEXT);
INSERT INTO users (email, note) VALUES ('a@example.com', 'it''s; fine');
