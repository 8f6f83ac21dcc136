-- users and their state; strings with semicolons in every quoting style
CREATE TYPE user_state AS ENUM ('active', 'blocked');

CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    state user_state NOT NULL DEFAULT 'active',
    note text DEFAULT E'semi;colon \'escaped\''
);

INSERT INTO users (email, note) VALUES
    ('a@example.com', 'it''s; fine'),
    ('b@example.com', $$dollar; quoted$$);
