-- Calendar feeds, one per person: the address only sealed (inside the record), when the feed is
-- next fetched, and which replica holds it now (a lease, as for delivery), so each feed is
-- fetched by one replica at a time. Moments are Unix seconds.

CREATE TABLE calendar_feeds (
    team_id text NOT NULL,
    user_id text NOT NULL,
    record jsonb NOT NULL,
    next_at double precision NOT NULL,
    claimed_by text,
    lease_until double precision,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX calendar_feeds_next_at ON calendar_feeds (next_at);
