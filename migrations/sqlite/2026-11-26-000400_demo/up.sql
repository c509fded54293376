-- Marks a database filled by `ratify demo`: every page then says the data is fictional.
CREATE TABLE instance_flags (
    name TEXT PRIMARY KEY NOT NULL,
    set_at TIMESTAMP NOT NULL
);
