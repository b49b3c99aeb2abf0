-- Shared by every replica: event ids already handled (Slack re-delivers events) and each
-- person's recent requests (the flood gate). Moments are Unix seconds.

CREATE TABLE seen_events (
    event_id text PRIMARY KEY,
    seen_at double precision NOT NULL
);
CREATE INDEX seen_events_seen_at ON seen_events (seen_at);

CREATE TABLE request_windows (
    team_id text NOT NULL,
    user_id text NOT NULL,
    -- The moments of the requests admitted within the window, oldest first.
    recent double precision[] NOT NULL,
    -- Whether the latest request was admitted.
    admitted boolean NOT NULL DEFAULT true,
    PRIMARY KEY (team_id, user_id)
);
