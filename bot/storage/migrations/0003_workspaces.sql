-- Workspaces, shared by every replica: each team's bot installation (the record in the same
-- encoding as the embedded store's), one-time OAuth states, and teams that left and when their
-- people are to be forgotten. Moments are Unix seconds.

CREATE TABLE installations (
    team_id text PRIMARY KEY,
    enterprise_id text,
    record jsonb NOT NULL
);

CREATE TABLE oauth_states (
    state text PRIMARY KEY,
    expires_at double precision NOT NULL
);
CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at);

CREATE TABLE workspace_departures (
    team_id text PRIMARY KEY,
    forget_at double precision NOT NULL
);
CREATE INDEX workspace_departures_forget_at ON workspace_departures (forget_at);
