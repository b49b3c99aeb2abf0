-- Fencing for delivery leases: every claim of a person raises `fence`, so an owner that
-- paused past its lease finds the person claimed again (the token changed) even by itself;
-- `lease_deadline` is the lease's end on the database's clock (Unix seconds), the one clock
-- every replica shares, to tell whether a post still has time to finish inside the lease.

ALTER TABLE people
    ADD COLUMN fence bigint NOT NULL DEFAULT 0,
    ADD COLUMN lease_deadline double precision;
