-- Every person's data: one row per person (their lock, profile, undo record and delivery
-- lease) and one table per kind of record. Fields the coach filters on are columns with
-- indexes; the rest of each record is the domain's own encoding, as JSONB. Moments are Unix
-- seconds, as in the records.

CREATE TABLE people (
    team_id text NOT NULL,
    user_id text NOT NULL,
    -- True once anything was written for the person (a read alone keeps no one).
    kept boolean NOT NULL DEFAULT false,
    profile jsonb,
    undo jsonb,
    notice text,
    -- The earliest next attempt of a scheduled or sending nudge; NULL while parked.
    next_due double precision,
    waiting integer NOT NULL DEFAULT 0,
    claimed_by text,
    lease_until double precision,
    not_before double precision,
    -- When delivery should next look at the person: the lease's end while one is held,
    -- else the next due moment, not before `not_before`.
    wake_at double precision GENERATED ALWAYS AS (
        CASE
            WHEN claimed_by IS NOT NULL THEN lease_until
            WHEN next_due IS NULL THEN NULL
            ELSE greatest(next_due, coalesce(not_before, next_due))
        END
    ) STORED,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX people_wake_at ON people (wake_at) WHERE wake_at IS NOT NULL;

CREATE TABLE interviews (
    team_id text NOT NULL,
    user_id text NOT NULL,
    id integer NOT NULL,
    record jsonb NOT NULL,
    PRIMARY KEY (team_id, user_id, id),
    FOREIGN KEY (team_id, user_id) REFERENCES people ON DELETE CASCADE
);

CREATE TABLE processes (
    team_id text NOT NULL,
    user_id text NOT NULL,
    id integer NOT NULL,
    record jsonb NOT NULL,
    PRIMARY KEY (team_id, user_id, id),
    FOREIGN KEY (team_id, user_id) REFERENCES people ON DELETE CASCADE
);

CREATE TABLE nudges (
    team_id text NOT NULL,
    user_id text NOT NULL,
    number integer NOT NULL,
    interview_id integer NOT NULL,
    state text NOT NULL,
    message_ts text,
    next_attempt double precision NOT NULL,
    record jsonb NOT NULL,
    PRIMARY KEY (team_id, user_id, number),
    FOREIGN KEY (team_id, user_id) REFERENCES people ON DELETE CASCADE
);
CREATE INDEX nudges_by_interview ON nudges (team_id, user_id, interview_id, number);
CREATE INDEX nudges_by_message ON nudges (team_id, user_id, message_ts)
    WHERE message_ts IS NOT NULL;
CREATE INDEX nudges_latest_message ON nudges (team_id, user_id, (message_ts::numeric))
    WHERE message_ts IS NOT NULL;
CREATE INDEX nudges_waiting ON nudges (team_id, user_id, next_attempt)
    WHERE state IN ('scheduled', 'sending');
