-- Example table for the retention job, shaped like service one's requests table (database `one`).
-- When copying, point the job at your real table instead; it needs an id, a status and updated_at.
CREATE TABLE IF NOT EXISTS retention_requests (
  id text PRIMARY KEY,
  status text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  -- When the row last changed: for a row in a final state, when it got there.
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Makes the job's scan cheap: only final rows, ordered by age.
CREATE INDEX IF NOT EXISTS retention_requests_final_updated_at
  ON retention_requests (updated_at) WHERE status IN ('completed', 'failed');

-- Only needed with RETENTION_MODE=archive: same columns plus when the row was archived.
CREATE TABLE IF NOT EXISTS retention_requests_archive (
  LIKE retention_requests,
  archived_at timestamptz NOT NULL DEFAULT now()
);
