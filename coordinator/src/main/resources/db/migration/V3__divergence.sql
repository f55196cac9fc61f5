-- How many ports the regions of a check disagree on, kept up to date as verdicts arrive, so that
-- GET /api/v1/checks?divergent=true is an index scan rather than a comparison of every check's ports.
ALTER TABLE checks ADD COLUMN divergent_ports integer NOT NULL DEFAULT 0;
CREATE INDEX checks_divergent_recent_idx ON checks (created_at DESC, id DESC) WHERE divergent_ports > 0;
