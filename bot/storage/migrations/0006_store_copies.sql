-- What `interview-coach migrate` did to this database: when a copy from the embedded store
-- began and finished, and whether the workspaces came across. A finished copy is never run
-- again (the coach has lived here since); an interrupted one is continued with --resume.

CREATE TABLE store_copies (
    id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    source text NOT NULL,
    started_at double precision NOT NULL,
    workspaces_copied boolean NOT NULL DEFAULT false,
    finished_at double precision
);
